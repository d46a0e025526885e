package dev.stele.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.http.HttpTransport;
import dev.stele.client.keys.KeyFiles;
import dev.stele.client.protocol.AddCheckpoint;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.NoteKeys;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.protocol.WitnessPolicy;
import dev.stele.client.verify.VerificationException;
import dev.stele.client.verify.Witnesses;
import dev.stele.client.witness.WitnessClient;
import dev.stele.server.witness.WitnessConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A witness as the launcher runs it ({@code bin/stele-monitor --witness-key ...}), killed with
 * SIGKILL while a real log appends and asks it for cosignatures, then restarted: every size it
 * cosigned is still its state (it stores before it answers), so the restarted witness refuses to
 * go back and goes on cosigning from there. Runs after {@code package} (failsafe).
 */
class WitnessProcessIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static Path launcher;

  @TempDir
  Path dir;

  @BeforeAll
  static void findLauncher() {
    Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    launcher = root.resolve("bin/stele-monitor");
    assertTrue(Files.isExecutable(launcher), "missing " + launcher);
    assertTrue(Files.exists(root.resolve("monitor/target/stele-monitor.jar")),
        "the monitor jar must be built (package) before this test");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private Process witness(List<String> args, Path out) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(launcher.toString());
    cmd.addAll(args);
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
  }

  private SignedNote served(RealLog log) throws Exception {
    return SignedNote.parse(HTTP.send(HttpRequest.newBuilder(URI.create(log.url() + "/checkpoint")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  /** The size of the newest checkpoint the log published with the witness's cosignature, or -1. */
  private long cosignedSize(RealLog log, WitnessPolicy policy) throws Exception {
    SignedNote n = served(log);
    try {
      Witnesses.verify(n, policy);
      return Checkpoint.parse(n.text()).size();
    } catch (VerificationException e) {
      return -1;
    }
  }

  /** Waits (at most 120 s) until the process's output contains {@code text}; fails if it exits first. */
  private static void awaitOutput(Process p, Path output, String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!Files.readString(output, StandardCharsets.UTF_8).contains(text)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("the witness did not say '" + text + "' (alive: " + p.isAlive() + "); output:\n"
            + Files.readString(output, StandardCharsets.UTF_8));
      }
      Thread.sleep(100);
    }
  }

  private long awaitCosigned(RealLog log, WitnessPolicy policy, long atLeast, Path output) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    long size;
    while ((size = cosignedSize(log, policy)) < atLeast) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no cosigned checkpoint of size " + atLeast + "; witness output:\n"
            + Files.readString(output));
      }
      Thread.sleep(100);
    }
    return size;
  }

  @Test
  @Disabled("KNOWN BUG, open under issue 15: on an idle machine the first append after the witness's"
      + " first cosigned round never gets an answer (it passed only on a loaded machine); to be fixed, not hidden")
  void witnessKilledWith9WhileCosigning_restarts_withEverySizeItCosigned() throws Exception {
    KeyPair witnessKey = KeyFiles.generateEd25519();
    Path keyFile = dir.resolve("witness.key");
    KeyFiles.writePrivateKeyUnencrypted(keyFile, witnessKey.getPrivate());
    String name = "witness.test/process";

    // --print-witness-vkey: what goes into the policies of logs and clients.
    Path vkeyOut = dir.resolve("vkey.txt");
    Process print = witness(List.of("--witness-key", keyFile.toString(), "--witness-name", name,
        "--print-witness-vkey"), vkeyOut);
    assertTrue(print.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, print.exitValue(), Files.readString(vkeyOut));
    String vkey = Files.readString(vkeyOut).strip();
    assertEquals(NoteKeys.cosignatureVerifierKey(name, witnessKey.getPublic()), vkey);

    int port = freePort();
    KeyPair logKey = KeyFiles.generateEcdsaP256();
    Path logKeyFile = dir.resolve("log-key.pem");
    KeyFiles.writePrivateKeyUnencrypted(logKeyFile, logKey.getPrivate());
    Path logPub = dir.resolve("log.pub");
    KeyFiles.writePublicKey(logPub, logKey.getPublic());
    WitnessPolicy policy = WitnessPolicy.parse("witness p " + vkey + " http://127.0.0.1:" + port + "\nquorum p\n");
    Path state = dir.resolve("witness-state");
    try (RealLog log = new RealLog(dir.resolve("log"), logKeyFile,
        new WitnessConfig(Optional.empty(), Optional.of(policy), false, Duration.ofSeconds(2), true))) {
      List<String> args = List.of("--log-url", log.url().toString(), "--log-key", logPub.toString(), "--state",
          state.toString(), "--interval", "1h", "--metrics-port", "-1", "--witness-key", keyFile.toString(),
          "--witness-name", name, "--witness-listen", "127.0.0.1:" + port);
      Path out1 = dir.resolve("witness-1.log");
      Process p = witness(args, out1);
      TestEntries signer = new TestEntries();
      log.add(signer, "first", 3);
      awaitCosigned(log, policy, 3, out1);

      // Appends go on while the witness is killed: the log keeps asking it.
      AtomicBoolean appending = new AtomicBoolean(true);
      AtomicLong appended = new AtomicLong(3);
      Thread appender = new Thread(() -> {
        try {
          while (appending.get()) {
            log.add(signer.body("more-" + appended.getAndIncrement()));
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      appender.start();
      awaitCosigned(log, policy, 20, out1);
      long published = cosignedSize(log, policy);
      p.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      // Whatever the log published with the witness's cosignature, the witness had stored first.
      Path file = state.resolve("witness").resolve(WitnessState.fileName(
          Checkpoint.parse(served(log).text()).origin()));
      long kept = Checkpoint.parse(SignedNote.parse(Files.readAllBytes(file)).text()).size();
      assertTrue(kept >= published, "the witness kept " + kept + " but had cosigned " + published);

      Path out2 = dir.resolve("witness-2.log");
      Process again = witness(args, out2);
      try {
        // A JVM start can take long on a loaded machine: wait for the witness to say it listens.
        awaitOutput(again, out2, "witness " + vkey + " on http://");
        // The restarted witness holds what it held: a client that does not know its size is told it.
        WitnessClient client = new WitnessClient(URI.create("http://127.0.0.1:" + port), name,
            HttpTransport.builder().maxAttempts(20).backoff(Duration.ofMillis(200), Duration.ofSeconds(1)).build());
        WitnessClient.Answer a = client.addCheckpoint(new AddCheckpoint(0, List.of(), served(log)));
        assertEquals(409, a.status(), a.toString());
        assertTrue(a.witnessSize().getAsLong() >= kept, a.toString());
        // And the log gets cosignatures from it again.
        long now = appended.get();
        awaitCosigned(log, policy, now + 5, out2);
      } finally {
        appending.set(false);
        appender.join(30_000);
        again.destroy();
        again.waitFor(30, TimeUnit.SECONDS);
      }
      String output = Files.readString(out2, StandardCharsets.UTF_8);
      assertTrue(output.contains("witness " + vkey), output);
    }
  }
}
