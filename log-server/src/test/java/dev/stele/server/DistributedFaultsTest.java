package dev.stele.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import dev.stele.server.distributed.Frontend;
import dev.stele.server.distributed.Integrator;
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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed driver under faults, with real engines ({@link Distributed}): two frontends
 * racing to integrate and a paused integrator fenced off, SIGKILL of the integrating frontend
 * under load, the object store gone for a while, PostgreSQL restarted.
 */
@External
class DistributedFaultsTest {
  @TempDir Path dir;

  private static int counter;

  private static String fresh(Proposals signer) throws Exception {
    return signer.hashedRekord(Proposals.artifact("faults " + (counter++) + " " + System.nanoTime()));
  }

  private static Frontend frontend(TestServer s) {
    return (Frontend) s.server.sequencer();
  }

  private static Integrator integrator(TestServer s) {
    return frontend(s).integrator();
  }

  private static void await(String what, long seconds, java.util.function.BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
      Thread.sleep(50);
    }
  }

  @Test
  void twoFrontendsRace_everyEntryOnce_andAPausedIntegratorIsFenced() throws Exception {
    DistributedStorage storage = Distributed.fresh();
    Proposals signer = new Proposals();
    try (TestServer a = TestServer.start(Distributed.config(dir, storage), UnaryOperator.identity());
        TestServer b = TestServer.start(Distributed.config(dir, storage), UnaryOperator.identity())) {
      await("a leader", 30, () -> integrator(a).leader() || integrator(b).leader());
      assertTrue(integrator(a).leader() ^ integrator(b).leader(), "exactly one integrator");

      // Both frontends take writes at once; each entry is sequenced once and proven.
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<HttpResponse<String>>> fs = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
          String p = fresh(signer);
          TestServer to = i % 2 == 0 ? a : b;
          fs.add(pool.submit(() -> to.post("/api/v1/log/entries", p)));
          // The same entry at the other frontend at the same time: one 201, one 409.
          if (i % 10 == 0) fs.add(pool.submit(() -> (to == a ? b : a).post("/api/v1/log/entries", p)));
        }
        int created = 0;
        int conflicts = 0;
        for (Future<HttpResponse<String>> f : fs) {
          HttpResponse<String> r = f.get();
          if (r.statusCode() == 201) {
            a.verifiedEntry(r.body());
            created++;
          } else {
            assertEquals(409, r.statusCode(), r.body());
            conflicts++;
          }
        }
        assertEquals(80, created);
        assertEquals(8, conflicts);
      } finally {
        pool.shutdownNow();
      }

      // The leader pauses between its object store writes and its commit, longer than its lease.
      TestServer leader = integrator(a).leader() ? a : b;
      TestServer other = leader == a ? b : a;
      CountDownLatch paused = new CountDownLatch(1);
      CountDownLatch resume = new CountDownLatch(1);
      integrator(leader).beforeCommit(() -> {
        paused.countDown();
        try {
          resume.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      String p = fresh(signer);
      Future<HttpResponse<String>> pending = Executors.newSingleThreadExecutor().submit(() -> leader.post("/api/v1/log/entries", p));
      assertTrue(paused.await(60, TimeUnit.SECONDS), "the leader reached its commit");
      // The other frontend takes the lease over and integrates the same sequenced entry.
      HttpResponse<String> r = pending.get(90, TimeUnit.SECONDS);
      assertEquals(201, r.statusCode(), r.body());
      LoggedEntry e = a.verifiedEntry(r.body());
      assertTrue(integrator(other).leader(), "the other frontend holds the lease");
      long sizeBefore = other.server.sequencer().head().size();
      integrator(leader).beforeCommit(() -> { });
      resume.countDown();
      await("the old leader's commit to be fenced", 30, () -> integrator(leader).fencedCommits() > 0);
      assertTrue(other.server.sequencer().head().size() >= sizeBefore);
      assertEquals(e.logIndex(), RekorJson.readEntry(other.get("/api/v1/log/entries?logIndex=" + e.logIndex())
          .body().getBytes(StandardCharsets.UTF_8)).logIndex());
      // Both frontends serve one consistent log.
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> more = (i % 2 == 0 ? a : b).post("/api/v1/log/entries", fresh(signer));
        assertEquals(201, more.statusCode(), more.body());
        a.verifiedEntry(more.body());
      }
      await("both frontends at one head", 30,
          () -> a.server.sequencer().head().size() == b.server.sequencer().head().size());
      assertEquals(a.checkpoint(), b.checkpoint());
      a.audit();
    }
  }

  /** Waits for {@code /readyz} to answer {@code status}, and returns its body. */
  private static String awaitReady(TestServer s, int status, long seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    HttpResponse<String> r;
    do {
      r = s.get("/readyz");
      if (r.statusCode() == status) return r.body();
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("/readyz still answers " + r.statusCode() + " after " + seconds + " s: " + r.body());
  }

  /** A 503 that names the store that is down and says when to come back: never a 500. */
  private static void assertStoreDown(HttpResponse<String> r, String store) {
    assertEquals(503, r.statusCode(), r.uri() + ": " + r.body());
    assertTrue(r.headers().firstValue("Retry-After").isPresent(), r.uri() + ": no Retry-After");
    assertTrue(r.body().contains("the log's " + store + " is unavailable"), r.uri() + ": " + r.body());
  }

  @Test
  void objectStoreDown_503_thenRecovery() throws Exception {
    DistributedStorage storage = Distributed.fresh().withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(4));
    S3Proxy s3 = Distributed.s3();
    Proposals signer = new Proposals();
    try (TestServer log = TestServer.start(Distributed.config(dir, storage), UnaryOperator.identity())) {
      HttpResponse<String> r = log.post("/api/v1/log/entries", fresh(signer));
      assertEquals(201, r.statusCode(), r.body());
      awaitReady(log, 200, 30);
      String during = fresh(signer);
      // A second frontend, started at size 1: the tiles of size 2 it has never read.
      try (TestServer cold = TestServer.start(Distributed.config(dir, storage), UnaryOperator.identity())) {
        HttpResponse<String> second = log.post("/api/v1/log/entries", fresh(signer));
        assertEquals(201, second.statusCode(), second.body());
        await("the second frontend at size 2", 30, () -> cold.server.sequencer().head().size() >= 2);
        s3.stopProcess();
        try {
          HttpResponse<String> down = log.post("/api/v1/log/entries", during);
          assertEquals(503, down.statusCode(), down.body());
          assertTrue(down.headers().firstValue("Retry-After").isPresent());
          // Reads that need the object store: 503 with Retry-After, never a 500.
          assertStoreDown(cold.get("/tile/0/000.p/2"), "object store");
          assertStoreDown(cold.get("/api/v1/log/entries?logIndex=1"), "object store");
          assertStoreDown(cold.get("/api/v1/log/proof?firstSize=1&lastSize=2"), "object store");
          // What does not need it is still served: the checkpoint (from PostgreSQL), bundles
          // (built from PostgreSQL's entries).
          assertEquals(200, cold.get("/checkpoint").statusCode());
          assertEquals(200, cold.get("/tile/entries/000.p/2").statusCode());
          for (TestServer s : List.of(log, cold)) {
            String why = awaitReady(s, 503, 30);
            assertTrue(why.contains("the object store does not answer"), why);
          }
        } finally {
          s3.startProcess();
        }
        for (TestServer s : List.of(log, cold)) awaitReady(s, 200, 60);
        HttpResponse<String> tile = cold.get("/tile/0/000.p/2");
        assertEquals(200, tile.statusCode(), tile.body());
        HttpResponse<String> entry = cold.get("/api/v1/log/entries?logIndex=1");
        assertEquals(200, entry.statusCode(), entry.body());
        cold.verify(RekorJson.readEntry(entry.body().getBytes(StandardCharsets.UTF_8)));
      }
      // The entry sequenced during the outage is integrated once the store is back.
      await("integration after the outage", 120, () -> log.server.sequencer().head().size() >= 3);
      HttpResponse<String> again = log.post("/api/v1/log/entries", during);
      assertEquals(409, again.statusCode(), again.body());
      HttpResponse<String> got = log.get(again.headers().firstValue("Location").orElseThrow());
      assertEquals(200, got.statusCode(), got.body());
      log.verify(RekorJson.readEntry(got.body().getBytes(StandardCharsets.UTF_8)));
      HttpResponse<String> after = log.post("/api/v1/log/entries", fresh(signer));
      assertEquals(201, after.statusCode(), after.body());
      log.verifiedEntry(after.body());
      log.audit();
    }
  }

  @Test
  void postgresRestart_503_thenRecovery() throws Exception {
    DistributedStorage storage = Distributed.fresh();
    PostgresCluster pg = Distributed.postgres();
    Proposals signer = new Proposals();
    try (TestServer log = TestServer.start(Distributed.config(dir, storage), UnaryOperator.identity())) {
      HttpResponse<String> r = log.post("/api/v1/log/entries", fresh(signer));
      assertEquals(201, r.statusCode(), r.body());
      awaitReady(log, 200, 30);
      pg.stopServer();
      try {
        HttpResponse<String> down = log.post("/api/v1/log/entries", fresh(signer));
        assertEquals(503, down.statusCode(), down.body());
        // Reads that need the database: 503 with Retry-After, never a 500.
        assertStoreDown(log.get("/api/v1/log/entries?logIndex=0"), "database");
        String why = awaitReady(log, 503, 30);
        assertTrue(why.contains("the database does not answer"), why);
      } finally {
        pg.startServer();
      }
      awaitReady(log, 200, 60);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      HttpResponse<String> after;
      do {
        after = log.post("/api/v1/log/entries", fresh(signer));
      } while (after.statusCode() == 503 && System.nanoTime() < deadline);
      assertEquals(201, after.statusCode(), after.body());
      log.verifiedEntry(after.body());
      log.audit();
    }
  }

  // ---- SIGKILL of the integrating frontend ----------------------------------------------------

  private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

  /** A frontend in a process of its own, from this test's class path. */
  private static final class FrontendProcess implements AutoCloseable {
    final Process process;
    final int port;
    final String base;
    final StringBuffer output = new StringBuffer();

    FrontendProcess(DistributedStorage d, Path key) throws Exception {
      port = PostgresCluster.freePort();
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
          "-cp", System.getProperty("java.class.path"), Main.class.getName()));
      cmd.addAll(Distributed.serverArgs(d));
      cmd.addAll(List.of("--key", key.toString(), "--port", Integer.toString(port),
          "--data-dir", key.getParent().toString(), "--tree-id", "7", "--batch-age-ms", "2"));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().putAll(Distributed.environment());
      process = pb.start();
      CountDownLatch ready = new CountDownLatch(1);
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            output.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) ready.countDown();
          }
        } catch (IOException ignored) {
          // The process died.
        }
      }, "frontend-output");
      reader.setDaemon(true);
      reader.start();
      if (!ready.await(180, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("frontend did not start:\n" + output);
      }
      base = "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  private record Acked(String location, long index, long treeSize, Hash root) {}

  @Test
  void sigkillOfTheIntegrator_anotherTakesOver_everyAcknowledgedEntryProven() throws Exception {
    DistributedStorage d = Distributed.fresh();
    Path key = dir.resolve("log-key.pem");
    LogKeys.loadOrGenerate(key, true);
    Proposals signer = new Proposals();
    try (FrontendProcess f1 = new FrontendProcess(d, key); FrontendProcess f2 = new FrontendProcess(d, key)) {
      PublicKey logKey = KeyFiles.decodePublicKey(get(f1.base, "/api/v1/log/publicKey").body());
      AtomicReference<String> holder = new AtomicReference<>();
      await("a leader", 60, () -> {
        holder.set(leaseHolder(d));
        return holder.get() != null;
      });
      FrontendProcess leader = holder.get().startsWith("127.0.0.1:" + f1.port + "/") ? f1 : f2;
      FrontendProcess survivor = leader == f1 ? f2 : f1;
      assertTrue(holder.get().startsWith("127.0.0.1:" + leader.port + "/"), holder.get());

      ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      AtomicBoolean killed = new AtomicBoolean();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger afterKill = new AtomicInteger();
      AtomicInteger serial = new AtomicInteger();
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < 6; c++) {
        boolean toLeader = c % 2 == 0;
        Thread t = new Thread(() -> {
          while (!stop.get()) {
            FrontendProcess to = toLeader && !killed.get() ? leader : survivor;
            HttpResponse<String> r;
            try {
              String p = signer.hashedRekord(Proposals.artifact("kill " + serial.incrementAndGet()));
              r = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(to.base + "/api/v1/log/entries"))
                      .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(p)).build(),
                  HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
              if (to != leader || !killed.get()) failures.add(to.base + ": " + e);
              continue;
            } catch (Exception e) {
              failures.add(e.toString());
              return;
            }
            if (r.statusCode() == 503) continue;
            if (r.statusCode() != 201) {
              failures.add("status " + r.statusCode() + " " + r.body());
              continue;
            }
            try {
              LoggedEntry e = RekorJson.readEntry(r.body().getBytes(StandardCharsets.UTF_8));
              var inc = e.inclusion().orElseThrow();
              acked.add(new Acked(r.headers().firstValue("Location").orElseThrow(), e.logIndex(),
                  inc.proof().treeSize(), inc.rootHash()));
              if (killed.get()) afterKill.incrementAndGet();
            } catch (Exception e) {
              failures.add("a 201 that does not parse: " + e);
            }
          }
        }, "client-" + c);
        t.start();
        clients.add(t);
      }
      Thread.sleep(4000);
      killed.set(true);
      leader.process.destroyForcibly(); // SIGKILL
      assertTrue(leader.process.waitFor(30, TimeUnit.SECONDS));
      assertEquals(137, leader.process.exitValue());
      await("201s after the takeover", 120, () -> afterKill.get() >= 20);
      stop.set(true);
      for (Thread t : clients) t.join(90_000);
      assertTrue(failures.isEmpty(), String.join("\n", failures));
      // The lease is renewed every second; on a loaded machine a renewal may come late.
      await("the survivor to hold the lease", 30, () -> {
        String h = leaseHolder(d);
        return h != null && h.startsWith("127.0.0.1:" + survivor.port + "/");
      });

      // Every acknowledged entry is there at its index, proven against the newest checkpoint,
      // which is consistent with the largest one any client was given.
      SignedNote note = SignedNote.parse(get(survivor.base, "/checkpoint").body());
      note.verify(List.of(NoteKeys.rekorVerifier("127.0.0.1", logKey)));
      Checkpoint now = Checkpoint.parse(note.text());
      Acked largest = null;
      for (Acked a : acked) {
        HttpResponse<String> r = get(survivor.base, a.location());
        assertEquals(200, r.statusCode(), "acknowledged entry lost: " + a);
        LoggedEntry e = RekorJson.readEntry(r.body().getBytes(StandardCharsets.UTF_8));
        assertEquals(a.index(), e.logIndex());
        var inc = e.inclusion().orElseThrow();
        ProofVerifier.verifyInclusion(e.logIndex(), inc.proof().treeSize(), e.id().uuid(), inc.proof().hashes(), inc.rootHash());
        assertTrue(inc.proof().treeSize() >= now.size());
        if (largest == null || a.treeSize() > largest.treeSize()) largest = a;
      }
      assertTrue(acked.size() > 20, "entries acknowledged: " + acked.size());
      HttpResponse<String> p = get(survivor.base, "/api/v1/log/proof?firstSize=" + largest.treeSize() + "&lastSize=" + now.size());
      assertEquals(200, p.statusCode(), p.body());
      Map.Entry<Hash, List<Hash>> proof = RekorJson.readConsistencyProof(p.body().getBytes(StandardCharsets.UTF_8));
      ProofVerifier.verifyConsistency(largest.treeSize(), now.size(), proof.getValue(), largest.root(), now.root());
    }
  }

  /** The holder of the integrator lease while it is unexpired, or null. */
  private static String leaseHolder(DistributedStorage d) {
    try (Connection c = DriverManager.getConnection(d.dbUrl()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT holder FROM stele_lease WHERE id = 1 AND expires_at > now()")) {
      return rs.next() ? rs.getString(1) : null;
    } catch (java.sql.SQLException e) {
      return null;
    }
  }

  private static HttpResponse<String> get(String base, String path) throws Exception {
    return TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
