package dev.stele.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.External;
import dev.stele.client.keys.KeyFiles;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.NoteKeys;
import dev.stele.client.protocol.RekorJson;
import dev.stele.client.protocol.SignedNote;
import dev.stele.merkle.Hash;
import dev.stele.merkle.proof.ProofVerifier;
import dev.stele.server.distributed.DistributedStorage;
import dev.stele.server.sign.LogKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the server process with SIGKILL at a random moment under concurrent load, restarts it,
 * and checks that every entry it had answered 201 is there at the same index with a verifying
 * proof, and that the new checkpoint is consistent with the last one it handed out. Several
 * rounds in one run, each on the store the previous one left. Half the clients record through
 * the Rekor v2 API: a v2 201 promises the same durability as a v1 one. Both storage drivers: the
 * embedded store, and a frontend on PostgreSQL and S3Proxy ({@link Distributed}, tag external).
 */
class CrashTest {
  private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
  private static final int ROUNDS = 4;
  private static final int CLIENTS = 8;

  @TempDir Path dir;

  /** One acknowledged entry and the checkpoint its 201 carried. */
  private record Acked(String location, long index, long treeSize, Hash root, boolean v2) {}

  /** The server as a separate process, started from this test's own class path. */
  private static final class ServerProcess implements AutoCloseable {
    final Process process;
    final String base;
    final StringBuffer output = new StringBuffer();

    /** @param storage the storage options (the data directory, or the distributed driver's) */
    ServerProcess(List<String> storage) throws Exception {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
          "-cp", System.getProperty("java.class.path"), Main.class.getName(),
          "--port", "0", "--tree-id", "7", "--batch-age-ms", "2"));
      cmd.addAll(storage);
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().putAll(Distributed.environment());
      process = pb.start();
      CountDownLatch ready = new CountDownLatch(1);
      AtomicReference<String> port = new AtomicReference<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            output.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
              port.set(m.group(1));
              ready.countDown();
            }
          }
        } catch (IOException ignored) {
          // The process died: that is the point of this test.
        }
      }, "server-output");
      reader.setDaemon(true);
      reader.start();
      if (!ready.await(180, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("server did not start:\n" + output);
      }
      base = "http://127.0.0.1:" + port.get();
    }

    void kill9() throws InterruptedException {
      process.destroyForcibly(); // SIGKILL on Linux: no shutdown hook runs
      assertTrue(process.waitFor(30, TimeUnit.SECONDS));
      assertEquals(137, process.exitValue(), "killed by SIGKILL");
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  @Test
  void sigkillUnderLoad_everyAcknowledgedEntrySurvives_andTheTreeStaysConsistent() throws Exception {
    crashRounds(List.of("--data-dir", dir.toString()), false);
  }

  /**
   * The same on the distributed driver: each round kills the one frontend, which holds the
   * integrator's lease with entries sequenced in PostgreSQL and not yet integrated; the restarted
   * frontend takes the lease once it expires and integrates them, so its tree may grow while the
   * survivors are checked.
   */
  @Test
  @External
  void onPostgres_sigkillUnderLoad_everyAcknowledgedEntrySurvives_andTheTreeStaysConsistent() throws Exception {
    DistributedStorage d = Distributed.fresh();
    Path key = dir.resolve("log-key.pem");
    LogKeys.loadOrGenerate(key, true);
    List<String> storage = new ArrayList<>(Distributed.serverArgs(d));
    storage.addAll(List.of("--key", key.toString(), "--data-dir", dir.toString()));
    crashRounds(storage, true);
  }

  /** @param growing whether the tree may grow with no client writing (the distributed driver) */
  private void crashRounds(List<String> storage, boolean growing) throws Exception {
    Random random = new Random();
    long seed = random.nextLong();
    random.setSeed(seed);
    System.out.println("CrashTest seed " + seed);
    Proposals signer = new Proposals();
    List<Acked> acked = new ArrayList<>();
    PublicKey logKey = null;
    AtomicInteger serial = new AtomicInteger();

    for (int round = 0; round <= ROUNDS; round++) {
      try (ServerProcess server = new ServerProcess(storage)) {
        if (logKey == null) {
          logKey = KeyFiles.decodePublicKey(get(server, "/api/v1/log/publicKey").body());
        }
        checkSurvivors(server, logKey, acked, round, growing);
        if (round == ROUNDS) {
          assertTrue(acked.stream().anyMatch(Acked::v2) && acked.stream().anyMatch(a -> !a.v2()),
              "entries of both APIs were acknowledged before the kills");
          break;
        }

        ConcurrentLinkedQueue<Acked> got = new ConcurrentLinkedQueue<>();
        // Everything a client saw that it should not have: any failure fails the test.
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean killing = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          Thread t = new Thread(() -> client(server, signer, serial, got, failures, killing, stop), "client-" + c);
          t.setUncaughtExceptionHandler((thread, e) -> failures.add(thread.getName() + " died: " + e));
          clients.add(t);
          t.start();
        }
        // Once the load is flowing (a cold JVM answers its first entries slowly), kill at a
        // random moment.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (got.isEmpty() && failures.isEmpty() && System.nanoTime() < deadline) Thread.sleep(5);
        Thread.sleep(random.nextInt(1500));
        killing.set(true);
        server.kill9();
        stop.set(true);
        for (Thread t : clients) {
          t.join(30_000);
          assertFalse(t.isAlive(), t.getName() + " still waits for an answer after the kill");
        }
        assertEquals(List.of(), new ArrayList<>(failures), "round " + round + ":\n" + server.output);
        assertTrue(got.size() > 0, "round " + round + " acknowledged nothing before the kill:\n" + server.output);
        acked.addAll(got);
        System.out.println("CrashTest round " + round + ": " + got.size() + " acknowledged before SIGKILL");
      }
    }
  }

  /**
   * One client: submits fresh entries until told to stop, and keeps every 201 it gets. A 503 is
   * the documented pushback (queue full under load) and the client goes on; a connection that fails
   * after the kill began is the kill. Anything else (another status, a 201 that does not parse,
   * a failed connection before the kill) is recorded as a failure.
   */
  private static void client(ServerProcess server, Proposals signer, AtomicInteger serial,
      ConcurrentLinkedQueue<Acked> got, ConcurrentLinkedQueue<String> failures, AtomicBoolean killing,
      AtomicBoolean stop) {
    String me = Thread.currentThread().getName();
    boolean v2 = (me.charAt(me.length() - 1) - '0') % 2 == 1;
    while (!stop.get()) {
      HttpResponse<String> r;
      try {
        byte[] artifact = Proposals.artifact("crash " + serial.incrementAndGet());
        String p = v2 ? v2Request(signer, artifact) : signer.hashedRekord(artifact);
        r = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(server.base
                + (v2 ? "/api/v2/log/entries" : "/api/v1/log/entries")))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(p)).build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        if (!killing.get()) failures.add(me + ": " + e + " before the kill");
        return; // the server is gone
      } catch (Exception e) {
        failures.add(me + ": " + e);
        return;
      }
      if (r.statusCode() == 503) continue;
      if (r.statusCode() != 201) {
        failures.add(me + ": status " + r.statusCode() + " " + r.body());
        continue;
      }
      try {
        LoggedEntry e = v2 ? dev.stele.client.bundle.Bundle.parseEntry(
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body())).entry()
            : RekorJson.readEntry(r.body().getBytes(StandardCharsets.UTF_8));
        var inc = e.inclusion().orElseThrow();
        got.add(new Acked(r.headers().firstValue("Location").orElseThrow(), e.logIndex(),
            inc.proof().treeSize(), inc.rootHash(), v2));
      } catch (Exception e) {
        failures.add(me + ": a 201 that does not parse: " + e + " " + r.body());
      }
    }
  }

  private static String v2Request(Proposals signer, byte[] artifact) throws Exception {
    return "{\"hashedRekordRequestV002\":{\"digest\":\"" + Proposals.b64(Proposals.sha256(artifact))
        + "\",\"signature\":{\"content\":\"" + Proposals.b64(signer.sign(artifact)) + "\",\"verifier\":{"
        + "\"publicKey\":{\"rawBytes\":\"" + Proposals.b64(signer.key.getPublic().getEncoded())
        + "\"},\"keyDetails\":\"PKIX_ECDSA_P256_SHA_256\"}}}}";
  }

  /** Every acknowledged entry is served at its index with a verifying proof; the tree only grew. */
  private static void checkSurvivors(ServerProcess server, PublicKey logKey, List<Acked> acked, int round,
      boolean growing) throws Exception {
    SignedNote note = SignedNote.parse(get(server, "/checkpoint").body());
    note.verify(List.of(NoteKeys.rekorVerifier("127.0.0.1", logKey)));
    Checkpoint now = Checkpoint.parse(note.text());
    Acked last = null;
    for (Acked a : acked) {
      HttpResponse<String> r = get(server, a.location());
      assertEquals(200, r.statusCode(), "round " + round + ": acknowledged entry lost: " + a);
      LoggedEntry e = RekorJson.readEntry(r.body().getBytes(StandardCharsets.UTF_8));
      assertEquals(a.index(), e.logIndex(), "same index after restart");
      var inc = e.inclusion().orElseThrow();
      ProofVerifier.verifyInclusion(e.logIndex(), inc.proof().treeSize(), e.id().uuid(), inc.proof().hashes(), inc.rootHash());
      if (growing) {
        assertTrue(inc.proof().treeSize() >= now.size(), "proven against a tree older than the checkpoint");
      } else {
        assertEquals(now.size(), inc.proof().treeSize());
        assertEquals(now.root(), inc.rootHash());
      }
      if (last == null || a.treeSize() > last.treeSize()) last = a;
    }
    if (last != null) {
      assertTrue(now.size() >= last.treeSize(), "the tree never shrinks: " + now.size() + " < " + last.treeSize());
      HttpResponse<String> p = get(server, "/api/v1/log/proof?firstSize=" + last.treeSize() + "&lastSize=" + now.size());
      assertEquals(200, p.statusCode(), p.body());
      Map.Entry<Hash, List<Hash>> proof = RekorJson.readConsistencyProof(p.body().getBytes(StandardCharsets.UTF_8));
      ProofVerifier.verifyConsistency(last.treeSize(), now.size(), proof.getValue(), last.root(), now.root());
    }
  }

  private static HttpResponse<String> get(ServerProcess s, String path) throws Exception {
    return TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(s.base + path)).timeout(Duration.ofSeconds(20)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
