package dev.stele.client.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.TestLog;
import dev.stele.client.TestLogServer;
import dev.stele.client.TrustedLog;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.RekorJson;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.protocol.TreeInfo;
import dev.stele.client.rekor.RekorClient;
import dev.stele.client.verify.Stage;
import dev.stele.client.verify.VerificationException;
import dev.stele.merkle.Hash;
import dev.stele.merkle.proof.ConsistencyProof;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTrackerTest {
  @TempDir
  Path dir;

  private final TestLog log = new TestLog("https://log.test");
  /** What the source serves as "latest"; tests point it at honest or dishonest checkpoints. */
  private final AtomicReference<String> latest = new AtomicReference<>();
  /** Where the source takes its proofs from (the honest log unless a test says otherwise). */
  private final AtomicReference<TestLog> prover = new AtomicReference<>(log);

  private final CheckpointSource source = new CheckpointSource() {
    @Override
    public SignedNote latestCheckpoint() {
      return TestLog.note(latest.get());
    }

    @Override
    public ConsistencyProof consistencyProof(long size1, long size2) {
      return prover.get().consistency(size1, size2);
    }
  };

  private TrustedLog trusted() {
    return log.trustRoot().logs().get(0);
  }

  private void grow(int n) {
    for (int i = 0; i < n; i++) {
      log.append(("leaf " + log.size()).getBytes(StandardCharsets.UTF_8), 1_790_000_000L);
    }
    latest.set(log.checkpoint(log.size()));
  }

  private CheckpointTracker tracker() throws Exception {
    return new CheckpointTracker(trusted(), source, dir.resolve("state").resolve("checkpoint"));
  }

  @Test
  void update_firstThenConsistentGrowth_advancesAndPersists() throws Exception {
    grow(3);
    CheckpointTracker t = tracker();
    CheckpointTracker.Update first = t.update();
    assertTrue(first.previous().isEmpty());
    assertEquals(3, first.current().size());
    grow(5);
    CheckpointTracker.Update second = t.update();
    assertTrue(second.advanced());
    assertEquals(3, second.previous().orElseThrow().size());
    assertEquals(8, t.current().orElseThrow().size());
    assertEquals(log.checkpoint(8), Files.readString(t.file()));
    // A new tracker on the same file starts from what was verified.
    assertEquals(8, tracker().current().orElseThrow().size());
    try (Stream<Path> files = Files.list(t.file().getParent())) {
      assertEquals(1, files.count(), "a temporary file was left behind");
    }
  }

  @Test
  void update_noGrowth_keepsTheCheckpoint() throws Exception {
    grow(4);
    CheckpointTracker t = tracker();
    t.update();
    CheckpointTracker.Update again = t.update();
    assertFalse(again.advanced());
    assertEquals(4, again.current().size());
  }

  @Test
  void update_fork_throwsWithBothCheckpointsAndTheProof() throws Exception {
    grow(5);
    CheckpointTracker t = tracker();
    t.update();
    String kept = Files.readString(t.file());
    // The same key signs a different history of 9 leaves, and proves it against that history.
    TestLog fork = new TestLog(URI.create("https://log.test"), log.keyPair(), log.treeId());
    for (int i = 0; i < 9; i++) {
      fork.append(("forked " + i).getBytes(StandardCharsets.UTF_8), 1_790_000_000L);
    }
    latest.set(fork.checkpoint(9));
    prover.set(fork);
    InconsistencyException e = assertThrows(InconsistencyException.class, t::update);
    assertEquals(InconsistencyException.Kind.FORK, e.kind());
    assertEquals(kept, e.previousNote());
    assertEquals(fork.checkpoint(9), e.newNote());
    assertEquals(5, e.proof().orElseThrow().size1());
    assertEquals(9, e.proof().orElseThrow().size2());
    assertTrue(e.getMessage().contains("size 9 is not consistent with the one kept at size 5"), e.getMessage());
    assertEquals(kept, Files.readString(t.file()), "the kept checkpoint must not change");
    assertEquals(5, t.current().orElseThrow().size());
  }

  @Test
  void update_honestProofForALyingCheckpoint_throwsFork() throws Exception {
    grow(5);
    CheckpointTracker t = tracker();
    t.update();
    grow(3);
    // A checkpoint at size 8 with a made-up root, validly signed; the proof is the honest one.
    latest.set(log.sign(new Checkpoint(log.checkpointAt(8).origin(), 8, Hash.of(new byte[32]))));
    assertEquals(InconsistencyException.Kind.FORK, assertThrows(InconsistencyException.class, t::update).kind());
  }

  @Test
  void update_rollbackToASmallerTree_throwsRollback() throws Exception {
    grow(7);
    CheckpointTracker t = tracker();
    t.update();
    latest.set(log.checkpoint(4));
    InconsistencyException e = assertThrows(InconsistencyException.class, t::update);
    assertEquals(InconsistencyException.Kind.ROLLBACK, e.kind());
    assertTrue(e.getMessage().contains("from size 7 (kept) to 4"), e.getMessage());
    assertTrue(e.getMessage().contains("still proves the smaller tree a prefix"), e.getMessage());
    assertEquals(4, e.proof().orElseThrow().size1(), "the proof is kept as evidence");
    assertEquals(7, e.proof().orElseThrow().size2());
    assertEquals(7, t.current().orElseThrow().size());
  }

  @Test
  void update_rollbackTheLogCannotProve_isStillARollback_withBothSignedCheckpoints() throws Exception {
    grow(7);
    tracker().update();
    String kept = log.checkpoint(7);
    latest.set(log.checkpoint(4));
    // A log restored from a backup of size 4 has no tree of size 7 to prove anything against.
    CheckpointTracker restored = new CheckpointTracker(trusted(), new CheckpointSource() {
      @Override
      public SignedNote latestCheckpoint() {
        return TestLog.note(latest.get());
      }

      @Override
      public ConsistencyProof consistencyProof(long size1, long size2) throws IOException {
        throw new IOException("lastSize(" + size2 + ") is beyond the tree");
      }
    }, dir.resolve("state").resolve("checkpoint"));
    InconsistencyException e = assertThrows(InconsistencyException.class, restored::update);
    assertEquals(InconsistencyException.Kind.ROLLBACK, e.kind());
    assertTrue(e.proof().isEmpty());
    assertTrue(e.getMessage().contains("gives no proof") && e.getMessage().contains("beyond the tree"), e.getMessage());
    assertEquals(kept, e.previousNote());
    assertEquals(log.checkpoint(4), e.newNote());
    assertEquals(4, e.next().size());
    assertEquals(7, tracker().current().orElseThrow().size(), "the kept checkpoint must not change");
  }

  @Test
  void update_rollbackToAnotherHistory_isARollback_withTheFailingProof() throws Exception {
    grow(6);
    CheckpointTracker t = tracker();
    t.update();
    TestLog other = new TestLog(URI.create("https://log.test"), log.keyPair(), log.treeId());
    for (int i = 0; i < 3; i++) {
      other.append(("other " + i).getBytes(StandardCharsets.UTF_8), 1_790_000_000L);
    }
    latest.set(other.checkpoint(3));
    InconsistencyException e = assertThrows(InconsistencyException.class, t::update);
    assertEquals(InconsistencyException.Kind.ROLLBACK, e.kind());
    assertTrue(e.getMessage().contains("fails too"), e.getMessage());
    assertEquals(3, e.proof().orElseThrow().size1());
  }

  @Test
  void update_rekorLogInfoContradictingItsCheckpoint_throwsCheckpoint() throws Exception {
    try (TestLogServer server = new TestLogServer()) {
      TestLog remote = server.log();
      for (int i = 0; i < 3; i++) {
        remote.append(("r" + i).getBytes(StandardCharsets.UTF_8), 1_790_000_000L);
      }
      TreeInfo lying = new TreeInfo(remote.checkpointAt(3).root(), 4, TestLog.note(remote.checkpoint(3)),
          remote.treeId(), java.util.List.of());
      server.script(new TestLogServer.Scripted(200, java.util.Map.of(),
          new String(RekorJson.writeLogInfo(lying), StandardCharsets.UTF_8)));
      CheckpointTracker t = new CheckpointTracker(remote.trustRoot().logs().get(0),
          CheckpointSource.rekor(RekorClient.builder(server.url()).build()), dir.resolve("remote"));
      VerificationException e = assertThrows(VerificationException.class, t::update);
      assertEquals(Stage.CHECKPOINT, e.stage());
      assertEquals("tree size 3 differs from the log info's tree size 4", e.reason());
      assertTrue(t.current().isEmpty());
    }
  }

  @Test
  void update_sameSizeOtherRoot_throwsSplitView() throws Exception {
    grow(6);
    CheckpointTracker t = tracker();
    t.update();
    latest.set(log.sign(new Checkpoint(log.checkpointAt(6).origin(), 6, Hash.of(new byte[32]))));
    InconsistencyException e = assertThrows(InconsistencyException.class, t::update);
    assertEquals(InconsistencyException.Kind.SAME_SIZE_DIFFERENT_ROOT, e.kind());
    assertTrue(e.proof().isEmpty());
  }

  @Test
  void update_badSignature_throwsCheckpoint_andKeepsTheState() throws Exception {
    grow(2);
    CheckpointTracker t = tracker();
    t.update();
    grow(2);
    TestLog impostor = new TestLog("https://log.test");
    latest.set(impostor.sign(log.checkpointAt(4)));
    VerificationException e = assertThrows(VerificationException.class, t::update);
    assertEquals(Stage.CHECKPOINT, e.stage());
    assertEquals(2, t.current().orElseThrow().size());
  }

  @Test
  void update_firstCheckpointBadlySigned_isNotAccepted() throws Exception {
    grow(2);
    latest.set(new TestLog("https://log.test").sign(log.checkpointAt(2)));
    CheckpointTracker t = tracker();
    assertEquals(Stage.CHECKPOINT, assertThrows(VerificationException.class, t::update).stage());
    assertFalse(Files.exists(t.file()));
  }

  @Test
  void open_tamperedStateFile_throwsCheckpoint() throws Exception {
    grow(3);
    CheckpointTracker t = tracker();
    t.update();
    String note = Files.readString(t.file());
    Files.writeString(t.file(), note.replaceFirst("\n3\n", "\n2\n"));
    assertEquals(Stage.CHECKPOINT, assertThrows(VerificationException.class, this::tracker).stage());
  }

  @Test
  void update_sourceFails_keepsTheState() throws Exception {
    grow(3);
    CheckpointTracker t = tracker();
    t.update();
    grow(2);
    CheckpointTracker broken = new CheckpointTracker(trusted(), new CheckpointSource() {
      @Override
      public SignedNote latestCheckpoint() {
        return TestLog.note(latest.get());
      }

      @Override
      public ConsistencyProof consistencyProof(long size1, long size2) throws IOException {
        throw new IOException("proof endpoint down");
      }
    }, t.file());
    assertThrows(IOException.class, broken::update);
    assertEquals(3, tracker().current().orElseThrow().size());
  }

  @Test
  void update_throughTiles_againstARealHttpLog() throws Exception {
    try (TestLogServer server = new TestLogServer()) {
      TestLog remote = server.log();
      for (int i = 0; i < 300; i++) {
        remote.append(("t" + i).getBytes(StandardCharsets.UTF_8), 1_790_000_000L);
      }
      CheckpointTracker t = new CheckpointTracker(remote.trustRoot().logs().get(0),
          CheckpointSource.tiles(server.url(), java.time.Duration.ofSeconds(5)), dir.resolve("tiles"));
      assertEquals(300, t.update().current().size());
      for (int i = 0; i < 270; i++) {
        remote.append(("u" + i).getBytes(StandardCharsets.UTF_8), 1_790_000_000L);
      }
      assertEquals(570, t.update().current().size());
      assertTrue(server.hits("GET /tile/0/001.p/44") + server.hits("GET /tile/0/001") > 0, "no tile was read");
      assertEquals(0, server.hits("GET /api/v1/log/proof"));
    }
  }

  @Test
  void update_throughTheRekorApi_againstARealHttpLog() throws Exception {
    try (TestLogServer server = new TestLogServer()) {
      TestLog remote = server.log();
      for (int i = 0; i < 3; i++) {
        remote.append(("r" + i).getBytes(StandardCharsets.UTF_8), 1_790_000_000L);
      }
      CheckpointTracker t = new CheckpointTracker(remote.trustRoot().logs().get(0),
          CheckpointSource.rekor(RekorClient.builder(server.url()).build()), dir.resolve("remote"));
      assertEquals(3, t.update().current().size());
      for (int i = 0; i < 10; i++) {
        remote.append(("s" + i).getBytes(StandardCharsets.UTF_8), 1_790_000_000L);
      }
      assertEquals(13, t.update().current().size());
      assertEquals(1, server.hits("GET /api/v1/log/proof"));
    }
  }
}
