package dev.stele.server.sequencer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.crypto.SignatureVerifiers;
import dev.stele.client.crypto.Signers;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.SetPayload;
import dev.stele.client.protocol.SignedNote;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.proof.InclusionProof;
import dev.stele.merkle.proof.ProofVerifier;
import dev.stele.merkle.tiles.TileProofBuilder;
import dev.stele.server.log.StoredEntry;
import dev.stele.server.log.TreeState;
import dev.stele.server.metrics.ServerMetrics;
import dev.stele.server.sign.LogSigner;
import dev.stele.server.storage.RocksLogStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sequencer on a real RocksDB store, driven batch by batch with {@code flushNow()}. */
class SequencerTest {
  @TempDir Path dir;
  private LogSigner signer;
  private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

  @BeforeEach
  void key() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    signer = new LogSigner(Signers.forKeyPair(g.generateKeyPair()), "127.0.0.1", 42);
  }

  private static Sequencer.Submission entry(int i) {
    byte[] body = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
    return new Sequencer.Submission(Rfc6962.hashLeaf(body), body, List.of("k:" + (i % 2)));
  }

  private Sequencer sequencer(SequencerStore store, TreeState head, int queue) throws IOException {
    return new Sequencer(store, head, signer, new Sequencer.Config(100, Duration.ZERO, queue),
        clock::get, new ServerMetrics());
  }

  private TreeState empty(RocksLogStore store) throws Exception {
    TreeState s = new TreeState(0, Rfc6962.EMPTY_ROOT, 0, signer.signCheckpoint(0, Rfc6962.EMPTY_ROOT));
    store.commit(new Batch(List.of(), java.util.Map.of(), s));
    return s;
  }

  @Test
  void batch_isDurableSignedAndProvable() throws Exception {
    try (RocksLogStore store = RocksLogStore.open(dir)) {
      Sequencer seq = sequencer(store, empty(store), 1000);
      List<CompletableFuture<Sequenced>> fs = new ArrayList<>();
      for (int i = 0; i < 300; i++) fs.add(seq.submit(entry(i)));
      seq.flushNow();
      TreeState head = seq.head();
      assertEquals(300, head.size());
      assertEquals(head, store.treeState().orElseThrow(), "the head is what the store holds");
      SignedNote note = SignedNote.parse(head.checkpoint());
      note.verify(List.of(signer.noteVerifier()));
      Checkpoint cp = Checkpoint.parse(note.text());
      assertEquals(300, cp.size());
      assertEquals(head.root(), cp.root());
      for (int i = 0; i < 300; i++) {
        Sequenced r = fs.get(i).get();
        assertEquals(i, r.index());
        assertTrue(r.state().size() > i);
        StoredEntry stored = store.entry(i).orElseThrow();
        assertArrayEquals(entry(i).body(), stored.body());
        assertArrayEquals(r.set(), stored.set());
        SignatureVerifiers.forKey(signer.publicKey()).verify(r.set(),
            SetPayload.bytes(stored.body(), r.integratedTime(), signer.logId(), i));
        InclusionProof p = TileProofBuilder.inclusion(store, i, r.state().size());
        ProofVerifier.verifyInclusion(i, r.state().size(), entry(i).leafHash(), p.hashes(), r.state().root());
      }
      int filed = 0;
      try (RocksLogStore.SearchCursor c = store.searchCursor("k:0")) {
        for (long i = c.seek(0); i >= 0; i = c.seek(i + 1)) filed++;
      }
      assertEquals(150, filed);
    }
  }

  @Test
  void duplicates_inFlightAndCommitted_get409WithTheOriginalIndex() throws Exception {
    try (RocksLogStore store = RocksLogStore.open(dir)) {
      Sequencer seq = sequencer(store, empty(store), 1000);
      CompletableFuture<Sequenced> first = seq.submit(entry(7));
      CompletableFuture<Sequenced> second = seq.submit(entry(7));
      seq.submit(entry(8));
      seq.flushNow();
      assertEquals(0, first.get().index());
      DuplicateEntryException dup = cause(second, DuplicateEntryException.class);
      assertEquals(0, dup.index());
      assertEquals(2, seq.head().size(), "the duplicate was not appended");

      CompletableFuture<Sequenced> later = seq.submit(entry(8));
      seq.flushNow();
      assertEquals(1, cause(later, DuplicateEntryException.class).index());
      assertEquals(2, seq.head().size());
    }
  }

  @Test
  void integratedTime_neverDecreases_whenTheClockStepsBack() throws Exception {
    try (RocksLogStore store = RocksLogStore.open(dir)) {
      Sequencer seq = sequencer(store, empty(store), 1000);
      CompletableFuture<Sequenced> a = seq.submit(entry(1));
      seq.flushNow();
      clock.addAndGet(-3_600_000);
      CompletableFuture<Sequenced> b = seq.submit(entry(2));
      seq.flushNow();
      assertEquals(a.get().integratedTime(), b.get().integratedTime());
      assertEquals(1_700_000_000L, b.get().integratedTime());
    }
  }

  @Test
  void fullQueue_pushesBack_andWritesNothing() throws Exception {
    try (RocksLogStore store = RocksLogStore.open(dir)) {
      Sequencer seq = sequencer(store, empty(store), 2);
      seq.submit(entry(1));
      seq.submit(entry(2));
      LogOverloadedException e = cause(seq.submit(entry(3)), LogOverloadedException.class);
      assertTrue(e.retryAfterSeconds() >= 1);
      seq.flushNow();
      assertEquals(2, store.treeState().orElseThrow().size());
      assertEquals(-1, store.findIndex(entry(3).leafHash()));
    }
  }

  @Test
  void failedCommit_failsTheBatch_stopsTheSequencer_failsWhatWasQueuedBehindIt_andNothingPartialIsVisible()
      throws Exception {
    for (boolean afterWrite : new boolean[] {false, true}) {
      Path d = dir.resolve("after-" + afterWrite);
      try (RocksLogStore real = RocksLogStore.open(d)) {
        FaultyStore store = new FaultyStore(real, afterWrite);
        // Batches of two, so that a third entry waits in the queue behind the failing batch.
        Sequencer seq = new Sequencer(store, empty(real), signer, new Sequencer.Config(2, Duration.ZERO, 1000),
            clock::get, new ServerMetrics());
        seq.submit(entry(1));
        seq.flushNow();
        store.arm();
        CompletableFuture<Sequenced> a = seq.submit(entry(2));
        CompletableFuture<Sequenced> b = seq.submit(entry(3));
        CompletableFuture<Sequenced> queued = seq.submit(entry(4));
        seq.flushNow();
        assertInstanceOf(IOException.class, cause(a, Exception.class));
        assertInstanceOf(IOException.class, cause(b, Exception.class));
        cause(queued, LogOverloadedException.class);
        assertNotNull(seq.stoppedReason());
        assertEquals(1, seq.head().size(), "the head never moves past a failed commit");
        cause(seq.submit(entry(5)), LogOverloadedException.class);
        long expected = afterWrite ? 3 : 1;
        // All or nothing, whichever it was.
        assertEquals(expected, real.treeState().orElseThrow().size());
        assertEquals(expected - 1, real.lastEntryIndex());
        assertEquals(afterWrite ? 1 : -1, real.findIndex(entry(2).leafHash()));
        assertEquals(-1, real.findIndex(entry(4).leafHash()), "the entry queued behind was never written");
      }
    }
  }

  private static <T extends Throwable> T cause(CompletableFuture<?> f, Class<T> type) {
    ExecutionException e = assertThrows(ExecutionException.class, f::get);
    return assertInstanceOf(type, e.getCause());
  }
}
