package dev.stele.server.sequencer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.crypto.Signers;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.proof.ProofVerifier;
import dev.stele.server.log.LogIdentity;
import dev.stele.server.log.TreeState;
import dev.stele.server.metrics.ServerMetrics;
import dev.stele.server.read.LogReader;
import dev.stele.server.sign.LogSigner;
import dev.stele.server.storage.RocksLogStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault table in {@link Sequencer}'s class comment, one test per row: a real RocksDB store
 * behind {@link FaultyStore}, the real signer behind {@link FaultySigner}. Each test checks what
 * the failing batch's callers get, what is persisted (by reading the store back), whether the
 * sequencer stopped, and what the next submission gets. The HTTP statuses these map to (500, 503,
 * 409) are {@code ErrorMapper}'s; LifecycleTest checks them end to end.
 */
class SequencerFaultsTest {
  @TempDir Path dir;
  private LogSigner logSigner;
  private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

  /** The real signer, failing the checkpoint or one chosen SET once armed. */
  static final class FaultySigner implements Sequencer.Signer {
    private final Sequencer.Signer real;
    volatile boolean failCheckpoint;
    /** Thrown instead of signing the checkpoint, if set. */
    volatile RuntimeException checkpointThrows;
    volatile Error checkpointError;
    /** The log index whose SET fails, or -1. */
    volatile long failSetAt = -1;
    /** The log index whose SET throws an {@link Error}, or -1. */
    volatile long errorSetAt = -1;

    FaultySigner(Sequencer.Signer real) {
      this.real = real;
    }

    @Override
    public String signCheckpoint(long size, Hash root) throws GeneralSecurityException {
      if (failCheckpoint) throw new GeneralSecurityException("injected: the key is unavailable");
      if (checkpointThrows != null) throw checkpointThrows;
      if (checkpointError != null) throw checkpointError;
      return real.signCheckpoint(size, root);
    }

    @Override
    public byte[] signEntryTimestamp(byte[] body, long integratedTime, long index)
        throws GeneralSecurityException {
      if (index == failSetAt) throw new GeneralSecurityException("injected: signing entry " + index + " failed");
      if (index == errorSetAt) throw new AssertionError("injected: an assertion failed signing entry " + index);
      return real.signEntryTimestamp(body, integratedTime, index);
    }
  }

  @BeforeEach
  void key() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    logSigner = new LogSigner(Signers.forKeyPair(g.generateKeyPair()), "127.0.0.1", 42);
  }

  private static Sequencer.Submission entry(int i) {
    byte[] body = ("{\"fault\":" + i + "}").getBytes(StandardCharsets.UTF_8);
    return new Sequencer.Submission(Rfc6962.hashLeaf(body), body, List.of("k:" + i));
  }

  /** A sequencer writing through {@code store} (the real one or a decorator of it). */
  private Sequencer sequencer(RocksLogStore real, SequencerStore store, Sequencer.Signer signer, int batchSize)
      throws Exception {
    return new Sequencer(store, headOf(real), signer, new Sequencer.Config(batchSize, Duration.ZERO, 1000),
        clock::get, new ServerMetrics());
  }

  private Sequencer sequencer(RocksLogStore real, SequencerStore store, Sequencer.Signer signer) throws Exception {
    return sequencer(real, store, signer, 100);
  }

  /** The durable head: the stored one, or (for a new store) the empty tree's, committed first. */
  private TreeState headOf(RocksLogStore real) throws Exception {
    if (real.treeState().isPresent()) return real.treeState().get();
    TreeState s = new TreeState(0, Rfc6962.EMPTY_ROOT, 0, logSigner.signCheckpoint(0, Rfc6962.EMPTY_ROOT));
    real.commit(new Batch(List.of(), Map.of(), s));
    return s;
  }

  private LogReader reader(RocksLogStore real, SequencerStore tiles, Sequencer seq, ServerMetrics metrics) {
    return new LogReader(real, tiles, seq, logSigner, new LogIdentity(42, logSigner.logId()), metrics);
  }

  /** Sequences {@code n} entries from {@code first} and checks they got the next indexes. */
  private static void appendOk(Sequencer seq, int first, int n) throws Exception {
    long size = seq.head().size();
    List<CompletableFuture<Sequenced>> fs = new ArrayList<>();
    for (int i = first; i < first + n; i++) fs.add(seq.submit(entry(i)));
    seq.flushNow();
    for (int i = 0; i < n; i++) assertEquals(size + i, fs.get(i).get().index());
  }

  /** Nothing of {@code entries} is in the store, and its tree is still of {@code size}. */
  private static void nothingPersisted(RocksLogStore real, long size, int... entries) throws Exception {
    assertEquals(size, real.treeState().orElseThrow().size(), "stored tree size");
    assertEquals(size - 1, real.lastEntryIndex(), "stored entries");
    for (int i : entries) assertEquals(-1, real.findIndex(entry(i).leafHash()), "entry " + i + " in the leaf index");
  }

  // ---- read failure: nothing persisted, not fatal ----------------------------------------------

  @Test
  void readFailure_failsTheBatchOnly_persistsNothing_andTheNextSubmissionIsSequenced() throws Exception {
    try (RocksLogStore real = RocksLogStore.open(dir)) {
      FaultyStore store = new FaultyStore(real, FaultyStore.Fault.LOOKUP);
      Sequencer seq = sequencer(real, store, logSigner);
      appendOk(seq, 0, 3);
      store.arm();
      CompletableFuture<Sequenced> a = seq.submit(entry(3));
      CompletableFuture<Sequenced> b = seq.submit(entry(4));
      seq.flushNow();
      assertInstanceOf(IOException.class, cause(a));
      assertInstanceOf(IOException.class, cause(b));
      assertNull(seq.stoppedReason(), "not fatal");
      assertEquals(3, seq.head().size());
      nothingPersisted(real, 3, 3, 4);

      store.disarm();
      appendOk(seq, 3, 2); // the same entries, retried: sequenced as usual
      assertEquals(5, real.treeState().orElseThrow().size());
      assertProvable(real, seq, 5);
    }
  }

  // ---- signer failure: nothing persisted, not fatal --------------------------------------------

  @Test
  void checkpointSigningFailure_failsTheBatchOnly_persistsNothing_andTheNextSubmissionIsSequenced() throws Exception {
    try (RocksLogStore real = RocksLogStore.open(dir)) {
      FaultySigner signer = new FaultySigner(logSigner);
      Sequencer seq = sequencer(real, real, signer);
      appendOk(seq, 0, 2);
      signer.failCheckpoint = true;
      CompletableFuture<Sequenced> a = seq.submit(entry(2));
      seq.flushNow();
      assertInstanceOf(GeneralSecurityException.class, cause(a));
      assertNull(seq.stoppedReason(), "not fatal");
      nothingPersisted(real, 2, 2);

      signer.failCheckpoint = false;
      appendOk(seq, 2, 1);
      assertProvable(real, seq, 3);
    }
  }

  @Test
  void setSigningFailure_onTheSigningPool_failsTheWholeBatchOnly_persistsNothing_andTheNextIsSequenced()
      throws Exception {
    try (RocksLogStore real = RocksLogStore.open(dir)) {
      FaultySigner signer = new FaultySigner(logSigner);
      Sequencer seq = sequencer(real, real, signer);
      appendOk(seq, 0, 1);
      // A batch of 64 is signed in slices, the last ones on the signing pool; entry 60 fails there.
      signer.failSetAt = 60;
      List<CompletableFuture<Sequenced>> fs = new ArrayList<>();
      for (int i = 1; i <= 64; i++) fs.add(seq.submit(entry(i)));
      seq.flushNow();
      for (CompletableFuture<Sequenced> f : fs) assertInstanceOf(GeneralSecurityException.class, cause(f));
      assertNull(seq.stoppedReason(), "not fatal");
      nothingPersisted(real, 1, 1, 30, 60, 64);

      signer.failSetAt = -1;
      appendOk(seq, 1, 64);
      assertProvable(real, seq, 65);
    }
  }

  // ---- commit failure: fatal; the batch is all there or not at all ------------------------------

  @Test
  void commitFailureBeforeTheWrite_isFatal_persistsNothing_andARestartSequencesTheRetry() throws Exception {
    commitFailure(false);
  }

  @Test
  void commitFailureAfterTheWrite_isFatal_persistsTheWholeBatch_andARetryAfterRestartIsADuplicate()
      throws Exception {
    commitFailure(true);
  }

  private void commitFailure(boolean afterWrite) throws Exception {
    try (RocksLogStore real = RocksLogStore.open(dir)) {
      FaultyStore store = new FaultyStore(real, afterWrite);
      Sequencer seq = sequencer(real, store, logSigner);
      appendOk(seq, 0, 2);
      store.arm();
      CompletableFuture<Sequenced> a = seq.submit(entry(2));
      CompletableFuture<Sequenced> b = seq.submit(entry(3));
      seq.flushNow();
      assertInstanceOf(IOException.class, cause(a));
      assertInstanceOf(IOException.class, cause(b));
      assertNotNull(seq.stoppedReason(), "fatal");
      assertTrue(seq.stoppedReason().contains("commit failed"), seq.stoppedReason());
      assertEquals(2, seq.head().size(), "the head never moves past a failed commit");
      assertInstanceOf(LogOverloadedException.class, cause(seq.submit(entry(9))), "the next submission");
      if (afterWrite) {
        assertEquals(4, real.treeState().orElseThrow().size(), "the whole batch");
        assertEquals(2, real.findIndex(entry(2).leafHash()));
        assertEquals(3, real.findIndex(entry(3).leafHash()));
      } else {
        nothingPersisted(real, 2, 2, 3);
      }
      assertEquals(-1, real.findIndex(entry(9).leafHash()));

      // A restart reads the state from the store.
      store.disarm();
      Sequencer restarted = sequencer(real, real, logSigner);
      CompletableFuture<Sequenced> retry = restarted.submit(entry(2));
      restarted.flushNow();
      if (afterWrite) {
        assertEquals(2, assertInstanceOf(DuplicateEntryException.class, cause(retry)).index());
      } else {
        assertEquals(2, retry.get().index());
      }
      assertProvable(real, restarted, afterWrite ? 4 : 3);
    }
  }

  // ---- proof self-check failure: fatal; the batch is persisted ----------------------------------

  @Test
  void proofSelfCheckFailure_failsTheAnswer_haltsTheSequencer_andTheBatchIsPersisted() throws Exception {
    try (RocksLogStore real = RocksLogStore.open(dir)) {
      FaultyStore store = new FaultyStore(real, FaultyStore.Fault.CORRUPT_TILES);
      ServerMetrics metrics = new ServerMetrics();
      // Batches of one, so that the second entry is still queued when the halt comes.
      Sequencer seq = sequencer(real, store, logSigner, 1);
      LogReader reader = reader(real, store, seq, metrics);
      appendOk(seq, 0, 2);
      store.arm();
      CompletableFuture<Sequenced> a = seq.submit(entry(2));
      CompletableFuture<Sequenced> queued = seq.submit(entry(3));
      assertTrue(seq.flushOnce());
      assertEquals(2, a.get().index(), "the batch was committed before the answer was built");
      IOException e = assertThrows(IOException.class, () -> reader.entryAt(2));
      assertTrue(e.getMessage().contains("failed its own check"), e.getMessage());
      assertNotNull(seq.stoppedReason(), "fatal");
      assertTrue(seq.stoppedReason().startsWith("proof self-check failed"), seq.stoppedReason());
      assertInstanceOf(LogOverloadedException.class, cause(queued), "what was queued");
      assertInstanceOf(LogOverloadedException.class, cause(seq.submit(entry(4))), "the next submission");
      assertTrue(metrics.scrape().contains("stele_proof_self_check_failures_total 1.0"), "counted");
      assertEquals(3, real.treeState().orElseThrow().size(), "the batch is persisted");
      assertEquals(2, real.findIndex(entry(2).leafHash()));
      assertEquals(-1, real.findIndex(entry(3).leafHash()));

      // Restarted on tiles that read right, the log proves the entry again.
      store.disarm();
      Sequencer restarted = sequencer(real, real, logSigner);
      assertProvable(real, restarted, 3);
    }
  }

  // ---- any other throwable: fatal; the batch is all there or not at all; everyone gets 503 ------

  /** What a stopped sequencer tells the batch, the queue and later submissions: pushback. */
  private static void stoppedForGood(Sequencer seq, List<CompletableFuture<Sequenced>> pending, String cause) {
    for (CompletableFuture<Sequenced> f : pending) {
      LogOverloadedException e = assertInstanceOf(LogOverloadedException.class, cause(f));
      assertTrue(e.getMessage().contains(cause), e.getMessage());
    }
    assertNotNull(seq.stoppedReason(), "fatal");
    assertTrue(seq.stoppedReason().contains(cause), seq.stoppedReason());
    assertInstanceOf(LogOverloadedException.class, cause(seq.submit(entry(99))), "the next submission");
    assertEquals(0, seq.queueDepth());
  }

  @Test
  void errorInTheLookup_onTheSequencerThread_stopsIt_persistsNothing_andEveryWriteGets503() throws Exception {
    try (RocksLogStore real = RocksLogStore.open(dir)) {
      FaultyStore store = new FaultyStore(real, FaultyStore.Fault.LOOKUP_ERROR);
      // Batches of one and the thread running: the first batch dies, the second is still queued.
      Sequencer seq = sequencer(real, store, logSigner, 1);
      appendOk(seq, 0, 2);
      store.arm();
      CompletableFuture<Sequenced> a = seq.submit(entry(2));
      CompletableFuture<Sequenced> b = seq.submit(entry(3));
      seq.start();
      stoppedForGood(seq, List.of(a, b), "java.lang.OutOfMemoryError");
      nothingPersisted(real, 2, 2, 3);
      seq.close(); // the thread has ended: close returns

      store.disarm();
      Sequencer restarted = sequencer(real, real, logSigner);
      appendOk(restarted, 2, 2);
      assertProvable(real, restarted, 4);
    }
  }

  @Test
  void errorAfterTheWrite_stopsIt_theBatchIsWholeOnDisk_andARetryIsADuplicate() throws Exception {
    try (RocksLogStore real = RocksLogStore.open(dir)) {
      FaultyStore store = new FaultyStore(real, FaultyStore.Fault.COMMIT_ERROR_AFTER_WRITE);
      Sequencer seq = sequencer(real, store, logSigner);
      appendOk(seq, 0, 1);
      store.arm();
      CompletableFuture<Sequenced> a = seq.submit(entry(1));
      CompletableFuture<Sequenced> b = seq.submit(entry(2));
      seq.flushNow();
      stoppedForGood(seq, List.of(a, b), "java.lang.StackOverflowError");
      assertEquals(3, real.treeState().orElseThrow().size(), "the whole batch");

      store.disarm();
      Sequencer restarted = sequencer(real, real, logSigner);
      CompletableFuture<Sequenced> retry = restarted.submit(entry(2));
      restarted.flushNow();
      assertEquals(2, assertInstanceOf(DuplicateEntryException.class, cause(retry)).index());
      assertProvable(real, restarted, 3);
    }
  }

  @Test
  void errorOrRuntimeExceptionFromTheSigner_andErrorOnASigningHelper() throws Exception {
    try (RocksLogStore real = RocksLogStore.open(dir)) {
      FaultySigner signer = new FaultySigner(logSigner);
      // A runtime exception while signing is the signer row: the batch fails, nothing is fatal.
      Sequencer seq = sequencer(real, real, signer);
      appendOk(seq, 0, 1);
      signer.checkpointThrows = new IllegalStateException("injected: the signer is confused");
      CompletableFuture<Sequenced> a = seq.submit(entry(1));
      seq.flushNow();
      assertInstanceOf(IllegalStateException.class, cause(a));
      assertNull(seq.stoppedReason(), "not fatal");
      signer.checkpointThrows = null;
      appendOk(seq, 1, 1);

      // An Error from the signer on the sequencer's own thread stops it.
      signer.checkpointError = new OutOfMemoryError("injected: no memory to sign");
      CompletableFuture<Sequenced> b = seq.submit(entry(2));
      seq.flushNow();
      stoppedForGood(seq, List.of(b), "java.lang.OutOfMemoryError");
      nothingPersisted(real, 2, 2);
    }
    try (RocksLogStore real = RocksLogStore.open(dir)) {
      // An Error on a signing helper (a batch of 64 is signed in slices) stops it too.
      FaultySigner signer = new FaultySigner(logSigner);
      Sequencer seq = sequencer(real, real, signer);
      signer.errorSetAt = 60;
      List<CompletableFuture<Sequenced>> fs = new ArrayList<>();
      for (int i = 2; i < 66; i++) fs.add(seq.submit(entry(i)));
      seq.flushNow();
      stoppedForGood(seq, fs, "java.lang.AssertionError");
      nothingPersisted(real, 2, 2, 60, 65);
    }
  }

  @Test
  void noCommitWithinTheSubmitDeadline_pushback_aQueuedEntryIsTakenOut() throws Exception {
    try (RocksLogStore real = RocksLogStore.open(dir)) {
      FaultyStore store = new FaultyStore(real, FaultyStore.Fault.COMMIT_BLOCKS);
      Sequencer seq = new Sequencer(store, headOf(real), logSigner,
          new Sequencer.Config(1, Duration.ZERO, 1000, Duration.ofMillis(300)), clock::get, new ServerMetrics());
      seq.start();
      store.arm();
      CompletableFuture<Sequenced> stuck = seq.submit(entry(0));
      store.committing.await();
      CompletableFuture<Sequenced> queued = seq.submit(entry(1));
      LogOverloadedException inBatch = assertInstanceOf(LogOverloadedException.class, cause(stuck));
      assertTrue(inBatch.getMessage().contains("it may still be appended"), inBatch.getMessage());
      LogOverloadedException takenOut = assertInstanceOf(LogOverloadedException.class, cause(queued));
      assertTrue(takenOut.getMessage().contains("was not appended"), takenOut.getMessage());
      assertEquals(0, seq.queueDepth());
      assertNull(seq.stoppedReason(), "not fatal");

      store.disarm(); // the disk comes back: the batch that held entry 0 commits
      assertEquals(1, seq.submit(entry(2)).get(30, TimeUnit.SECONDS).index());
      assertEquals(0, real.findIndex(entry(0).leafHash()), "the stuck batch was committed");
      assertEquals(-1, real.findIndex(entry(1).leafHash()), "the entry taken out was not");
      seq.close();
    }
  }

  /**
   * A bulk submission (an import's) has no deadline: held past it by a stuck commit, it is
   * appended once the disk comes back, without a SET (signed when first read).
   */
  @Test
  void aBulkSubmissionWaitsPastTheDeadline_andIsStoredWithoutASet() throws Exception {
    try (RocksLogStore real = RocksLogStore.open(dir)) {
      FaultyStore store = new FaultyStore(real, FaultyStore.Fault.COMMIT_BLOCKS);
      Sequencer seq = new Sequencer(store, headOf(real), logSigner,
          new Sequencer.Config(1, Duration.ZERO, 1000, Duration.ofMillis(300)), clock::get, new ServerMetrics());
      seq.start();
      store.arm();
      Sequencer.Submission e0 = entry(0);
      Sequencer.Submission e1 = entry(1);
      CompletableFuture<Sequenced> stuck = seq.submit(new Sequencer.Submission(e0.leafHash(), e0.body(), e0.searchKeys(), true));
      store.committing.await();
      CompletableFuture<Sequenced> queued = seq.submit(new Sequencer.Submission(e1.leafHash(), e1.body(), e1.searchKeys(), true));
      Thread.sleep(900); // three deadlines
      assertFalse(stuck.isDone(), "a bulk submission in a stuck batch waits");
      assertFalse(queued.isDone(), "a queued bulk submission stays queued");
      store.disarm();
      assertEquals(0, stuck.get(30, TimeUnit.SECONDS).index());
      assertEquals(1, queued.get(30, TimeUnit.SECONDS).index());
      assertEquals(0, stuck.get().set().length, "no SET signed at append time");
      assertTrue(real.entry(1).orElseThrow().setPending());
      seq.close();
    }
  }

  /** Every entry of the tree of {@code size} is served with a proof that verifies. */
  private void assertProvable(RocksLogStore real, Sequencer seq, long size) throws Exception {
    assertEquals(size, seq.head().size());
    LogReader reader = reader(real, real, seq, new ServerMetrics());
    for (long i = 0; i < size; i++) {
      LoggedEntry e = reader.entryAt(i);
      var inc = e.inclusion().orElseThrow();
      ProofVerifier.verifyInclusion(i, inc.proof().treeSize(), Rfc6962.hashLeaf(e.body()), inc.proof().hashes(),
          seq.head().root());
    }
  }

  /** Why {@code f} failed; a future that stays open fails the test instead of hanging it. */
  private static Throwable cause(CompletableFuture<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
    return e.getCause();
  }
}
