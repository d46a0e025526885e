package dev.stele.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.merkle.Hash;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileId;
import dev.stele.server.sequencer.Batch;
import dev.stele.server.sequencer.FaultyStore;
import dev.stele.server.sequencer.SequencerStore;
import dev.stele.server.storage.RocksLogStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start, restart, shutdown, storage faults, and stores the server must refuse. */
class LifecycleTest {
  @TempDir Path dir;

  @Test
  void restart_servesTheSameTree_andKeepsAppending() throws Exception {
    Proposals signer = new Proposals();
    LoggedEntry first;
    Checkpoint before;
    try (TestServer log = TestServer.start(dir)) {
      first = log.verifiedEntry(log.post("/api/v1/log/entries", signer.hashedRekord(Proposals.artifact("a"))).body());
      before = log.checkpoint();
    }
    assertTrue(Files.exists(dir.resolve("log-key.pem")), "the generated key is kept in the data dir");
    try (TestServer log = TestServer.start(dir)) {
      Checkpoint after = log.checkpoint();
      assertEquals(before.size(), after.size());
      assertEquals(before.root(), after.root());
      LoggedEntry again = log.verifiedEntry(log.get("/api/v1/log/entries/" + first.id()).body());
      assertEquals(first.logIndex(), again.logIndex());
      assertEquals(201, log.post("/api/v1/log/entries", signer.hashedRekord(Proposals.artifact("b"))).statusCode());
      log.audit();
    }
  }

  @Test
  void shutdown_answersEveryAcceptedEntryBeforeClosingTheStore() throws Exception {
    Proposals signer = new Proposals();
    TestServer log = TestServer.start(dir);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    // A client of its own, so that nothing left over by other tests is in play.
    java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    List<Future<HttpResponse<String>>> fs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String p = signer.hashedRekord(Proposals.artifact("drain " + i));
      fs.add(pool.submit(() -> client.send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create(log.base + "/api/v1/log/entries")).timeout(TestServer.TIMEOUT)
              .header("Content-Type", "application/json")
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString(p)).build(),
          HttpResponse.BodyHandlers.ofString())));
    }
    Thread.sleep(100);
    log.close();
    List<String> created = new ArrayList<>();
    for (Future<HttpResponse<String>> f : fs) {
      try {
        HttpResponse<String> r = f.get();
        if (r.statusCode() == 201) created.add(r.headers().firstValue("Location").orElseThrow());
        else assertEquals(503, r.statusCode(), r.body());
      } catch (java.util.concurrent.ExecutionException e) {
        assertTrue(e.getCause() instanceof IOException, "only refused or closed connections may fail: " + e.getCause());
        assertTrue(!(e.getCause() instanceof java.net.http.HttpTimeoutException), "a request was left hanging");
      }
    }
    pool.shutdownNow();
    try (TestServer again = TestServer.start(dir)) {
      for (String location : created) {
        assertEquals(200, again.get(location).statusCode(), "entry answered 201 survives shutdown: " + location);
      }
      again.audit();
    }
  }

  @Test
  void failingCommit_5xxForTheBatch_503After_nothingPartial_recoversOnRestart() throws Exception {
    for (boolean afterWrite : new boolean[] {false, true}) {
      Path d = dir.resolve("fault-after-" + afterWrite);
      Proposals signer = new Proposals();
      FaultyStore[] faulty = new FaultyStore[1];
      UnaryOperator<SequencerStore> decorate = s -> faulty[0] = new FaultyStore(s, afterWrite);
      String lost = signer.hashedRekord(Proposals.artifact("in the failing batch"));
      long sizeBefore;
      try (TestServer log = TestServer.start(TestServer.config(d), decorate)) {
        assertEquals(201, log.post("/api/v1/log/entries", signer.hashedRekord(Proposals.artifact("ok"))).statusCode());
        sizeBefore = log.checkpoint().size();
        faulty[0].arm();
        HttpResponse<String> r = log.post("/api/v1/log/entries", lost);
        assertEquals(500, r.statusCode(), r.body());
        assertTrue(r.body().contains("internal error"), r.body());
        assertTrue(!r.body().contains("injected"), "internals stay in the server log");
        HttpResponse<String> next = log.post("/api/v1/log/entries", signer.hashedRekord(Proposals.artifact("later")));
        assertEquals(503, next.statusCode());
        assertTrue(next.headers().firstValue("Retry-After").isPresent());
        assertEquals(503, log.get("/readyz").statusCode());
        assertEquals(sizeBefore, log.checkpoint().size(), "the head never moves past a failed commit");
      }
      try (TestServer log = TestServer.start(d)) {
        long expected = afterWrite ? sizeBefore + 1 : sizeBefore;
        assertEquals(expected, log.checkpoint().size());
        HttpResponse<String> retry = log.post("/api/v1/log/entries", lost);
        assertEquals(afterWrite ? 409 : 201, retry.statusCode(), "the client's retry finds the truth");
        log.audit();
      }
    }
  }

  @Test
  void proofSelfCheckFailure_500ForTheAnswer_503After_notReady_theEntryIsKept() throws Exception {
    Proposals signer = new Proposals();
    FaultyStore[] faulty = new FaultyStore[1];
    UnaryOperator<SequencerStore> decorate = s -> faulty[0] = new FaultyStore(s, FaultyStore.Fault.CORRUPT_TILES);
    String kept = signer.hashedRekord(Proposals.artifact("committed, answered 500"));
    try (TestServer log = TestServer.start(TestServer.config(dir), decorate)) {
      assertEquals(201, log.post("/api/v1/log/entries", signer.hashedRekord(Proposals.artifact("ok"))).statusCode());
      faulty[0].arm();
      HttpResponse<String> r = log.post("/api/v1/log/entries", kept);
      assertEquals(500, r.statusCode(), r.body());
      HttpResponse<String> next = log.post("/api/v1/log/entries", signer.hashedRekord(Proposals.artifact("later")));
      assertEquals(503, next.statusCode(), next.body());
      assertTrue(next.headers().firstValue("Retry-After").isPresent());
      HttpResponse<String> ready = log.get("/readyz");
      assertEquals(503, ready.statusCode());
      assertTrue(ready.body().contains("proof self-check failed"), ready.body());
      assertTrue(log.get("/metrics").body().contains("stele_proof_self_check_failures_total 1.0"));
    }
    try (TestServer log = TestServer.start(dir)) {
      assertEquals(2, log.checkpoint().size(), "the entry answered 500 was committed");
      HttpResponse<String> retry = log.post("/api/v1/log/entries", kept);
      assertEquals(409, retry.statusCode(), "the client's retry finds it");
      log.verifiedEntry(log.get(retry.headers().firstValue("Location").orElseThrow()).body());
      log.audit();
    }
  }

  /**
   * An Error in the sequencer thread (here out of memory in the leaf-index lookup) stops intake:
   * the batch's caller and every later write get 503 with Retry-After, /readyz says why, nothing
   * of the batch is on disk, and a restart brings the log back.
   */
  @Test
  void sequencerThreadDies_503ForTheBatchAndEveryLaterWrite_notReady_nothingHalfWritten() throws Exception {
    Proposals signer = new Proposals();
    FaultyStore[] faulty = new FaultyStore[1];
    UnaryOperator<SequencerStore> decorate = s -> faulty[0] = new FaultyStore(s, FaultyStore.Fault.LOOKUP_ERROR);
    String lost = signer.hashedRekord(Proposals.artifact("in the batch that dies"));
    try (TestServer log = TestServer.start(TestServer.config(dir), decorate)) {
      assertEquals(201, log.post("/api/v1/log/entries", signer.hashedRekord(Proposals.artifact("ok"))).statusCode());
      faulty[0].arm();
      HttpResponse<String> r = log.post("/api/v1/log/entries", lost);
      assertEquals(503, r.statusCode(), r.body());
      assertTrue(r.headers().firstValue("Retry-After").isPresent());
      assertFalse(r.body().contains("injected"), "the cause stays in the server log: " + r.body());
      faulty[0].disarm(); // the store is fine again, but the sequencer stays stopped
      HttpResponse<String> next = log.post("/api/v1/log/entries", signer.hashedRekord(Proposals.artifact("later")));
      assertEquals(503, next.statusCode(), next.body());
      assertTrue(next.headers().firstValue("Retry-After").isPresent());
      HttpResponse<String> ready = log.get("/readyz");
      assertEquals(503, ready.statusCode());
      assertTrue(ready.body().contains("sequencer failed"), ready.body());
      assertEquals(200, log.get("/api/v1/log").statusCode(), "reads go on");
      assertEquals(1, log.checkpoint().size());
    }
    try (TestServer log = TestServer.start(dir)) {
      assertEquals(1, log.checkpoint().size(), "nothing of the batch was written");
      assertEquals(201, log.post("/api/v1/log/entries", lost).statusCode());
      log.audit();
    }
  }

  @Test
  void refusesAStoreOfAnotherKey() throws Exception {
    try (TestServer log = TestServer.start(dir)) {
      assertEquals(0, log.checkpoint().size());
    }
    Path otherKey = dir.resolve("other.pem");
    ServerConfig c = TestServer.config(dir);
    ServerConfig withOtherKey = new ServerConfig(0, "127.0.0.1", dir, Optional.of(otherKey), Optional.empty(),
        Optional.empty(), c.maxBatchSize(), c.maxBatchAge(), c.queueSize(), c.bodyLimit(), 2, 2);
    // A missing --key file is an error, not a reason to generate one.
    assertThrows(IOException.class, () -> Main.Server.start(withOtherKey));
    Files.copy(dir.resolve("log-key.pem"), dir.resolve("saved.pem"));
    Files.delete(dir.resolve("log-key.pem"));
    LogLoader.StartupException e = assertThrows(LogLoader.StartupException.class, () -> Main.Server.start(c));
    assertTrue(e.getMessage().contains("belongs to the log with ID"), e.getMessage());
  }

  @Test
  void refusesANewSignerName() throws Exception {
    try (TestServer log = TestServer.start(dir)) {
      assertEquals(0, log.checkpoint().size());
    }
    ServerConfig c = TestServer.config(dir);
    ServerConfig renamed = new ServerConfig(0, "127.0.0.1", dir, Optional.empty(),
        Optional.of(URI.create("https://log.example.org")), Optional.empty(), c.maxBatchSize(), c.maxBatchAge(),
        c.queueSize(), c.bodyLimit(), 2, 2);
    LogLoader.StartupException e = assertThrows(LogLoader.StartupException.class, () -> Main.Server.start(renamed));
    assertTrue(e.getMessage().contains("log.example.org"), e.getMessage());
  }

  @Test
  void refusesAStoreWhoseTilesDoNotReproduceTheSignedRoot() throws Exception {
    Proposals signer = new Proposals();
    try (TestServer log = TestServer.start(dir)) {
      for (int i = 0; i < 3; i++) log.post("/api/v1/log/entries", signer.hashedRekord(Proposals.artifact("t" + i)));
    }
    // Corrupt one stored hash behind the server's back.
    try (RocksLogStore store = RocksLogStore.open(dir)) {
      HashTile t = store.tile(0, 0);
      List<Hash> row = new ArrayList<>();
      for (int i = 0; i < t.width(); i++) row.add(t.get(i));
      row.set(1, row.get(0));
      var state = store.treeState().orElseThrow();
      store.commit(new Batch(List.of(), java.util.Map.of(new TileId(0, 0, t.width()), HashTile.of(row)), state));
    }
    LogLoader.StartupException e = assertThrows(LogLoader.StartupException.class,
        () -> Main.Server.start(TestServer.config(dir)));
    assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
  }

  /**
   * Witnesses need the embedded store (the cosigned checkpoint is kept there, and the collector
   * listens to this process's sequencer): with the distributed driver the server refuses to start
   * and says why, before it opens anything. The database URL points nowhere: the refusal comes
   * first.
   */
  @Test
  void witnessesWithTheDistributedDriver_areRefusedAtStart(@TempDir Path own) throws Exception {
    dev.stele.client.protocol.WitnessPolicy policy = dev.stele.client.protocol.WitnessPolicy.parse("quorum none\n");
    dev.stele.server.distributed.DistributedStorage nowhere = new dev.stele.server.distributed.DistributedStorage(
        "jdbc:postgresql://127.0.0.1:9/none", null, null, URI.create("http://127.0.0.1:9"), "none", "us-east-1",
        null, null, java.time.Duration.ofSeconds(3), java.time.Duration.ofSeconds(30));
    ServerConfig config = TestServer.config(own).withDistributed(nowhere);
    dev.stele.server.witness.WitnessConfig witnesses = new dev.stele.server.witness.WitnessConfig(
        Optional.empty(), Optional.of(policy), false, java.time.Duration.ofSeconds(1), true);
    LogLoader.StartupException e = assertThrows(LogLoader.StartupException.class,
        () -> Main.Server.start(config, witnesses, new io.vertx.core.VertxOptions(), UnaryOperator.identity()));
    assertTrue(e.getMessage().contains("--witness-policy is not supported with --storage postgres"), e.getMessage());
    assertFalse(Files.exists(own.resolve("log-key.pem")), "nothing was created before the refusal");
  }
}
