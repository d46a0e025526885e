package dev.stele.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance test of issue 6, through the real launcher: {@code bin/stele-monitor --once}
 * reports healthy on an honest Stele log and each alarm, by its exit code, on a misbehaving one.
 * Runs after {@code package} (failsafe), when the jar and {@code target/lib} the launcher uses exist.
 */
class LauncherIT {
  private static Path launcher;

  @TempDir Path dir;

  @BeforeAll
  static void findLauncher() {
    Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    launcher = root.resolve("bin/stele-monitor");
    assertTrue(Files.isExecutable(launcher), "missing " + launcher);
    assertTrue(Files.exists(root.resolve("monitor/target/stele-monitor.jar")),
        "the monitor jar must be built (package) before this test");
  }

  private record Run(int exit, String out) {}

  private static Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(launcher.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the monitor did not exit");
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private static Run once(Path state, Object url, Path key, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("--once", "--log-url", url.toString(), "--log-key", key.toString(),
        "--state", state.toString()));
    args.addAll(List.of(more));
    return run(Map.of(), args.toArray(String[]::new));
  }

  @Test
  void honestSteleLog_healthy_andGrowing_stillHealthy_configFromEnvironment() throws Exception {
    try (RealLog log = new RealLog(dir.resolve("log"))) {
      TestEntries signer = new TestEntries();
      log.add(signer, "a", 4);
      Path key = log.writePublicKey(dir.resolve("log.pub"));
      Run r = run(Map.of("STELE_MONITOR_LOG_URL", log.url().toString(), "STELE_MONITOR_LOG_KEY", key.toString(),
          "STELE_MONITOR_STATE", dir.resolve("state").toString(), "STELE_MONITOR_ONCE", "true",
          "STELE_MONITOR_AUDIT", "true"));
      assertEquals(0, r.exit(), r.out());
      assertTrue(r.out().contains("healthy; verified tree size 4"), r.out());
      log.add(signer, "b", 3);
      r = once(dir.resolve("state"), log.url(), key, "--audit");
      assertEquals(0, r.exit(), r.out());
      assertTrue(r.out().contains("healthy; verified tree size 7"), r.out());
    }
  }

  @Test
  void continuous_checksEveryInterval_servesMetricsAndCheckpoint_stopsOnSigterm() throws Exception {
    try (RealLog log = new RealLog(dir.resolve("log"))) {
      TestEntries signer = new TestEntries();
      log.add(signer, "a", 4);
      Path key = log.writePublicKey(dir.resolve("log.pub"));
      Process p = new ProcessBuilder(launcher.toString(), "--log-url", log.url().toString(), "--log-key",
          key.toString(), "--state", dir.resolve("state").toString(), "--interval", "300ms", "--metrics-port", "0")
          .redirectErrorStream(true).start();
      StringBuffer out = new StringBuffer();
      java.util.concurrent.CompletableFuture<String> metricsUrl = new java.util.concurrent.CompletableFuture<>();
      Thread reader = new Thread(() -> {
        try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            out.append(line).append('\n');
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("metrics on (http://\\S+)/metrics")
                .matcher(line);
            if (m.find()) {
              metricsUrl.complete(m.group(1));
            }
          }
        } catch (IOException ignored) {
          // the process ended
        }
      });
      reader.start();
      try {
        String base = metricsUrl.get(60, TimeUnit.SECONDS);
        waitFor(base + "/metrics", "stele_monitor_verified_tree_size 4.0", out);
        log.add(signer, "b", 3);
        waitFor(base + "/metrics", "stele_monitor_verified_tree_size 7.0", out);
        String cp = get(base + "/checkpoint");
        assertTrue(cp.startsWith("127.0.0.1 - 11\n7\n"), cp);
      } finally {
        p.destroy();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stops on SIGTERM");
        reader.join(5000);
      }
      assertTrue(p.exitValue() == 0 || p.exitValue() == 143, "exit " + p.exitValue() + "\n" + out);
    }
  }

  private static String get(String url) throws Exception {
    return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
  }

  private static void waitFor(String url, String text, StringBuffer out) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String last = "";
    while (System.nanoTime() < deadline) {
      last = get(url);
      if (last.contains(text)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no '" + text + "' at " + url + ":\n" + last + "\nmonitor output:\n" + out);
  }

  @Test
  void misbehavingLog_eachAlarm_itsExitCode() throws Exception {
    MisbehavingLog.Mode[] modes = {MisbehavingLog.Mode.FORK, MisbehavingLog.Mode.ROLLBACK,
        MisbehavingLog.Mode.BAD_SIGNATURE, MisbehavingLog.Mode.LYING_PROOF};
    AlarmKind[] kinds = {AlarmKind.FORK, AlarmKind.ROLLBACK, AlarmKind.BAD_CHECKPOINT, AlarmKind.INCONSISTENT};
    for (int i = 0; i < modes.length; i++) {
      try (MisbehavingLog log = new MisbehavingLog()) {
        TestEntries signer = new TestEntries();
        log.append(signer, "a", 6);
        Path key = log.writePublicKey(dir.resolve("key-" + i + ".pub"));
        Path state = dir.resolve("state-" + i);
        Run r = once(state, log.url(), key);
        assertEquals(0, r.exit(), r.out());
        log.mode(modes[i]);
        if (modes[i] == MisbehavingLog.Mode.LYING_PROOF) {
          log.append(signer, "b", 4);
        }
        r = once(state, log.url(), key);
        assertEquals(kinds[i].exitCode(), r.exit(), modes[i] + ": " + r.out());
        assertTrue(r.out().contains("ALARM " + kinds[i]), r.out());
        try (var files = Files.list(state.resolve("evidence"))) {
          assertEquals(1, files.count(), "one evidence file for " + modes[i]);
        }
      }
    }
  }

  @Test
  void unreachable_andSplitView_andHelp() throws Exception {
    try (MisbehavingLog log = new MisbehavingLog(); MisbehavingLog mirror = new MisbehavingLog(log.keyPair())) {
      TestEntries signer = new TestEntries();
      List<byte[]> bodies = List.of(signer.body("a"), signer.body("b"), signer.body("c"));
      log.append(bodies);
      mirror.append(bodies);
      mirror.mode(MisbehavingLog.Mode.FORK);
      Path key = log.writePublicKey(dir.resolve("log.pub"));
      Run r = once(dir.resolve("s1"), log.url(), key, "--mirror", mirror.url().toString());
      assertEquals(14, r.exit(), r.out());

      Run down = once(dir.resolve("s2"), "http://127.0.0.1:9", key, "--unreachable-after", "0s");
      assertEquals(15, down.exit(), down.out());
      Run notYet = once(dir.resolve("s3"), "http://127.0.0.1:9", key);
      assertEquals(3, notYet.exit(), notYet.out());
    }
    Run help = run(Map.of(), "--help");
    assertEquals(0, help.exit(), help.out());
    for (String s : List.of("STELE_MONITOR_LOG_URL", "STELE_MONITOR_WATCH_KEY", "--watch-digest", "--audit",
        "FORK", "SPLIT_VIEW", "UNREACHABLE", "WATCH_MATCH")) {
      assertTrue(help.out().contains(s), "--help mentions " + s + ":\n" + help.out());
    }
    Run bad = run(Map.of(), "--once", "--log-url", "http://127.0.0.1:9");
    assertEquals(2, bad.exit(), bad.out());
  }
}
