package dev.stele.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.operator.ContentSigner;

/**
 * Writes proposed hashedrekord 0.0.1 entries, one JSON document a line, as {@code POST
 * /api/v1/log/entries} takes them and {@code stele-server import} reads them: each with a fresh
 * ECDSA P-256 key ({@code --kind key}), or a fresh key in a fresh X.509 certificate with its own
 * e-mail identity ({@code --kind cert}), and a valid signature over a distinct artifact digest;
 * or only the artifact digests of every {@code stride}-th line ({@code --kind digest}), to search by.
 *
 * <pre>
 * java -cp "bench/target/stele-bench.jar:bench/target/lib/*" dev.stele.bench.ProposalGen \
 *     --count 1000000 [--kind key|cert|digest] [--seed 1] [--start 0] [--stride 1] [--threads 2] [--out FILE|-]
 * </pre>
 *
 * <p>Line {@code i} depends only on the seed and {@code i}, so a stream can be regenerated from
 * any line ({@code --start}), e.g. to resume an import read from a pipe.
 *
 * <p><b>Benchmark data only.</b> A fresh key per entry costs a scalar multiplication, and so does
 * each signature; at the rates an import reaches that would make this generator the bottleneck.
 * So key {@code i} is {@code d0 + i} (its point is the previous one plus the generator) and the
 * signature nonces are consecutive too, and points are normalized in blocks with one field
 * inversion. Signatures made this way are valid, and every entry still costs a log the work of a
 * fresh key (a new point to decode and verify against), but anyone who sees two of them can
 * compute the private keys. Never use this code, or its keys, for anything but load.
 */
public final class ProposalGen {
  private static final int BLOCK = 1024;
  private static final X9ECParameters P256 = CustomNamedCurves.getByOID(SECObjectIdentifiers.secp256r1);
  private static final ECCurve CURVE = P256.getCurve();
  private static final ECPoint G = P256.getG();
  private static final BigInteger N = P256.getN();
  /** DER SubjectPublicKeyInfo of a P-256 key up to the point: SEQUENCE, algorithm, BIT STRING header. */
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex(
      "3059301306072a8648ce3d020106082a8648ce3d030107034200");
  private static final byte[] ECDSA_SHA256 = HexFormat.of().parseHex("300a06082a8648ce3d040302");
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Base64.Encoder MIME = Base64.getMimeEncoder(64, new byte[] {'\n'});

  private final long seed;
  private final boolean certs;
  private final BigInteger d0;
  private final BigInteger k0;
  private final BigInteger caKey;
  private final BigInteger caK0;
  private final CertTemplate template;

  ProposalGen(long seed, boolean certs) throws Exception {
    this.seed = seed;
    this.certs = certs;
    this.d0 = scalar("key", seed);
    this.k0 = scalar("nonce", seed);
    this.caKey = scalar("ca", seed);
    this.caK0 = scalar("ca-nonce", seed);
    this.template = certs ? new CertTemplate(caKey) : null;
  }

  public static void main(String[] args) throws Exception {
    long count = 1000;
    long start = 0;
    long seed = 1;
    String kind = "key";
    String out = "-";
    int threads = Runtime.getRuntime().availableProcessors();
    long stride = 1;
    for (int i = 0; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--count": count = Long.parseLong(v); break;
        case "--start": start = Long.parseLong(v); break;
        case "--seed": seed = Long.parseLong(v); break;
        case "--kind": kind = v; break;
        case "--out": out = v; break;
        case "--threads": threads = Integer.parseInt(v); break;
        case "--stride": stride = Long.parseLong(v); break;
        default: throw new IllegalArgumentException("unknown option " + args[i]
            + " (options: --count N --start I --seed S --kind key|cert --threads T --out FILE|-)");
      }
    }
    if (kind.equals("digest")) {
      // The artifact digests of lines start, start + stride, ...: what a search finds them by.
      try (OutputStream os = out.equals("-") ? new BufferedOutputStream(System.out, 1 << 20)
          : new BufferedOutputStream(Files.newOutputStream(Path.of(out)), 1 << 20)) {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (long n = 0, i = start; n < count; n++, i += stride) {
          byte[] d = sha.digest(artifact(seed, i));
          os.write(("sha256:" + HexFormat.of().formatHex(d) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
      }
      return;
    }
    if (!kind.equals("key") && !kind.equals("cert")) throw new IllegalArgumentException("--kind key, cert or digest");
    ProposalGen g = new ProposalGen(seed, kind.equals("cert"));
    long t0 = System.nanoTime();
    try (OutputStream os = out.equals("-") ? new BufferedOutputStream(System.out, 1 << 20)
        : new BufferedOutputStream(Files.newOutputStream(Path.of(out)), 1 << 20)) {
      g.write(os, start, count, threads);
    }
    double s = (System.nanoTime() - t0) / 1e9;
    System.err.printf(Locale.ROOT, "ProposalGen: %,d %s proposals from line %,d in %.1f s (%,.0f/s)%n",
        count, kind, start, s, count / s);
  }

  /** Writes lines {@code [start, start + count)} in order, blocks made on {@code threads} threads. */
  void write(OutputStream os, long start, long count, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "proposal-gen");
      t.setDaemon(true);
      return t;
    });
    try {
      ArrayDeque<Future<byte[]>> pending = new ArrayDeque<>();
      long end = start + count;
      long next = start;
      while (next < end || !pending.isEmpty()) {
        while (next < end && pending.size() < 2 * threads) {
          long from = next;
          int n = (int) Math.min(BLOCK, end - from);
          pending.add(pool.submit(() -> block(from, n)));
          next += n;
        }
        os.write(pending.poll().get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Lines {@code [from, from + n)}, each ending in a newline. */
  byte[] block(long from, int n) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    // Keys d0+i and nonces k0+i: consecutive points, one full multiplication per block each.
    ECPoint[] q = consecutive(d0.add(BigInteger.valueOf(from)), n);
    ECPoint[] r = consecutive(k0.add(BigInteger.valueOf(from)), n);
    ECPoint[] caR = certs ? consecutive(caK0.add(BigInteger.valueOf(from)), n) : null;
    BigInteger[] kInv = inverses(k0.add(BigInteger.valueOf(from)), n);
    BigInteger[] caKInv = certs ? inverses(caK0.add(BigInteger.valueOf(from)), n) : null;
    StringBuilder sb = new StringBuilder(n * (certs ? 1400 : 620));
    for (int j = 0; j < n; j++) {
      long i = from + j;
      BigInteger d = d0.add(BigInteger.valueOf(i)).mod(N);
      byte[] digest = sha.digest(artifact(seed, i));
      byte[] sig = sign(digest, d, r[j], kInv[j]);
      byte[] point = q[j].getEncoded(false);
      String pem;
      if (certs) {
        byte[] tbs = template.tbs(i, point);
        byte[] caSig = sign(sha.digest(tbs), caKey, caR[j], caKInv[j]);
        pem = pem("CERTIFICATE", CertTemplate.certificate(tbs, caSig));
      } else {
        byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + point.length);
        System.arraycopy(point, 0, spki, SPKI_PREFIX.length, point.length);
        pem = pem("PUBLIC KEY", spki);
      }
      sb.append("{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":")
          .append("{\"algorithm\":\"sha256\",\"value\":\"").append(HexFormat.of().formatHex(digest))
          .append("\"}},\"signature\":{\"content\":\"").append(B64.encodeToString(sig))
          .append("\",\"publicKey\":{\"content\":\"")
          .append(B64.encodeToString(pem.getBytes(StandardCharsets.US_ASCII))).append("\"}}}}\n");
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] artifact(long seed, long i) {
    return ("stele bench artifact " + seed + " " + i).getBytes(StandardCharsets.US_ASCII);
  }

  /** ECDSA with a given nonce point and the inverse of its nonce: s = k^-1 (e + r d) mod n. */
  private static byte[] sign(byte[] digest, BigInteger d, ECPoint kG, BigInteger kInv) throws IOException {
    BigInteger e = new BigInteger(1, digest);
    BigInteger r = kG.getAffineXCoord().toBigInteger().mod(N);
    BigInteger s = kInv.multiply(e.add(r.multiply(d))).mod(N);
    return StandardDSAEncoding.INSTANCE.encode(N, r, s);
  }

  /** (a)G, (a+1)G, ... normalized together. */
  private static ECPoint[] consecutive(BigInteger a, int n) {
    ECPoint[] p = new ECPoint[n];
    p[0] = new FixedPointCombMultiplier().multiply(G, a.mod(N));
    for (int j = 1; j < n; j++) p[j] = p[j - 1].add(G);
    CURVE.normalizeAll(p);
    return p;
  }

  /** The inverses mod n of a, a+1, ..., with one modular inversion (Montgomery's trick). */
  private static BigInteger[] inverses(BigInteger a, int n) {
    BigInteger[] v = new BigInteger[n];
    BigInteger[] prefix = new BigInteger[n];
    BigInteger acc = BigInteger.ONE;
    for (int j = 0; j < n; j++) {
      v[j] = a.add(BigInteger.valueOf(j)).mod(N);
      acc = acc.multiply(v[j]).mod(N);
      prefix[j] = acc;
    }
    BigInteger inv = acc.modInverse(N);
    BigInteger[] out = new BigInteger[n];
    for (int j = n - 1; j > 0; j--) {
      out[j] = inv.multiply(prefix[j - 1]).mod(N);
      inv = inv.multiply(v[j]).mod(N);
    }
    out[0] = inv;
    return out;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + MIME.encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  private static BigInteger scalar(String what, long seed) throws NoSuchAlgorithmException {
    byte[] h = MessageDigest.getInstance("SHA-256")
        .digest(("stele bench " + what + " " + seed).getBytes(StandardCharsets.US_ASCII));
    // Far below n, so that d0 + i never wraps for any count this program writes.
    return new BigInteger(1, h).shiftRight(8).add(BigInteger.ONE);
  }

  /**
   * One certificate made with Bouncy Castle, then patched per entry at fixed offsets: serial
   * number, subject key and e-mail address (all of fixed length), and signed again by the CA.
   */
  static final class CertTemplate {
    private static final String EMAIL = "signer-0000000000@bench.stele.dev";
    private final byte[] tbs;
    private final int serialAt;
    private final int pointAt;
    private final int emailAt;

    CertTemplate(BigInteger caKey) throws Exception {
      ECPoint placeholder = new FixedPointCombMultiplier().multiply(G, BigInteger.valueOf(12345)).normalize();
      byte[] point = placeholder.getEncoded(false);
      byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + point.length);
      System.arraycopy(point, 0, spki, SPKI_PREFIX.length, point.length);
      byte[] serial = HexFormat.of().parseHex("5a5a5a5a5a5a5a5a");
      X509v3CertificateBuilder b = new X509v3CertificateBuilder(
          new X500Name("CN=stele-bench-ca,O=Stele benchmarks"), new BigInteger(1, serial),
          new Date(1_700_000_000_000L), new Date(4_000_000_000_000L), new X500Name("O=Stele benchmarks"),
          SubjectPublicKeyInfo.getInstance(spki));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
      b.addExtension(Extension.subjectAlternativeName, true,
          new GeneralNames(new GeneralName(GeneralName.rfc822Name, EMAIL)));
      ContentSigner unsigned = new ContentSigner() {
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
          return new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
        }

        @Override
        public OutputStream getOutputStream() {
          return bytes;
        }

        @Override
        public byte[] getSignature() {
          return new byte[8]; // replaced per entry
        }
      };
      tbs = b.build(unsigned).toASN1Structure().getTBSCertificate().getEncoded("DER");
      serialAt = indexOf(tbs, serial);
      pointAt = indexOf(tbs, point);
      emailAt = indexOf(tbs, EMAIL.getBytes(StandardCharsets.US_ASCII)) + "signer-".length();
      if (caKey.signum() <= 0) throw new IllegalArgumentException("CA key");
    }

    byte[] tbs(long i, byte[] point) {
      byte[] t = tbs.clone();
      long serial = 0x1000_0000_0000_0000L | i;
      for (int k = 7; k >= 0; k--) {
        t[serialAt + k] = (byte) serial;
        serial >>>= 8;
      }
      System.arraycopy(point, 0, t, pointAt, point.length);
      byte[] digits = String.format(Locale.ROOT, "%010d", i).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(digits, 0, t, emailAt, digits.length);
      return t;
    }

    /** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, BIT STRING signature }. */
    static byte[] certificate(byte[] tbs, byte[] sig) {
      byte[] bits = der(0x03, concat(new byte[] {0}, sig));
      return der(0x30, concat(tbs, ECDSA_SHA256, bits));
    }

    private static byte[] der(int tag, byte[] content) {
      int n = content.length;
      byte[] len = n < 0x80 ? new byte[] {(byte) n}
          : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
          : new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
      return concat(new byte[] {(byte) tag}, len, content);
    }

    private static byte[] concat(byte[]... parts) {
      int n = 0;
      for (byte[] p : parts) n += p.length;
      byte[] out = new byte[n];
      int at = 0;
      for (byte[] p : parts) {
        System.arraycopy(p, 0, out, at, p.length);
        at += p.length;
      }
      return out;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
      outer:
      for (int i = 0; i + needle.length <= hay.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (hay[i + j] != needle[j]) continue outer;
        }
        return i;
      }
      throw new IllegalStateException("template field not found");
    }
  }
}
