package dev.stele.admission;

import dev.stele.client.cli.Cli;
import dev.stele.client.oci.ImageReference;
import dev.stele.client.oci.LocalRegistry;
import dev.stele.client.oci.TestImage;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reviews per second, p50/p99 latency and CPU time per review of the real webhook over TLS, for an
 * image already verified (the cache answers) and for one verified on every review (cache off: the
 * registry and the log are asked each time). Needs Debian's docker-registry; the log server runs as
 * its own process, as in production. Run it as bench/README.md says; each phase is bounded in time
 * and all traffic stays on 127.0.0.1.
 *
 * <p>Arguments: seconds per phase (default 10), client threads (default 8).
 */
public final class AdmissionBench {
  private AdmissionBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    Path dir = Files.createTempDirectory("stele-admission-bench");
    Map<String, String> env = Map.of("STELE_KEY_PASSWORD", "bench");
    try (LocalRegistry registry = LocalRegistry.start();
        LogServerProcess log = new LogServerProcess(dir.resolve("log"))) {
      Path logKey = Files.writeString(dir.resolve("log.pub"), log.publicKey());
      check(Cli.run(env, "keygen", "--output-key-prefix", dir.resolve("release").toString()));
      ImageReference ref = TestImage.withFile("app.txt", "bench").push(registry.client(),
          registry.repository("bench/app"), "v1");
      check(Cli.run(env, "sign", ref.toString(), "--key", dir.resolve("release.key").toString(), "--log-url",
          log.url().toString(), "--log-key", logKey.toString()));
      String pinned = ref.repository() + ":v1@" + registry.client().resolve(ref);
      String policy = """
          version: 1
          logs:
            - name: stele
              url: %s
              publicKeyFile: %s
          rules:
            - name: bench
              images: ["%s/**"]
              logs: [stele]
              signers:
                - publicKeyFile: %s
          """.formatted(log.url(), logKey, ref.repository().registry(), dir.resolve("release.pub"));
      System.out.printf("%-34s %9s %9s %9s %14s%n", "phase (" + clients + " clients, " + seconds + " s)", "reviews/s",
          "p50 ms", "p99 ms", "CPU ms/review");
      for (boolean cached : new boolean[] {true, false}) {
        Reviewer.Settings settings = new Reviewer.Settings(Duration.ofSeconds(8), Duration.ofSeconds(3),
            Duration.ofSeconds(3), cached ? 10_000 : 0, Duration.ofMinutes(10), 16, 1000, List.of());
        try (TestWebhook webhook = new TestWebhook(dir.resolve(cached ? "cached" : "uncached"), policy, settings)) {
          String review = Reviews.load("pod-create.json", Map.of("namespace", "bench", "init", pinned, "app", pinned,
              "sidecar", pinned));
          byte[] body = review.getBytes(StandardCharsets.UTF_8);
          run(webhook, body, clients, Math.max(1, seconds / 5)); // warm-up
          Result r = run(webhook, body, clients, seconds);
          System.out.printf("%-34s %9.0f %9.2f %9.2f %14.3f%n", cached ? "cached (digest + rule verified)"
              : "uncached (registry + log each time)", r.perSecond, r.p50, r.p99, r.cpuMsPerReview);
        }
      }
    }
  }

  private record Result(double perSecond, double p50, double p99, double cpuMsPerReview) {}

  private static Result run(TestWebhook webhook, byte[] body, int clients, int seconds) throws Exception {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicInteger denied = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    List<Future<long[]>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      futures.add(pool.submit(() -> {
        long[] lat = new long[1 << 16];
        int n = 0;
        while (System.nanoTime() < end && n < lat.length) {
          long s = System.nanoTime();
          HttpResponse<String> r = webhook.post("/validate", body);
          lat[n++] = System.nanoTime() - s;
          if (r.statusCode() != 200 || !r.body().contains("\"allowed\":true")) {
            denied.incrementAndGet();
          }
        }
        return Arrays.copyOf(lat, n);
      }));
    }
    List<Long> all = new ArrayList<>();
    for (Future<long[]> f : futures) {
      for (long l : f.get()) {
        all.add(l);
      }
    }
    long wall = System.nanoTime() - t0;
    long cpu = os.getProcessCpuTime() - cpu0;
    pool.shutdown();
    if (denied.get() > 0) {
      throw new IllegalStateException(denied.get() + " reviews were not allowed");
    }
    long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
    return new Result(sorted.length / (wall / 1e9), sorted[sorted.length / 2] / 1e6,
        sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6,
        cpu / 1e6 / sorted.length);
  }

  private static void check(Cli.Run r) {
    if (r.code() != 0) {
      throw new IllegalStateException(r.toString());
    }
  }
}
