package dev.stele.bench;

import dev.stele.client.rekor.ProposedEntries;

import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.crypto.SignatureVerifier;
import dev.stele.client.crypto.SignatureVerifiers;
import dev.stele.client.crypto.Signer;
import dev.stele.client.crypto.Signers;
import dev.stele.client.keys.KeyFiles;
import dev.stele.client.protocol.Pem;
import dev.stele.client.protocol.SetPayload;
import dev.stele.merkle.Hash;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Load generator for the log server's write path, and the machine's ceiling for the same work.
 *
 * <ol>
 *   <li><b>Ceiling</b>: on all cores, with the provider the server uses, one ECDSA P-256 verify of
 *       a hashedrekord signature plus one ECDSA sign of a SET payload per entry, for a few
 *       seconds: the most entries per second this machine could append if verification and
 *       signing were all it did.
 *   <li><b>Pre-signing</b>: distinct hashedrekord proposals, signed before any load starts.
 *   <li><b>Maximum sustained rate</b>: a closed loop with many requests in flight over keep-alive
 *       connections; counts 201s per second; then the same through the Rekor v2 API ({@code POST
 *       /api/v2/log/entries}, the same signatures as hashedrekord 0.0.2 requests) into the same tree.
 *   <li><b>Fixed rates</b>: an open loop sending at a set rate whatever the server does; latency
 *       is measured from the moment each request was due (so a stalled server cannot hide its
 *       queueing: no coordinated omission) to the 201 with its signed proof.
 * </ol>
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.stele.bench.LoadGen http://127.0.0.1:3000 \
 *     [--max-seconds 20] [--concurrency 256] [--rates 1000,2500,4000] [--rate-seconds 15] \
 *     [--server-pid PID]
 * </pre>
 *
 * <p>With {@code --server-pid}, each phase also reports the CPU time the server process and this
 * load generator used per append (from {@code /proc}): on a shared machine a rate depends on
 * what else runs, the CPU cost of one append much less, and {@code cores / ceiling} is the part
 * of it that verification and signing alone would cost.
 */
public final class LoadGen {
  private final URI url;
  private int maxSeconds = 20;
  private int warmupSeconds = 5;
  private int concurrency = 256;
  private int[] rates = {1000, 2500, 4000};
  private int rateSeconds = 15;
  private int ceilingSeconds = 5;
  private long serverPid = -1;

  private final List<byte[]> proposals = new ArrayList<>();
  private final AtomicInteger next = new AtomicInteger();
  /** The same signatures as Rekor v2 requests (other bodies, so other entries), for the v2 phase. */
  private final List<byte[]> proposalsV2 = new ArrayList<>();
  private final AtomicInteger nextV2 = new AtomicInteger();
  /** Whether requests now go to POST /api/v2/log/entries. */
  private volatile boolean v2;
  private Vertx vertx;
  private HttpClient client;

  private LoadGen(URI url) {
    this.url = url;
  }

  public static void main(String[] args) throws Exception {
    LoadGen g = new LoadGen(URI.create(args[0]));
    for (int i = 1; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--max-seconds": g.maxSeconds = Integer.parseInt(v); break;
        case "--warmup-seconds": g.warmupSeconds = Integer.parseInt(v); break;
        case "--concurrency": g.concurrency = Integer.parseInt(v); break;
        case "--rate-seconds": g.rateSeconds = Integer.parseInt(v); break;
        case "--ceiling-seconds": g.ceilingSeconds = Integer.parseInt(v); break;
        case "--server-pid": g.serverPid = Long.parseLong(v); break;
        case "--rates":
          String[] parts = v.split(",");
          g.rates = new int[parts.length];
          for (int j = 0; j < parts.length; j++) g.rates[j] = Integer.parseInt(parts[j].trim());
          break;
        default: throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    g.run();
  }

  private void run() throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.printf(Locale.ROOT, "# load generator against %s, %d cores, load average %s%n", url, cores, loadAverage());
    double ceiling = ceiling(cores);
    System.out.printf(Locale.ROOT, "ceiling: %.0f entries/s (ECDSA P-256 verify + sign per entry, %d threads, Bouncy Castle via the client's crypto)%n", ceiling, cores);

    int needed = 12_000 * (maxSeconds + warmupSeconds);
    for (int r : rates) needed += r * rateSeconds + r;
    presign(needed, cores);

    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
        .setDefaultHost(url.getHost()).setDefaultPort(url.getPort()), new PoolOptions().setHttp1MaxSize(concurrency)
        .setMaxWaitQueueSize(-1));
    try {
      closedLoop("warm-up", warmupSeconds, Math.min(64, concurrency));
      System.out.printf(Locale.ROOT, "crypto alone: %.0f us of CPU per entry (%d cores / ceiling)%n", cores * 1e6 / ceiling, cores);
      CpuClock clock = new CpuClock(serverPid);
      Result max = closedLoop("max", maxSeconds, concurrency);
      System.out.printf(Locale.ROOT, "max sustained: %.0f appends/s (%d in flight, %d s; p50 %.1f ms, p99 %.1f ms; %d non-201) = %.2f of the ceiling%s%n",
          max.rate, concurrency, maxSeconds, max.p50, max.p99, max.errors, max.rate / ceiling, clock.perAppend(max.ok));
      // The same closed loop through the Rekor v2 API, into the same tree.
      v2 = true;
      clock = new CpuClock(serverPid);
      Result maxV2 = closedLoop("max v2", maxSeconds, concurrency);
      v2 = false;
      System.out.printf(Locale.ROOT, "max sustained (Rekor v2, POST /api/v2/log/entries): %.0f appends/s (%d in flight, %d s; p50 %.1f ms, p99 %.1f ms; %d non-201) = %.2f of the ceiling%s%n",
          maxV2.rate, concurrency, maxSeconds, maxV2.p50, maxV2.p99, maxV2.errors, maxV2.rate / ceiling, clock.perAppend(maxV2.ok));
      for (int rate : rates) {
        clock = new CpuClock(serverPid);
        Result r = openLoop(rate, rateSeconds);
        System.out.printf(Locale.ROOT, "fixed %d/s: achieved %.0f/s, latency p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d non-201%s%n",
            rate, r.rate, r.p50, r.p99, r.max, r.errors, clock.perAppend(r.ok));
      }
      System.out.printf(Locale.ROOT, "# load average after: %s%n", loadAverage());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private record Result(double rate, double p50, double p99, double max, long errors, long ok) {}

  /** CPU time of the server process and of this one since construction, from /proc (Linux). */
  private static final class CpuClock {
    private final long serverPid;
    private final double server0;
    private final double self0;

    CpuClock(long serverPid) {
      this.serverPid = serverPid;
      this.server0 = serverPid > 0 ? cpuSeconds(serverPid) : 0;
      this.self0 = cpuSeconds(ProcessHandle.current().pid());
    }

    String perAppend(long appends) {
      if (serverPid <= 0 || appends == 0) return "";
      double server = cpuSeconds(serverPid) - server0;
      double self = cpuSeconds(ProcessHandle.current().pid()) - self0;
      return String.format(Locale.ROOT, "; CPU per append: server %.0f us, load generator %.0f us",
          server * 1e6 / appends, self * 1e6 / appends);
    }

    /** utime + stime of a process, fields 14 and 15 of /proc/PID/stat, in seconds. */
    private static double cpuSeconds(long pid) {
      try {
        String stat = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/" + pid + "/stat")),
            StandardCharsets.US_ASCII);
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // USER_HZ is 100 on Linux
      } catch (Exception e) {
        throw new IllegalStateException("cannot read the CPU time of process " + pid + ": " + e.getMessage(), e);
      }
    }
  }

  /** One verify plus one sign per entry, on every core. */
  private double ceiling(int threads) throws Exception {
    KeyPair signerKey = KeyFiles.generateEcdsaP256();
    KeyPair logKey = KeyFiles.generateEcdsaP256();
    byte[] digest = MessageDigest.getInstance("SHA-256").digest("artifact".getBytes(StandardCharsets.UTF_8));
    java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSA");
    s.initSign(signerKey.getPrivate());
    s.update("artifact".getBytes(StandardCharsets.UTF_8));
    byte[] sig = s.sign();
    SignatureVerifier verifier = SignatureVerifiers.forDigest(signerKey.getPublic(), HashAlgorithm.SHA256);
    Signer logSigner = Signers.forKeyPair(logKey);
    byte[] body = new byte[700];
    Hash logId = Hash.of(digest);
    AtomicLong ops = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(ceilingSeconds + 1L);
    long start = System.nanoTime() + TimeUnit.SECONDS.toNanos(1); // one second of warm-up
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      new Thread(() -> {
        try {
          long n = 0;
          long i = 0;
          while (System.nanoTime() < end) {
            verifier.verify(sig, digest);
            logSigner.sign(SetPayload.bytes(body, 1_700_000_000L, logId, i++));
            if (System.nanoTime() >= start) n++;
          }
          ops.addAndGet(n);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        } finally {
          done.countDown();
        }
      }).start();
    }
    done.await();
    return ops.get() / (double) ceilingSeconds;
  }

  private void presign(int n, int threads) throws Exception {
    long t0 = System.nanoTime();
    KeyPair key = KeyFiles.generateEcdsaP256();
    Signer signer = Signers.forKeyPair(key);
    String pem = Base64.getEncoder().encodeToString(Pem.encode("PUBLIC KEY", key.getPublic().getEncoded())
        .getBytes(StandardCharsets.US_ASCII));
    byte[][] out = new byte[n][];
    byte[][] outV2 = new byte[n][];
    long salt = System.nanoTime();
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      int from = t;
      new Thread(() -> {
        try {
          MessageDigest md = MessageDigest.getInstance("SHA-256");
          for (int i = from; i < n; i += threads) {
            byte[] artifact = ("load " + salt + " " + i).getBytes(StandardCharsets.UTF_8);
            byte[] sig = signer.sign(artifact);
            byte[] digestBytes = md.digest(artifact);
            String digest = HexFormat.of().formatHex(digestBytes);
            outV2[i] = ProposedEntries.hashedRekordV2(digestBytes, sig, key.getPublic(), "PKIX_ECDSA_P256_SHA_256");
            out[i] = ("{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":"
                + "{\"algorithm\":\"sha256\",\"value\":\"" + digest + "\"}},\"signature\":{\"content\":\""
                + Base64.getEncoder().encodeToString(sig) + "\",\"publicKey\":{\"content\":\"" + pem + "\"}}}}")
                .getBytes(StandardCharsets.UTF_8);
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        } finally {
          done.countDown();
        }
      }).start();
    }
    done.await();
    for (byte[] p : out) proposals.add(p);
    for (byte[] p : outV2) proposalsV2.add(p);
    System.out.printf(Locale.ROOT, "pre-signed %d distinct hashedrekord entries in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
  }

  private byte[] nextProposal() {
    List<byte[]> list = v2 ? proposalsV2 : proposals;
    int i = (v2 ? nextV2 : next).getAndIncrement();
    if (i >= list.size()) throw new IllegalStateException("ran out of pre-signed entries; raise the count");
    return list.get(i);
  }

  private Future<Integer> post() {
    boolean toV2 = v2;
    Buffer body = Buffer.buffer(nextProposal());
    return client.request(new RequestOptions().setMethod(HttpMethod.POST)
            .setURI(toV2 ? "/api/v2/log/entries" : "/api/v1/log/entries")
            .putHeader("Content-Type", "application/json"))
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> resp.statusCode()));
  }

  private Result closedLoop(String name, int seconds, int inFlight) throws Exception {
    Recorder latency = new Recorder(3);
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch done = new CountDownLatch(inFlight);
    for (int i = 0; i < inFlight; i++) {
      vertx.runOnContext(v -> loop(end, latency, ok, errors, done));
    }
    done.await();
    double elapsed = (System.nanoTime() - start) / 1e9;
    Histogram h = latency.getIntervalHistogram();
    return new Result(ok.get() / elapsed, h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
        h.getMaxValue() / 1e6, errors.get(), ok.get());
  }

  private void loop(long end, Recorder latency, AtomicLong ok, AtomicLong errors, CountDownLatch done) {
    if (System.nanoTime() >= end) {
      done.countDown();
      return;
    }
    long t = System.nanoTime();
    post().onComplete(ar -> {
      if (ar.succeeded() && ar.result() == 201) {
        ok.incrementAndGet();
        latency.recordValue(System.nanoTime() - t);
      } else {
        errors.incrementAndGet();
      }
      loop(end, latency, ok, errors, done);
    });
  }

  private Result openLoop(int rate, int seconds) throws Exception {
    Recorder latency = new Recorder(3);
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    int total = rate * seconds;
    CountDownLatch done = new CountDownLatch(total);
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    double interval = 1e9 / rate;
    AtomicInteger sent = new AtomicInteger();
    // A 1 ms ticker sends every request whose due time has come; each is timed from its due time.
    long timer = vertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      while (sent.get() < total) {
        long due = start + (long) (sent.get() * interval);
        if (due > now) break;
        sent.incrementAndGet();
        post().onComplete(ar -> {
          if (ar.succeeded() && ar.result() == 201) {
            ok.incrementAndGet();
            latency.recordValue(Math.max(0, System.nanoTime() - due));
          } else {
            errors.incrementAndGet();
          }
          done.countDown();
        });
      }
    });
    if (!done.await(seconds + 120L, TimeUnit.SECONDS)) System.out.println("  (some requests never finished)");
    vertx.cancelTimer(timer);
    double elapsed = (System.nanoTime() - start) / 1e9;
    Histogram h = latency.getIntervalHistogram();
    return new Result(ok.get() / elapsed, h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
        h.getMaxValue() / 1e6, errors.get(), ok.get());
  }

  private static String loadAverage() {
    try {
      return new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/loadavg")), StandardCharsets.US_ASCII).trim();
    } catch (Exception e) {
      return "unknown";
    }
  }
}
