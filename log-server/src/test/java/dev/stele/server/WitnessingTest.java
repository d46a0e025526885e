package dev.stele.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stele.client.keys.KeyFiles;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.Encodings;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.NoteKeys;
import dev.stele.client.protocol.NoteVerifier;
import dev.stele.client.protocol.RekorJson;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.protocol.WitnessPolicy;
import dev.stele.client.verify.Stage;
import dev.stele.client.verify.VerificationException;
import dev.stele.client.verify.Witnesses;
import dev.stele.merkle.Hash;
import dev.stele.merkle.proof.ProofVerifier;
import dev.stele.server.witness.WitnessConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log with witnesses (ARCHITECTURE.md decision 11): the Ed25519 checkpoint line, cosignatures
 * collected over real HTTP from three witnesses on 127.0.0.1 ({@link TestWitness}, 2 of 3 needed),
 * published at {@code /checkpoint} and in the v1 answers, stored and served again after a
 * restart; fail-open and fail-closed with witnesses down or stalled; and the Rekor v1 requests of
 * a transparency-dev witness feeder. The full system (the real log, the monitor's witnesses as
 * processes, the client) is tested in the monitor module.
 */
class WitnessingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private final List<TestWitness> witnesses = new ArrayList<>();
  private TestServer log;
  private WitnessPolicy policy;
  private final Proposals signer = newSigner();
  private KeyPair checkpointKey;
  private int counter;

  private static Proposals newSigner() {
    try {
      return new Proposals();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (log != null) {
      log.close();
    }
    witnesses.forEach(TestWitness::close);
  }

  /** A log whose pre-made Ed25519 checkpoint key three witnesses trust; 2 of them must cosign. */
  private TestServer start(boolean failClosed, Duration timeout) throws Exception {
    Path data = dir.resolve("data");
    java.nio.file.Files.createDirectories(data);
    Path key = data.resolve("checkpoint-key.pem");
    if (checkpointKey == null) {
      checkpointKey = KeyFiles.generateEd25519();
      KeyFiles.writePrivateKeyUnencrypted(key, checkpointKey.getPrivate());
    }
    if (witnesses.isEmpty()) {
      for (int i = 1; i <= 3; i++) {
        witnesses.add(new TestWitness("witness.test/w" + i));
      }
    }
    // Trusted before the log starts, so that its very first round is cosigned.
    NoteVerifier logKey = NoteKeys.ed25519Verifier("127.0.0.1", checkpointKey.getPublic());
    for (TestWitness w : witnesses) {
      w.trust(logKey);
    }
    StringBuilder text = new StringBuilder();
    for (TestWitness w : witnesses) {
      text.append(w.policyLine()).append('\n');
    }
    text.append("group q 2 witness.test/w1 witness.test/w2 witness.test/w3\nquorum q\n");
    policy = WitnessPolicy.parse(text.toString());
    log = TestServer.start(TestServer.config(data),
        new WitnessConfig(Optional.empty(), Optional.of(policy), failClosed, timeout, true), UnaryOperator.identity());
    assertEquals(NoteKeys.verifierKey("127.0.0.1", checkpointKey.getPublic()),
        log.server.signer().checkpointVkey().orElseThrow());
    return log;
  }

  private HttpResponse<String> append() throws Exception {
    return log.post("/api/v1/log/entries", signer.hashedRekord(Proposals.artifact("witnessed " + counter++ + " "
        + System.nanoTime())));
  }

  private SignedNote served() throws Exception {
    return SignedNote.parse(log.get("/checkpoint").body());
  }

  /** Polls /checkpoint until it is cosigned by a quorum at {@code size} at least, with {@code lines} cosignatures. */
  private SignedNote awaitCosigned(long size, int cosignatures) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      SignedNote n = served();
      try {
        if (Checkpoint.parse(n.text()).size() >= size && Witnesses.verify(n, policy).size() >= cosignatures) {
          return n;
        }
      } catch (VerificationException e) {
        last = e.getMessage();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no checkpoint of size " + size + " with " + cosignatures + " cosignatures: " + last);
  }

  @Test
  void failOpen_allUp_publishesCosignedCheckpoints_inV1AnswersToo_andAfterARestart() throws Exception {
    start(false, Duration.ofSeconds(10));
    for (int i = 0; i < 3; i++) {
      assertEquals(201, append().statusCode());
    }
    SignedNote cosigned = awaitCosigned(3, 3);
    Checkpoint cp = Checkpoint.parse(cosigned.text());
    // The log's ECDSA line first, its Ed25519 line second, then the cosignatures.
    assertEquals(5, cosigned.signatures().size(), cosigned.format());
    assertEquals(log.server.signer().noteVerifier().keyId(), cosigned.signatures().get(0).keyId());
    cosigned.verify(List.of(NoteKeys.parseVerifierKey(log.server.signer().checkpointVkey().orElseThrow())));

    // The v1 answers carry the same lines (--v1-signature-lines all): clients check the quorum.
    TreeInfoCheck.assertCosigned(log, policy, cp.size());
    LoggedEntry e = RekorJson.readEntry(log.get("/api/v1/log/entries?logIndex=1").body()
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    log.verify(e);
    assertTrue(Witnesses.verify(e.inclusion().orElseThrow().checkpoint(), policy).size() >= 2);

    // The gauges still read the live state after a GC (a weakly held supplier would read NaN).
    System.gc();
    String metrics = log.get("/metrics").body();
    assertEquals(3.0, metricValue(metrics, "stele_witness_cosigned_tree_size"), metrics);
    assertEquals(0.0, metricValue(metrics, "stele_witness_unwitnessed_entries"), metrics);
    assertEquals(3.0, metricValue(metrics, "stele_tree_size"), metrics);

    // Stored, and served again at once by a restarted log.
    assertEquals(cosigned.format(), log.rocks().cosignedState().orElseThrow().checkpoint());
    log.close();
    log = null;
    for (TestWitness w : witnesses) {
      w.mode(TestWitness.Mode.DOWN);
    }
    start(false, Duration.ofSeconds(10));
    assertEquals(cosigned.format(), served().format());
    log.audit();
  }

  @Test
  void failOpen_allUp_whileAppendsKeepComing_servesOnlyCosignedCheckpoints() throws Exception {
    // Witnesses that take 200 ms each: the head moves on during every round.
    witnesses.clear();
    for (int i = 1; i <= 3; i++) {
      TestWitness w = new TestWitness("witness.test/w" + i);
      w.delay(Duration.ofMillis(200));
      witnesses.add(w);
    }
    start(false, Duration.ofSeconds(10));
    awaitCosigned(0, 2);
    AtomicBoolean appending = new AtomicBoolean(true);
    AtomicReference<Throwable> failed = new AtomicReference<>();
    AtomicLong appended = new AtomicLong();
    Thread appender = new Thread(() -> {
      try {
        while (appending.get()) {
          HttpResponse<String> r = append();
          assertEquals(201, r.statusCode(), r.body());
          appended.incrementAndGet();
        }
      } catch (Throwable t) {
        failed.set(t);
      }
    });
    appender.start();
    try {
      awaitCosigned(5, 2);
      // Every checkpoint served while the witnesses answer carries the quorum, and sizes only grow;
      // the head (where appends are proven) runs ahead of it.
      long last = 0;
      long behind = 0;
      for (int i = 0; i < 30; i++) {
        SignedNote n = served();
        Witnesses.verify(n, policy);
        long size = Checkpoint.parse(n.text()).size();
        assertTrue(size >= last, size + " after " + last);
        last = size;
        behind = Math.max(behind, log.server.store().treeState().orElseThrow().size() - size);
        Thread.sleep(30);
      }
      assertTrue(behind > 0, "the appends kept coming: the head was ahead of the served checkpoint at least once");
    } finally {
      appending.set(false);
      appender.join(30_000);
    }
    assertNull(failed.get(), () -> String.valueOf(failed.get()));
    assertTrue(appended.get() >= 5, "appended " + appended.get());
  }

  @Test
  void failOpen_twoWitnessesDown_answersAtOnceWithoutQuorum_andTheMetricsSaySo() throws Exception {
    start(false, Duration.ofSeconds(10));
    awaitCosigned(0, 2);
    witnesses.get(1).mode(TestWitness.Mode.DOWN);
    witnesses.get(2).mode(TestWitness.Mode.DOWN);
    long t0 = System.nanoTime();
    HttpResponse<String> r = append();
    assertEquals(201, r.statusCode(), r.body());
    assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "fail-open does not wait");
    LoggedEntry e = log.verifiedEntry(r.body());
    assertEquals(Stage.WITNESS, assertThrows(VerificationException.class,
        () -> Witnesses.verify(e.inclusion().orElseThrow().checkpoint(), policy)).stage());
    String metrics = awaitMetric("stele_witness_errors_total{reason=\"status_503\",witness=\"witness.test/w2\"}");
    metrics = awaitMetric("stele_witness_quorum_missing_total");
    assertTrue(metrics.contains("stele_witness_request_seconds_count{outcome=\"cosigned\",witness=\"witness.test/w1\"}"),
        metrics);
    // Served anyway, with the log's signatures only.
    assertEquals(1, Checkpoint.parse(served().text()).size());
    assertThrows(VerificationException.class, () -> Witnesses.verify(served(), policy));
    // Back up: the next checkpoint is cosigned again.
    witnesses.get(1).mode(TestWitness.Mode.UP);
    assertEquals(201, append().statusCode());
    awaitCosigned(2, 2);
  }

  @Test
  void failClosed_twoWitnessesDown_appendWaitsForTheTimeoutAndSaysWhy_thenSucceedsWhenOneReturns() throws Exception {
    start(true, Duration.ofSeconds(2));
    awaitCosigned(0, 3);
    List<java.util.logging.LogRecord> logged = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    java.util.logging.Logger collectorLog =
        java.util.logging.Logger.getLogger(dev.stele.server.witness.WitnessCollector.class.getName());
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        logged.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    collectorLog.addHandler(capture);
    witnesses.get(1).mode(TestWitness.Mode.DOWN);
    witnesses.get(2).mode(TestWitness.Mode.DOWN);
    long t0 = System.nanoTime();
    HttpResponse<String> r = append();
    long took = System.nanoTime() - t0;
    assertEquals(503, r.statusCode(), r.body());
    assertTrue(took >= Duration.ofMillis(1900).toNanos() && took < Duration.ofSeconds(10).toNanos(), took + " ns");
    assertTrue(r.body().contains("no checkpoint covering it reached the witness quorum"), r.body());
    assertTrue(r.body().contains("witness.test/w2: answered 503") || r.body().contains("witness.test/w2:"), r.body());
    assertTrue(r.headers().firstValue("Retry-After").isPresent());
    // Reads serve only witnessed checkpoints: the entry is durable, not yet published.
    assertEquals(0, Checkpoint.parse(served().text()).size());
    HttpResponse<String> unwitnessed = log.get("/api/v1/log/entries?logIndex=0");
    assertEquals(503, unwitnessed.statusCode(), unwitnessed.body());
    assertTrue(unwitnessed.body().contains("is in the log, but no checkpoint covering it has reached the witness"
        + " quorum yet"), unwitnessed.body());
    assertEquals(404, log.get("/api/v1/log/entries?logIndex=5").statusCode(), "not in the log at all");
    // A round a second misses the quorum; the server's log says so once, not once a round.
    String metrics = awaitMetricAtLeast("stele_witness_quorum_missing_total", 3);
    List<String> warnings;
    synchronized (logged) {
      warnings = logged.stream().filter(x -> x.getLevel() == java.util.logging.Level.WARNING)
          .map(java.util.logging.LogRecord::getMessage).filter(m -> m.contains("missed the witness quorum")).toList();
    }
    assertEquals(1, warnings.size(), warnings + "\n" + metrics);

    witnesses.get(2).mode(TestWitness.Mode.UP);
    HttpResponse<String> ok = append();
    assertEquals(201, ok.statusCode(), ok.body());
    // The round ends when the last witness has answered, a moment after the quorum answered the append.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    boolean recovered = false;
    while (!recovered && System.nanoTime() < deadline) {
      synchronized (logged) {
        recovered = logged.stream().anyMatch(x -> x.getLevel() == java.util.logging.Level.INFO
            && x.getMessage().contains("reached the witness quorum again"));
      }
      Thread.sleep(50);
    }
    collectorLog.removeHandler(capture);
    assertTrue(recovered, "the recovery is logged");
    LoggedEntry e = log.verifiedEntry(ok.body());
    assertEquals(2, Witnesses.verify(e.inclusion().orElseThrow().checkpoint(), policy).size());
    assertEquals(200, log.get("/api/v1/log/entries?logIndex=0").statusCode());
    log.audit();
  }

  @Test
  void failClosed_oneWitnessStalled_theOtherTwoMakeTheQuorumWithinTheTimeout() throws Exception {
    start(true, Duration.ofSeconds(3));
    awaitCosigned(0, 3);
    witnesses.get(0).mode(TestWitness.Mode.HANG);
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = append();
      assertEquals(201, r.statusCode(), r.body());
      assertTrue(System.nanoTime() - t0 < Duration.ofMillis(2500).toNanos(), "the quorum did not wait for w1");
      List<Witnesses.Cosignature> c = Witnesses.verify(log.verifiedEntry(r.body()).inclusion().orElseThrow()
          .checkpoint(), policy);
      assertEquals(List.of("witness.test/w2", "witness.test/w3"), c.stream().map(Witnesses.Cosignature::witness).toList());
    }
  }

  @Test
  void withoutWitnesses_checkpointsCarryTheEd25519Line_andV1AnswersTheLogsLineOnly() throws Exception {
    log = TestServer.start(dir.resolve("plain"));
    assertEquals(201, append().statusCode());
    SignedNote full = served();
    assertEquals(2, full.signatures().size());
    String vkey = log.server.signer().checkpointVkey().orElseThrow();
    assertTrue(vkey.startsWith("127.0.0.1+"), vkey);
    assertEquals(List.of(full.signatures().get(1)), full.verify(List.of(NoteKeys.parseVerifierKey(vkey))));
    JsonNode info = JSON.readTree(log.get("/api/v1/log").body());
    SignedNote v1 = SignedNote.parse(info.get("signedTreeHead").asText());
    assertEquals(full.text(), v1.text());
    assertEquals(List.of(full.signatures().get(0)), v1.signatures(), "Rekor's Go verifier refuses any other line");
  }

  /**
   * The two requests of the Rekor v1 feeder of transparency-dev's witness (omniwitness), as it
   * sends them for a log configured with {@code URL: <log>?treeID=<id>}: it resolves {@code
   * api/v1/log} and {@code api/v1/log/proof?firstSize=..&lastSize=..&treeID=..} against that URL
   * (RFC 3986 5.2: the path becomes {@code /api/v1/...}, the base's query is dropped), asks for
   * {@code Accept: application/json}, finds the checkpoint by {@code treeID} (a string), and reads
   * the proof's {@code hashes} as hex; it verifies the checkpoint with the log's ECDSA vkey (type
   * 0x02, Rekor v1 key ID) under the origin {@code <host> - <tree ID>}.
   */
  @Test
  void rekorV1WitnessFeederRequests_areServed() throws Exception {
    log = TestServer.start(dir.resolve("feeder"));
    for (int i = 0; i < 5; i++) {
      assertEquals(201, append().statusCode());
    }
    String treeId = "7";
    HttpResponse<String> info = get("/api/v1/log");
    assertEquals(200, info.statusCode());
    JsonNode li = JSON.readTree(info.body());
    assertEquals(treeId, li.get("treeID").asText());
    assertTrue(li.get("treeID").isTextual(), "the feeder compares treeID as a string");
    SignedNote sth = SignedNote.parse(li.get("signedTreeHead").asText());
    String vkey = NoteKeys.verifierKey("127.0.0.1", log.logKey());
    assertTrue(vkey.split("\\+", 3)[2].startsWith("AjBZ"), "type 0x02 and a DER P-256 key, as omniwitness configures Rekor");
    sth.verify(List.of(NoteKeys.parseVerifierKey(vkey)));
    Checkpoint cp = Checkpoint.parse(sth.text());
    assertEquals("127.0.0.1 - " + treeId, cp.origin());
    assertEquals(5, cp.size());

    HttpResponse<String> proof = get("/api/v1/log/proof?firstSize=2&lastSize=5&treeID=" + treeId);
    assertEquals(200, proof.statusCode(), proof.body());
    List<Hash> hashes = new ArrayList<>();
    for (JsonNode h : JSON.readTree(proof.body()).get("hashes")) {
      hashes.add(Hash.of(Encodings.hex("hash", h.asText(), 32)));
    }
    Hash root2 = cp.root();
    HttpResponse<String> proofFrom2to2 = get("/api/v1/log/proof?firstSize=2&lastSize=2&treeID=" + treeId);
    assertEquals(200, proofFrom2to2.statusCode());
    Hash root1 = Hash.fromHex(JSON.readTree(proofFrom2to2.body()).get("rootHash").asText());
    ProofVerifier.verifyConsistency(2, 5, hashes, root1, root2);
    // Another tree ID is refused, not answered for this tree.
    assertEquals(400, get("/api/v1/log/proof?firstSize=2&lastSize=5&treeID=8").statusCode());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(log.base + path)).timeout(TestServer.TIMEOUT)
        .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static double metricValue(String text, String name) {
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1));
      }
    }
    throw new AssertionError("no " + name + " in:\n" + text);
  }

  private String awaitMetric(String name) throws Exception {
    return awaitMetricAtLeast(name, 1);
  }

  private String awaitMetricAtLeast(String name, double least) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String text = "";
    while (System.nanoTime() < deadline) {
      text = log.get("/metrics").body();
      for (String line : text.split("\n")) {
        if (line.startsWith(name + " ") && Double.parseDouble(line.substring(name.length() + 1)) >= least) {
          return text;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError(name + " never reached " + least + ":\n" + text);
  }

  /** Checks the log info's signed tree head as a client with the policy does. */
  private static final class TreeInfoCheck {
    static void assertCosigned(TestServer log, WitnessPolicy policy, long size) throws Exception {
      JsonNode info = JSON.readTree(log.get("/api/v1/log").body());
      SignedNote sth = SignedNote.parse(info.get("signedTreeHead").asText());
      assertEquals(size, Checkpoint.parse(sth.text()).size());
      assertFalse(Witnesses.verify(sth, policy).isEmpty());
    }
  }
}
