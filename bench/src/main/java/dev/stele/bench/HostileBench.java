package dev.stele.bench;

import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.crypto.Signer;
import dev.stele.client.crypto.Signers;
import dev.stele.client.keys.KeyFiles;
import dev.stele.client.protocol.Dsse;
import dev.stele.client.protocol.Pem;
import dev.stele.client.rekor.ProposedEntries;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The worst case (issue 12): for each family of expensive request, the largest server CPU time
 * per request this program can construct (bodies of at most 1 MiB), measured as the CPU time of
 * the server process (utime + stime from {@code /proc/PID/stat}) over a batch of such requests,
 * less what the idle server uses in the same time, divided by their count; and, in the same run,
 * the rate of honest appends (a fresh P-256 key per entry). Requests of one family are sent one
 * at a time, so that nothing else runs in the server meanwhile; each variant is measured in up to
 * three rounds, and the median is reported.
 *
 * <pre>
 * java -cp "bench/target/stele-bench.jar:bench/target/lib/*" dev.stele.bench.HostileBench \
 *     http://127.0.0.1:3000 --server-pid PID [--quick]
 * </pre>
 *
 * <p>Each result is a line {@code RESULT <family> <variant> <requests> <cpu ms per request>
 * <statuses>}; {@code bench/hostile-bench.sh} runs this against the server before and after
 * issue 12 and puts the lines side by side.
 */
public final class HostileBench {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String TEXT = "text/plain";
  private static final String IN_TOTO = "application/vnd.in-toto+json";

  private final URI url;
  private final long pid;
  private final boolean quick;
  private double idleCpuPerSecond;

  private HostileBench(URI url, long pid, boolean quick) {
    this.url = url;
    this.pid = pid;
    this.quick = quick;
  }

  public static void main(String[] args) throws Exception {
    URI url = URI.create(args[0]);
    long pid = -1;
    boolean quick = false;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--server-pid" -> pid = Long.parseLong(args[++i]);
        case "--quick" -> quick = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (pid <= 0) throw new IllegalArgumentException("--server-pid is required");
    new HostileBench(url, pid, quick).run();
  }

  // ---- measuring ---------------------------------------------------------------------------

  /**
   * CPU time of the server process, in seconds: the sum over its threads of the time each has
   * run ({@code /proc/PID/task/TID/schedstat}, nanoseconds), more precise than {@code
   * /proc/PID/stat}'s 10 ms ticks; the server's threads live as long as it does.
   */
  private double cpu() throws IOException {
    long ns = 0;
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          String line = Files.readString(t.resolve("schedstat"), StandardCharsets.US_ASCII);
          ns += Long.parseLong(line.substring(0, line.indexOf(' ')));
        } catch (IOException e) {
          // the thread ended between the listing and the read
        }
      }
    }
    return ns / 1e9;
  }

  private void measureIdle() throws Exception {
    double c0 = cpu();
    long t0 = System.nanoTime();
    Thread.sleep(quick ? 1000 : 3000);
    idleCpuPerSecond = (cpu() - c0) / ((System.nanoTime() - t0) / 1e9);
    System.out.printf(Locale.ROOT, "# idle server CPU: %.1f ms per second%n", idleCpuPerSecond * 1000);
  }

  /** One prepared request: sends it and returns the status (-1 for a closed connection). */
  private interface Request {
    int send() throws Exception;
  }

  /** Prepares the i-th request of a variant (keys, signatures, certificates), before timing. */
  private interface Maker {
    Request make(int i) throws Exception;
  }

  /**
   * Prepares {@code warm + rounds * perRound} requests, each used once (a repeated one could be
   * answered from a cache: parsed keys, parsed certificates), sends the first {@code warm} to
   * warm the server's JIT up on this path, then the rest one at a time in rounds; reports the
   * median over rounds of the server's CPU per request, less what the idle server uses meanwhile.
   */
  private void measure(String family, String variant, int warm, int rounds, int perRound, Maker maker)
      throws Exception {
    if (quick) {
      rounds = 1;
      warm = Math.min(warm, 1);
      perRound = Math.max(1, perRound / 2);
    }
    List<Request> requests = new ArrayList<>();
    for (int i = 0; i < warm + rounds * perRound; i++) requests.add(maker.make(i));
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (int i = 0; i < warm; i++) requests.get(i).send();
    List<Double> perRequest = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      double c0 = cpu();
      long t0 = System.nanoTime();
      for (int k = 0; k < perRound; k++) {
        statuses.merge(requests.get(warm + r * perRound + k).send(), 1, Integer::sum);
      }
      Thread.sleep(100); // what the requests left behind (a batch commit) is theirs
      double elapsed = (System.nanoTime() - t0) / 1e9;
      double used = Math.max(0, cpu() - c0 - idleCpuPerSecond * elapsed);
      perRequest.add(used * 1000 / perRound);
    }
    Collections.sort(perRequest);
    double median = perRequest.get(perRequest.size() / 2);
    StringBuilder st = new StringBuilder();
    statuses.forEach((k, v) -> st.append(st.length() == 0 ? "" : ",").append(k).append('x').append(v));
    System.out.printf(Locale.ROOT, "RESULT %s %s %d %.2f %s%n", family, variant, rounds * perRound, median, st);
  }

  private int post(String path, byte[] body) throws Exception {
    HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(url.resolve(path)).timeout(Duration.ofSeconds(120))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    return r.statusCode();
  }

  private int get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(url.resolve(path)).timeout(Duration.ofSeconds(120)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray()).statusCode();
  }

  /** A prepared proposal of an entry. */
  private Request entry(byte[] proposal) {
    return () -> postEntry(proposal);
  }

  private int postEntry(byte[] proposal) {
    try {
      return post("/api/v1/log/entries", proposal);
    } catch (Exception e) {
      return -1; // a closed connection: the server refused to read it
    }
  }

  // ---- building requests -------------------------------------------------------------------

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  private static KeyPair generate(String algorithm, String curve) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
    if (curve != null) g.initialize(new ECGenParameterSpec(curve));
    return g.generateKeyPair();
  }

  private static byte[] sign(KeyPair k, byte[] data) throws Exception {
    String a = k.getPrivate().getAlgorithm();
    Signature s = Signature.getInstance(a.equals("EC") ? "SHA256withECDSA" : a.equals("RSA") ? "SHA256withRSA" : "Ed25519");
    s.initSign(k.getPrivate());
    s.update(data);
    return s.sign();
  }

  private static String pem(PublicKey key) {
    return Pem.encode("PUBLIC KEY", key.getEncoded());
  }

  /** A DSSE envelope over {@code payload} with the given signatures (base64 texts). */
  private static String envelope(String type, byte[] payload, List<String> sigs) {
    StringBuilder sb = new StringBuilder("{\"payload\":\"").append(b64(payload)).append("\",\"payloadType\":\"")
        .append(type).append("\",\"signatures\":[");
    for (int i = 0; i < sigs.size(); i++) {
      sb.append(i == 0 ? "" : ",").append("{\"keyid\":\"\",\"sig\":\"").append(sigs.get(i)).append("\"}");
    }
    return sb.append("]}").toString();
  }

  /** The issue's case: {@code n} Ed25519 verifiers, {@code n} copies of one signature by the last. */
  private static byte[] dsseCopies(int n, List<KeyPair> keys, String nonce) throws Exception {
    byte[] payload = ("{\"n\":\"" + nonce + "\"}").getBytes(StandardCharsets.UTF_8);
    String sig = b64(sign(keys.get(n - 1), Dsse.pae(TEXT, payload)));
    List<String> pems = new ArrayList<>();
    for (int i = 0; i < n; i++) pems.add(pem(keys.get(i).getPublic()));
    return ProposedEntries.dsse(envelope(TEXT, payload, Collections.nCopies(n, sig)), pems);
  }

  /** {@code n} fresh keys sign; the verifiers are listed in the reverse order, without key IDs. */
  private static byte[] dsseReversed(int n, String curve, String nonce) throws Exception {
    byte[] payload = ("{\"n\":\"" + nonce + "\"}").getBytes(StandardCharsets.UTF_8);
    List<String> sigs = new ArrayList<>();
    List<String> pems = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      KeyPair k = generate("EC", curve);
      sigs.add(b64(sign(k, Dsse.pae(TEXT, payload))));
      pems.add(pem(k.getPublic()));
    }
    Collections.reverse(pems);
    return ProposedEntries.dsse(envelope(TEXT, payload, sigs), pems);
  }

  /** An RSA 3072 key pair whose public exponent is 3,070 bits long (a valid key: d exists). */
  private static KeyPair rsaHugeExponent() throws Exception {
    while (true) {
      BigInteger p = BigInteger.probablePrime(1536, RANDOM);
      BigInteger q = BigInteger.probablePrime(1536, RANDOM);
      BigInteger n = p.multiply(q);
      if (n.bitLength() != 3072) continue;
      BigInteger phi = p.subtract(BigInteger.ONE).multiply(q.subtract(BigInteger.ONE));
      BigInteger e = new BigInteger(3070, RANDOM).setBit(3069).setBit(0);
      if (!e.gcd(phi).equals(BigInteger.ONE)) continue;
      BigInteger d = e.modInverse(phi);
      KeyFactory f = KeyFactory.getInstance("RSA");
      PublicKey pub = f.generatePublic(new RSAPublicKeySpec(n, e));
      PrivateKey priv = f.generatePrivate(new RSAPrivateCrtKeySpec(n, e, d, p, q,
          d.mod(p.subtract(BigInteger.ONE)), d.mod(q.subtract(BigInteger.ONE)), q.modInverse(p)));
      return new KeyPair(pub, priv);
    }
  }

  /** A certificate for {@code subject} signed with {@code issuer}, optionally with filler bytes. */
  private static byte[] certificate(KeyPair subject, KeyPair issuer, String cn, int filler) throws Exception {
    long now = System.currentTimeMillis();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=issuer of " + cn),
        BigInteger.valueOf(now).add(BigInteger.valueOf(RANDOM.nextInt(1 << 30))), new Date(now - 60_000),
        new Date(now + 86_400_000L), new X500Name("CN=" + cn), subject.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    if (filler > 0) {
      b.addExtension(new ASN1ObjectIdentifier("1.3.6.1.4.1.57264.99.1"), false, new DEROctetString(new byte[filler]));
    }
    String a = issuer.getPrivate().getAlgorithm();
    String alg = a.equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder(alg).build(issuer.getPrivate()))).getEncoded();
  }

  /** A hashedrekord proposal over a random digest with the given signature and PEM. */
  private static byte[] hashedRekord(byte[] digest, byte[] signature, String pemText) {
    return ProposedEntries.hashedRekord(HashAlgorithm.SHA256, digest, signature, pemText);
  }

  private static byte[] randomDigest() {
    byte[] d = new byte[32];
    RANDOM.nextBytes(d);
    return d;
  }

  // ---- the run -----------------------------------------------------------------------------

  private void run() throws Exception {
    System.out.printf(Locale.ROOT, "# hostile bench against %s (pid %d), load average %s%n", url, pid,
        Files.readString(Path.of("/proc/loadavg")).trim());
    honest(3, false); // warm-up: the JIT compiles the append path
    measureIdle();
    honest(quick ? 3 : 4, true);
    // The issue's four attacks first (a loaded machine may cut the run short), then the other
    // amplifications; the search, which writes much (and so starts compactions), last.
    dsse();
    rsa();
    indexKeys();
    flood();
    honest(quick ? 3 : 4, true);
    retrieve();
    chains();
    slowBodies();
    metricsLabels();
    search();
    System.out.printf(Locale.ROOT, "# load average after: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
  }

  /** Honest appends: a fresh P-256 key per entry, 32 in flight, for {@code seconds}. */
  private void honest(int seconds, boolean report) throws Exception {
    // Enough for 300 appends a second: more than this shared 2-core machine takes while the
    // bench itself runs (a faster one runs out of proposals and reports its ceiling as 300/s).
    int n = 300 * seconds;
    byte[][] proposals = new byte[n][];
    List<Future<?>> presign = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(32);
    AtomicInteger made = new AtomicInteger();
    for (int t = 0; t < 2; t++) {
      presign.add(pool.submit(() -> {
        for (int i = made.getAndIncrement(); i < n; i = made.getAndIncrement()) {
          KeyPair k = KeyFiles.generateEcdsaP256();
          Signer s = Signers.forKeyPair(k);
          byte[] artifact = ("honest " + System.nanoTime() + " " + i).getBytes(StandardCharsets.UTF_8);
          proposals[i] = hashedRekord(MessageDigest.getInstance("SHA-256").digest(artifact), s.sign(artifact),
              pem(k.getPublic()));
        }
        return null;
      }));
    }
    for (Future<?> f : presign) f.get();
    AtomicInteger next = new AtomicInteger();
    AtomicLong ok = new AtomicLong();
    AtomicLong other = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    double c0 = cpu();
    long t0 = System.nanoTime();
    List<Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < 32; w++) {
      workers.add(pool.submit(() -> {
        while (System.nanoTime() < end) {
          int i = next.getAndIncrement();
          if (i >= n) break;
          if (postEntry(proposals[i]) == 201) ok.incrementAndGet();
          else other.incrementAndGet();
        }
        return null;
      }));
    }
    for (Future<?> f : workers) f.get();
    double elapsed = (System.nanoTime() - t0) / 1e9;
    double used = cpu() - c0;
    pool.shutdown();
    if (report) {
      System.out.printf(Locale.ROOT, "HONEST %.0f appends/s (%d in %.1f s, %d not 201), server CPU %.0f us per append%n",
          ok.get() / elapsed, ok.get(), elapsed, other.get(), used * 1e6 / Math.max(1, ok.get()));
    }
  }

  private void dsse() throws Exception {
    List<KeyPair> ed = new ArrayList<>();
    for (int i = 0; i < 150; i++) ed.add(generate("Ed25519", null));
    byte[] probe = dsseCopies(150, ed, "probe");
    System.out.printf(Locale.ROOT, "# dsse 150x150: %d bytes%n", probe.length);
    measure("dsse-nxm", "150-ed25519-verifiers-150-copies", 1, 3, 1, i -> entry(dsseCopies(150, ed, "c" + i + RANDOM.nextLong())));
    measure("dsse-nxm", "8-p521-reversed", 1, 3, 2, i -> entry(dsseReversed(8, "secp521r1", "a" + i + RANDOM.nextLong())));
    measure("dsse-nxm", "8-p256-reversed", 2, 3, 4, i -> entry(dsseReversed(8, "secp256r1", "b" + i + RANDOM.nextLong())));
    measure("dsse-nxm", "3-p521-reversed", 2, 3, 4, i -> entry(dsseReversed(3, "secp521r1", "d" + i + RANDOM.nextLong())));
  }

  private void rsa() throws Exception {
    KeyPair huge = rsaHugeExponent();
    String hugePem = pem(huge.getPublic());
    measure("rsa-exponent", "rsa3072-e3070bits", 3, 3, 5, i -> {
      byte[] sig = new byte[384];
      RANDOM.nextBytes(sig);
      sig[0] = 0x01; // below the modulus
      return entry(hashedRekord(randomDigest(), sig, hugePem));
    });
  }

  private void chains() throws Exception {
    // Every certificate is signed by the next one's key, all the same RSA 3072 key with a
    // 3,070-bit exponent: each link costs a 3,070-bit modular exponentiation.
    // The certificates differ (their serial numbers), and each request has new ones: the JDK
    // keeps parsed certificates by their bytes, with the outcome of their last check.
    KeyPair huge = rsaHugeExponent();
    int links = (int) Math.min(400, (1_000_000 * 3L / 4 - 2000)
        / (Pem.encode("CERTIFICATE", certificate(huge, huge, "link", 0)).length() * 4 / 3 + 8));
    IntFunction<String> chain = i -> {
      try {
        StringBuilder c = new StringBuilder();
        for (int k = 0; k < links; k++) c.append(Pem.encode("CERTIFICATE", certificate(huge, huge, "link " + k, 0)));
        return c.toString();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    byte[] probe = hashedRekord(randomDigest(), new byte[384], chain.apply(0));
    System.out.printf(Locale.ROOT, "# rsa chain: %d certificates, %d bytes%n", links, probe.length);
    measure("cert-chain", links + "-certs-rsa3072-e3070bits", 0, 3, 1,
        i -> entry(hashedRekord(randomDigest(), new byte[384], chain.apply(i))));

    // What the new rules allow at most: five certificates, all P-521, and a valid signature.
    KeyPair[] keys = new KeyPair[5];
    for (int i = 0; i < 5; i++) keys[i] = generate("EC", "secp521r1");
    measure("cert-chain", "5-certs-p521", 2, 3, 3, i -> {
      StringBuilder p = new StringBuilder();
      KeyPair[] fresh = new KeyPair[5];
      for (int k = 0; k < 5; k++) fresh[k] = generate("EC", "secp521r1");
      for (int k = 0; k < 5; k++) p.append(Pem.encode("CERTIFICATE", certificate(fresh[k], fresh[Math.min(4, k + 1)], "c" + k, 0)));
      byte[] artifact = ("chain " + i + " " + RANDOM.nextLong()).getBytes(StandardCharsets.UTF_8);
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(fresh[0].getPrivate());
      s.update(artifact);
      return entry(hashedRekord(MessageDigest.getInstance("SHA-256").digest(artifact), s.sign(), p.toString()));
    });
  }

  /**
   * In-toto statements that name many digests: any names and values (the old server filed each
   * as a key), and well-formed sha256 subjects; each proposal close to 1 MiB.
   */
  private void indexKeys() throws Exception {
    KeyPair k = generate("Ed25519", null);
    int any = 30_000;
    int subjects = 5_000;
    IntFunction<byte[]> anyDigests = i -> statement(k, i, st -> {
      st.append("[{\"digest\":{");
      for (int s = 0; s < any; s++) st.append(s == 0 ? "" : ",").append("\"a").append(s).append("\":\"").append(i).append('"');
      st.append("}}]");
    });
    IntFunction<byte[]> sha256Subjects = i -> statement(k, i, st -> {
      st.append('[');
      for (int s = 0; s < subjects; s++) {
        st.append(s == 0 ? "" : ",").append("{\"digest\":{\"sha256\":\"").append(String.format("%032x%032x", i, s)).append("\"}}");
      }
      st.append(']');
    });
    System.out.printf(Locale.ROOT, "# index-key flood: %d bytes, %d bytes%n", anyDigests.apply(0).length,
        sha256Subjects.apply(0).length);
    measure("index-keys", any + "-digests-any-name", 1, 3, 2, i -> entry(anyDigests.apply(i)));
    measure("index-keys", subjects + "-sha256-subjects", 1, 3, 2, i -> entry(sha256Subjects.apply(i)));
  }

  /** A signed dsse proposal of an in-toto statement whose subject list {@code subjects} writes. */
  private static byte[] statement(KeyPair k, int i, java.util.function.Consumer<StringBuilder> subjects) {
    try {
      StringBuilder st = new StringBuilder("{\"_type\":\"https://in-toto.io/Statement/v1\",\"n\":\"")
          .append(i).append(' ').append(RANDOM.nextLong()).append("\",\"subject\":");
      subjects.accept(st);
      byte[] payload = st.append('}').toString().getBytes(StandardCharsets.UTF_8);
      String sig = b64(sign(k, Dsse.pae(IN_TOTO, payload)));
      return ProposedEntries.dsse(envelope(IN_TOTO, payload, List.of(sig)), List.of(pem(k.getPublic())));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void retrieve() throws Exception {
    List<KeyPair> ed = new ArrayList<>();
    for (int i = 0; i < 150; i++) ed.add(generate("Ed25519", null));
    // Its path is warm from the dsse family, and one request may cost many seconds: no warm-up.
    measure("retrieve", "10-proposed-150x150-dsse", 0, 1, 1, i -> {
      StringBuilder q = new StringBuilder("{\"entries\":[");
      for (int e = 0; e < 10; e++) {
        q.append(e == 0 ? "" : ",").append(new String(dsseCopies(150, ed, "r" + i + e), StandardCharsets.UTF_8));
      }
      String body = q.append("]}").toString();
      return () -> retrieve(body);
    });
    measure("retrieve", "10-proposed-8-p256-reversed", 1, 3, 2, i -> {
      StringBuilder q = new StringBuilder("{\"entries\":[");
      for (int e = 0; e < 10; e++) {
        q.append(e == 0 ? "" : ",").append(new String(dsseReversed(8, "secp256r1", "s" + i + e + RANDOM.nextLong()),
            StandardCharsets.UTF_8));
      }
      String body = q.append("]}").toString();
      return () -> retrieve(body);
    });
  }

  private int retrieve(String body) {
    try {
      return post("/api/v1/log/entries/retrieve", body.getBytes(StandardCharsets.UTF_8));
    } catch (Exception e) {
      return -1;
    }
  }

  /**
   * Entries of one artifact digest, each with a certificate that makes its body close to 64 KiB:
   * a search by that digest made the old server read and hash every body.
   */
  private void search() throws Exception {
    int entries = quick ? 200 : 400;
    KeyPair leaf = generate("EC", "secp256r1");
    String certPem = Pem.encode("CERTIFICATE", certificate(leaf, leaf, "big", 34_000));
    byte[] artifact = ("searched " + RANDOM.nextLong()).getBytes(StandardCharsets.UTF_8);
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(artifact);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    AtomicInteger made = new AtomicInteger();
    AtomicInteger created = new AtomicInteger();
    List<Future<?>> fs = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      fs.add(pool.submit(() -> {
        for (int i = made.getAndIncrement(); i < entries; i = made.getAndIncrement()) {
          if (postEntry(hashedRekord(digest, sign(leaf, artifact), certPem)) == 201) created.incrementAndGet();
        }
        return null;
      }));
    }
    for (Future<?> f : fs) f.get();
    pool.shutdown();
    System.out.printf(Locale.ROOT, "# search: %d entries of about 64 KiB under one digest%n", created.get());
    Thread.sleep(quick ? 1000 : 3000); // let the store flush what was written
    String q = "{\"hash\":\"sha256:" + HexFormat.of().formatHex(digest) + "\"}";
    measure("search", created.get() + "-entries-of-64kib", 2, 3, 4,
        i -> () -> post("/api/v1/index/retrieve", q.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * A flood (the issue's unbounded verification queue and uncapped connections): {@code n}
   * connections, more than the new server's default cap of 1,024, opened first, then each sends
   * at the same moment a valid proposal of four P-256 signatures (in order, so both servers accept
   * it alone; keys from 64 sets, each proposal with a payload of its own) and waits up to a minute
   * for its answer. Three rounds; CPU per request over all {@code n}, with the answers (-1: closed
   * or reset without one).
   */
  private void flood() throws Exception {
    int n = quick ? 400 : 1100;
    int rounds = quick ? 1 : 3;
    List<List<KeyPair>> keySets = new ArrayList<>();
    for (int k = 0; k < 64; k++) {
      List<KeyPair> set = new ArrayList<>();
      for (int j = 0; j < 4; j++) set.add(generate("EC", "secp256r1"));
      keySets.add(set);
    }
    List<byte[]> all = new ArrayList<>();
    ExecutorService pre = Executors.newFixedThreadPool(2);
    List<Future<List<byte[]>>> parts = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      int part = t;
      parts.add(pre.submit(() -> {
        List<byte[]> out = new ArrayList<>();
        for (int i = part; i < n * rounds; i += 2) {
          byte[] body = dsseInOrder(keySets.get(i % keySets.size()), "f" + i + " " + RANDOM.nextLong());
          out.add(("POST /api/v1/log/entries HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n" + new String(body, StandardCharsets.UTF_8))
              .getBytes(StandardCharsets.UTF_8));
        }
        return out;
      }));
    }
    for (Future<List<byte[]>> f : parts) all.addAll(f.get());
    pre.shutdown();
    List<Double> perRequest = new ArrayList<>();
    List<Double> walls = new ArrayList<>();
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (int r = 0; r < rounds; r++) {
      List<byte[]> batch = all.subList(r * n, (r + 1) * n);
      int[] status = new int[n];
      java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(n);
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      double c0 = cpu();
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        int k = i;
        Thread t = new Thread(null, () -> {
          Socket s = null;
          try {
            s = new Socket(url.getHost(), url.getPort());
            s.setSoTimeout(60_000);
          } catch (IOException e) {
            status[k] = -1;
          }
          connected.countDown();
          try {
            go.await();
            if (s == null) return;
            s.getOutputStream().write(batch.get(k));
            byte[] head = s.getInputStream().readNBytes(12);
            String line = new String(head, StandardCharsets.US_ASCII);
            status[k] = line.startsWith("HTTP/1.1 ") ? Integer.parseInt(line.substring(9, 12)) : -1;
          } catch (Exception e) {
            status[k] = -1;
          } finally {
            try {
              if (s != null) s.close();
            } catch (IOException e) {
              // closing after the answer
            }
          }
        }, "flood-" + i, 256 * 1024);
        threads.add(t);
        t.start();
      }
      connected.await();
      Thread.sleep(200); // the server has accepted (or closed) every connection
      go.countDown();
      for (Thread t : threads) t.join();
      double wall = (System.nanoTime() - t0) / 1e9;
      Thread.sleep(100);
      double elapsed = (System.nanoTime() - t0) / 1e9;
      double used = Math.max(0, cpu() - c0 - idleCpuPerSecond * elapsed);
      perRequest.add(used * 1000 / n);
      walls.add(wall);
      for (int st : status) statuses.merge(st, 1, Integer::sum);
      Thread.sleep(1000); // closed connections are counted out before the next round
    }
    Collections.sort(perRequest);
    Collections.sort(walls);
    StringBuilder st = new StringBuilder();
    statuses.forEach((k, v) -> st.append(st.length() == 0 ? "" : ",").append(k).append('x').append(v));
    System.out.printf(Locale.ROOT, "RESULT flood %d-connections-4-p256-dsse-each-all-answered-in-%.0fs %d %.2f %s%n", n,
        walls.get(walls.size() / 2), rounds * n, perRequest.get(perRequest.size() / 2), st);
  }

  /** Each key signs, the verifiers listed in the same order: valid on both servers. */
  private static byte[] dsseInOrder(List<KeyPair> keys, String nonce) throws Exception {
    byte[] payload = ("{\"n\":\"" + nonce + "\"}").getBytes(StandardCharsets.UTF_8);
    List<String> sigs = new ArrayList<>();
    List<String> pems = new ArrayList<>();
    for (KeyPair k : keys) {
      sigs.add(b64(sign(k, Dsse.pae(TEXT, payload))));
      pems.add(pem(k.getPublic()));
    }
    return ProposedEntries.dsse(envelope(TEXT, payload, sigs), pems);
  }

  /**
   * Connections that send a proposal's headers and then its body at 100 bytes a second: what
   * each costs, and how long the server holds it.
   */
  private void slowBodies() throws Exception {
    int n = 20;
    double observe = 12;
    double c0 = cpu();
    long t0 = System.nanoTime();
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Socket s = new Socket(url.getHost(), url.getPort());
      s.setSoTimeout(10);
      s.getOutputStream().write(("POST /api/v1/log/entries HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: 1048000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      sockets.add(s);
    }
    double[] heldFor = new double[n];
    String[] answer = new String[n];
    byte[] chunk = new byte[100];
    java.util.Arrays.fill(chunk, (byte) ' ');
    while ((System.nanoTime() - t0) / 1e9 < observe) {
      for (int i = 0; i < n; i++) {
        if (answer[i] != null) continue;
        Socket s = sockets.get(i);
        try {
          OutputStream out = s.getOutputStream();
          out.write(chunk);
          out.flush();
          InputStream in = s.getInputStream();
          byte[] buf = new byte[512];
          int r = in.read(buf);
          if (r < 0) answer[i] = "closed";
          else if (r > 0) answer[i] = new String(buf, 0, Math.min(r, 12), StandardCharsets.US_ASCII).trim();
        } catch (SocketTimeoutException e) {
          continue;
        } catch (IOException e) {
          answer[i] = "reset";
        }
        if (answer[i] != null) heldFor[i] = (System.nanoTime() - t0) / 1e9;
      }
      Thread.sleep(1000);
    }
    for (Socket s : sockets) s.close();
    double elapsed = (System.nanoTime() - t0) / 1e9;
    double used = Math.max(0, cpu() - c0 - idleCpuPerSecond * elapsed);
    Map<String, Integer> outcomes = new TreeMap<>();
    double longest = 0;
    for (int i = 0; i < n; i++) {
      outcomes.merge(answer[i] == null ? "open" : answer[i].replace(' ', '_'), 1, Integer::sum);
      longest = Math.max(longest, answer[i] == null ? elapsed : heldFor[i]);
    }
    StringBuilder st = new StringBuilder();
    outcomes.forEach((k, v) -> st.append(st.length() == 0 ? "" : ",").append(k).append('x').append(v));
    System.out.printf(Locale.ROOT, "RESULT slow-body 100-bytes-per-second-held-%.0fs%s %d %.2f %s%n", longest,
        answer[0] == null ? "+" : "", n, used * 1000 / n, st);
  }

  /** Requests with 2,000 distinct method names, then the cost of one /metrics scrape. */
  private void metricsLabels() throws Exception {
    int methods = quick ? 300 : 1000;
    for (int i = 0; i < methods; i++) {
      try (Socket s = new Socket(url.getHost(), url.getPort())) {
        s.setSoTimeout(5000);
        s.getOutputStream().write(("M" + i + " /api/v1/log HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        s.getInputStream().readAllBytes();
      } catch (IOException e) {
        // an answer or a closed connection: either way the request was counted
      }
    }
    measure("metrics-labels", "scrape-after-" + methods + "-methods", 2, 3, 4, i -> () -> get("/metrics"));
  }
}
