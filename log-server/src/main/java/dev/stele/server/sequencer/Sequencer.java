package dev.stele.server.sequencer;

import dev.stele.merkle.Hash;
import dev.stele.merkle.tiles.RightEdge;
import dev.stele.server.log.StoredEntry;
import dev.stele.server.log.TreeState;
import dev.stele.server.metrics.ServerMetrics;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The single writer of the log.
 *
 * <p>Verified entries arrive through {@link #submit} from any thread and wait in a bounded queue.
 * One thread takes them in batches (up to {@code maxBatchSize} entries, or whatever arrived within
 * {@code maxBatchAge} of the first), and for each batch, in this order:
 *
 * <ol>
 *   <li>drops entries already in the log (their callers get {@link DuplicateEntryException});
 *   <li>assigns indices {@code [size, size+n)} and an integrated time that never decreases;
 *   <li>appends the leaf hashes to the in-memory right edge of the tree ({@link RightEdge}),
 *       giving the new root and the tiles that changed, without reading the store;
 *   <li>signs the checkpoint for the new size and root, and one SET per entry;
 *   <li>commits entries, leaf index, search keys, changed tiles and the new tree state in one
 *       synced write;
 *   <li>only then adopts the new head and edge and completes the callers' futures.
 * </ol>
 *
 * <p>Integration and signing happen before the one write, so there is no crash window between
 * "sequenced" and "integrated": after a crash the store holds either the whole batch or none of
 * it, and nothing signed was handed out for a batch that is not on disk.
 *
 * <h2>Faults</h2>
 *
 * <p>Each row is a test in {@code SequencerFaultsTest}. "Fatal" means the sequencer stops: it
 * fails what is queued, answers every later submission with pushback ({@link
 * LogOverloadedException}, 503 with {@code Retry-After}), {@code /readyz} reports why, and only a
 * restart, which re-runs the start-up self-check on the store, brings it back.
 *
 * <table>
 *   <caption>What a failure at each step leaves behind</caption>
 *   <tr><th>Failure</th><th>Persisted</th><th>Fatal</th><th>The batch's callers</th>
 *       <th>The next submission</th></tr>
 *   <tr><td>read: the leaf-index lookup (dedupe) fails</td><td>nothing</td><td>no</td>
 *       <td>the error (500)</td><td>sequenced as usual (201)</td></tr>
 *   <tr><td>signer: the checkpoint or a SET cannot be signed</td><td>nothing</td><td>no</td>
 *       <td>the error (500)</td><td>sequenced as usual (201)</td></tr>
 *   <tr><td>commit fails before anything reaches the disk</td><td>nothing</td><td>yes</td>
 *       <td>the error (500)</td><td>pushback (503); after a restart, sequenced as usual</td></tr>
 *   <tr><td>commit fails after the write (its acknowledgement is lost)</td><td>the whole batch</td>
 *       <td>yes</td><td>the error (500)</td><td>pushback (503); after a restart the batch is
 *       there, and a retry of its entries is a duplicate (409)</td></tr>
 *   <tr><td>proof self-check: a proof built from the stored tiles does not verify against the
 *       checkpoint it is for (checked by the read side, {@code LogReader}, which calls {@link
 *       #halt})</td><td>the whole batch</td><td>yes</td><td>the error (500)</td><td>pushback
 *       (503) until a restart, whose self-check refuses the store if its tiles do not give the
 *       signed root</td></tr>
 *   <tr><td>any other throwable in the sequencer: an {@link Error} at any step (out of memory, a
 *       stack overflow, a failed assertion, from the store, the signer or a signing helper), or
 *       a runtime exception outside the steps above</td><td>nothing, or the whole batch if the
 *       commit had written it (the write is atomic)</td><td>yes</td><td>pushback (503)</td>
 *       <td>pushback (503) until a restart</td></tr>
 *   <tr><td>no answer: the batch holding the entry is not committed within the submit deadline
 *       (a stuck disk, a stuck thread)</td><td>nothing, if the entry was still queued (it is
 *       taken out); else whatever its batch's commit does</td><td>no</td><td>pushback (503)
 *       </td><td>sequenced as usual once the sequencer moves; a retry of an entry that did get
 *       in is a duplicate (409)</td></tr>
 * </table>
 *
 * <p>Why: a failed read or signature leaves nothing on disk and nothing changed in memory, so the
 * next batch starts from the same durable head and edge. After a failed commit the store may or
 * may not hold the batch, so the head and edge in memory can no longer be trusted to match it. A
 * failed self-check means the log has signed a root its stored tiles do not prove; signing more
 * over that tree would only spread the damage. After an unexpected throwable nothing about the
 * sequencer's state can be assumed: it stops taking entries, logs the cause once, and {@code
 * /readyz} says why, rather than leave a dead thread behind a queue that keeps filling.
 */
public final class Sequencer implements Appender, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Sequencer.class.getName());

  /** Signs what a batch needs. Implementations hold the log's private key. */
  public interface Signer {
    /** The signed checkpoint (whole signed note) for a tree of {@code size} with {@code root}. */
    String signCheckpoint(long size, Hash root) throws GeneralSecurityException;

    /** The SET over {@code (body, integratedTime, logID, index)}. */
    byte[] signEntryTimestamp(byte[] body, long integratedTime, long index)
        throws GeneralSecurityException;
  }

  /**
   * Batching and pushback settings.
   *
   * @param maxBatchSize entries per batch at most (each batch costs one synced write and one
   *     checkpoint signature, so larger batches amortize both)
   * @param maxBatchAge how long the first entry of a batch may wait for company; zero commits as
   *     soon as the previous batch is done (batches then still grow under load)
   * @param queueCapacity entries that may wait for the sequencer before submissions are refused
   * @param submitDeadline how long a submission may wait for its batch to commit before its future
   *     fails with pushback (the fault table's last row)
   */
  public record Config(int maxBatchSize, Duration maxBatchAge, int queueCapacity, Duration submitDeadline) {
    /** The submit deadline when none is given. */
    public static final Duration DEFAULT_SUBMIT_DEADLINE = Duration.ofSeconds(30);

    public Config {
      if (maxBatchSize < 1) throw new IllegalArgumentException("maxBatchSize must be >= 1");
      if (maxBatchAge.isNegative()) throw new IllegalArgumentException("maxBatchAge must be >= 0");
      if (queueCapacity < 1) throw new IllegalArgumentException("queueCapacity must be >= 1");
      if (submitDeadline.isNegative() || submitDeadline.isZero()) {
        throw new IllegalArgumentException("submitDeadline must be positive");
      }
    }

    public Config(int maxBatchSize, Duration maxBatchAge, int queueCapacity) {
      this(maxBatchSize, maxBatchAge, queueCapacity, DEFAULT_SUBMIT_DEADLINE);
    }
  }

  /**
   * One submission: the canonical body, its leaf hash (the dedup key) and its search keys.
   *
   * @param bulk an entry of {@code stele-server import}, whom nobody waits on over HTTP: it is
   *     stored without a SET, which the read side signs when the entry is first served ({@code
   *     LogReader}; a SET is a signature over what is fixed at append time, {@link StoredEntry},
   *     so one signed later is the same statement, and signing one per entry was most of an
   *     import's work); and it has no submit deadline (the importer waits for each chunk, and
   *     a deadline would only fail an import on a slow disk, besides costing a timer per entry).
   *     An entry sent over HTTP is never bulk: its caller gets the SET in the 201.
   */
  public record Submission(Hash leafHash, byte[] body, List<String> searchKeys, boolean bulk) {
    /** A submission whose SET is signed in its batch (every entry sent over HTTP). */
    public Submission(Hash leafHash, byte[] body, List<String> searchKeys) {
      this(leafHash, body, searchKeys, false);
    }
  }

  private final SequencerStore store;
  private final Signer signer;
  private final Config config;
  private final LongSupplier clockMillis;
  private final ServerMetrics metrics;

  private final SubmissionQueue queue;
  /** The right edge of the tree at {@link #head}; read and replaced on the sequencer thread only. */
  private RightEdge edge;

  /** Helps the sequencer thread sign the SETs of large batches; see {@link #signEntryTimestamps}. */
  private static final int SIGNING_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
  /** Below this many entries per slice, handing work to another thread costs more than it saves. */
  private static final int MIN_SLICE = 16;
  private final ExecutorService signingPool = Executors.newFixedThreadPool(SIGNING_THREADS, r -> {
    Thread t = new Thread(r, "stele-sequencer-signing");
    t.setDaemon(true);
    return t;
  });

  private volatile TreeState head;
  /** Told each new durable head, on the sequencer thread, after the callers are answered. */
  private volatile java.util.function.Consumer<TreeState> committed = h -> { };
  private Thread thread;

  /**
   * Reads the right edge of the tree at {@code head} from the store (a few tiles, whatever the
   * size of the log).
   *
   * @param head the verified state the store is at (the start-up self-check has checked its
   *     signature and that the stored tiles give its root)
   * @throws IOException if the edge cannot be read, or does not give the head's root
   */
  public Sequencer(SequencerStore store, TreeState head, Signer signer, Config config,
      LongSupplier clockMillis, ServerMetrics metrics) throws IOException {
    this.store = store;
    this.head = head;
    this.edge = RightEdge.load(store, head.size());
    if (!edge.root().equals(head.root())) {
      throw new IOException("the stored right edge gives root " + edge.root().hex() + " for size "
          + head.size() + ", but the tree state says " + head.root().hex());
    }
    this.signer = signer;
    this.config = config;
    this.clockMillis = clockMillis;
    this.metrics = metrics;
    this.queue = new SubmissionQueue("log", "sequenced", config, metrics, "stele-sequencer-deadlines");
  }

  /** Starts the sequencer thread. Tests that drive batches by hand call {@link #flushNow} instead. */
  public synchronized void start() {
    if (thread != null) throw new IllegalStateException("already started");
    thread = new Thread(this::run, "stele-sequencer");
    thread.start();
  }

  /**
   * Tells {@code listener} each new durable head (a witness collector asks for cosignatures on
   * it). It runs on the sequencer thread and must not block.
   */
  public void onCommit(java.util.function.Consumer<TreeState> listener) {
    committed = java.util.Objects.requireNonNull(listener);
  }

  /** The newest durable tree state. */
  @Override
  public TreeState head() {
    return head;
  }

  /** Entries waiting for the sequencer. */
  @Override
  public int queueDepth() {
    return queue.depth();
  }

  /** Why the sequencer stopped after a failure, or null while it is healthy. */
  @Override
  public String stoppedReason() {
    return queue.stoppedReason();
  }

  /**
   * Queues a verified entry for the log. The future completes, on the sequencer thread, with the
   * entry's place in the log once the batch holding it is durable; or fails with
   * {@link DuplicateEntryException} (also when an identical entry is in flight and commits first),
   * {@link LogOverloadedException}, or the error that failed the batch.
   *
   * <p>Never blocks.
   */
  @Override
  public CompletableFuture<Sequenced> submit(Submission s) {
    return queue.submit(s);
  }

  /** Sequences everything queued right now, on the calling thread. For tests without {@link #start}. */
  void flushNow() {
    while (flushOnce()) {
      // until the queue is empty
    }
  }

  /**
   * Sequences one batch of what is queued (up to {@code maxBatchSize} entries), on the calling
   * thread; false if nothing was queued. For tests without {@link #start}.
   */
  boolean flushOnce() {
    List<SubmissionQueue.Entry> batch = queue.drain();
    if (batch.isEmpty()) return false;
    sequence(batch);
    return true;
  }

  private void run() {
    List<SubmissionQueue.Entry> batch = new ArrayList<>(config.maxBatchSize());
    try {
      while (queue.takeBatch(batch)) {
        sequence(batch);
        batch.clear();
        if (queue.stoppedReason() != null) break;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      // Outside a batch's steps (they catch their own): the loop itself failed.
      died(t, batch);
    } finally {
      queue.failRemaining();
    }
  }

  /**
   * Runs one batch through the steps in the class comment. Never throws: a throwable that the
   * steps do not handle stops the sequencer ({@link #died}).
   */
  private void sequence(List<SubmissionQueue.Entry> batch) {
    try {
      sequenceSteps(batch);
    } catch (Throwable t) {
      died(t, batch);
    }
  }

  /**
   * Stops the sequencer after a throwable no step handles: no more entries are taken, the batch
   * and everything queued get pushback (the batch may or may not be in the store, as after a
   * failed commit: the write is atomic, and a retry of an entry that is there is a duplicate),
   * and the cause is logged once.
   */
  private void died(Throwable t, List<SubmissionQueue.Entry> batch) {
    // Clients and /readyz see the kind of failure; its message and stack go to the server log.
    String reason = "sequencer failed with " + t.getClass().getName() + "; the server log has the details";
    if (queue.stop(reason)) {
      LOG.log(Level.SEVERE, "sequencer stopped: " + reason + "; restart the server", t);
      metrics.sequencerFailure();
    }
    queue.fail(batch, queue.notAccepting());
    queue.failQueued(queue.notAccepting());
  }

  private void sequenceSteps(List<SubmissionQueue.Entry> batch) {
    if (queue.stoppedReason() != null) {
      // Halted from outside while this batch waited: it must not be committed.
      queue.fail(batch, queue.notAccepting());
      return;
    }
    long start = System.nanoTime();
    List<SubmissionQueue.Entry> fresh;
    try {
      fresh = dropDuplicates(batch);
    } catch (IOException | RuntimeException e) {
      // Nothing was written and nothing in memory changed: fail this batch only.
      failBatch("leaf index lookup failed", batch, e);
      return;
    }
    if (fresh.isEmpty()) return;

    TreeState old = head;
    long size = old.size();
    // Integrated time is in seconds and never goes backwards along the log, whatever the clock.
    long integratedTime = Math.max(clockMillis.getAsLong() / 1000, old.lastIntegratedTime());
    List<Hash> leaves = new ArrayList<>(fresh.size());
    for (SubmissionQueue.Entry p : fresh) leaves.add(p.submission.leafHash());

    RightEdge.Growth growth;
    String checkpoint;
    List<Batch.Appended> appended = new ArrayList<>(fresh.size());
    try {
      // In memory only: the edge holds every node the new leaves combine with.
      growth = edge.append(leaves);
    } catch (RuntimeException e) {
      // The tree cannot take these leaves (it would pass Long.MAX_VALUE); nothing was written.
      failBatch("integration failed", fresh, e);
      return;
    }
    try {
      checkpoint = signer.signCheckpoint(growth.edge().size(), growth.edge().root());
      byte[][] sets = signEntryTimestamps(fresh, size, integratedTime);
      for (int i = 0; i < fresh.size(); i++) {
        Submission s = fresh.get(i).submission;
        appended.add(new Batch.Appended(
            new StoredEntry(size + i, integratedTime, sets[i], s.body()), s.leafHash(), s.searchKeys()));
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      // Nothing was written, and the head and edge are unchanged (the grown edge is dropped).
      failBatch("signing failed", fresh, e);
      return;
    }

    TreeState next = new TreeState(growth.edge().size(), growth.edge().root(), integratedTime, checkpoint);
    long commitStart = System.nanoTime();
    try {
      store.commit(new Batch(appended, growth.changedTiles(), next));
    } catch (IOException | RuntimeException e) {
      // We cannot tell whether the batch is on disk. Stop; a restart re-reads the truth.
      stop("commit failed: " + e.getMessage(), fresh, e);
      return;
    }
    // Durable from here on: adopt, publish, then answer.
    long commitNanos = System.nanoTime() - commitStart;
    edge = growth.edge();
    head = next;
    metrics.batchCommitted(fresh.size(), commitNanos, System.nanoTime() - start);
    for (int i = 0; i < fresh.size(); i++) {
      queue.succeed(fresh.get(i), new Sequenced(size + i, integratedTime, appended.get(i).entry().set(), next));
    }
    try {
      committed.accept(next);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "the commit listener failed for size " + next.size(), e);
    }
  }

  /**
   * One SET per entry, or an empty one for an entry whose SET is deferred ({@link
   * Submission#bulk}). Signing is the sequencer's largest cost per entry, so a large batch is
   * signed in slices on the signing pool and on this thread at once; the batch waits for all.
   */
  private byte[][] signEntryTimestamps(List<SubmissionQueue.Entry> fresh, long firstIndex, long integratedTime)
      throws GeneralSecurityException {
    int n = fresh.size();
    byte[][] sets = new byte[n][];
    if (fresh.get(0).submission.bulk() && fresh.get(n - 1).submission.bulk()) {
      // An import's batch: nothing (or next to nothing) to sign, not worth the pool.
      signSlice(fresh, sets, 0, n, firstIndex, integratedTime);
      return sets;
    }
    int slices = Math.min(SIGNING_THREADS + 1, (n + MIN_SLICE - 1) / MIN_SLICE);
    List<Future<?>> others = new ArrayList<>(slices);
    GeneralSecurityException[] failure = new GeneralSecurityException[1];
    for (int k = 1; k < slices; k++) {
      int from = (int) ((long) n * k / slices);
      int to = (int) ((long) n * (k + 1) / slices);
      others.add(signingPool.submit(() -> {
        try {
          signSlice(fresh, sets, from, to, firstIndex, integratedTime);
        } catch (GeneralSecurityException e) {
          failure[0] = e;
        }
      }));
    }
    signSlice(fresh, sets, 0, (int) ((long) n / Math.max(1, slices)), firstIndex, integratedTime);
    for (Future<?> f : others) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GeneralSecurityException("interrupted while signing entry timestamps", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Error) {
          throw (Error) e.getCause(); // not a signing failure: the sequencer stops (the fault table)
        }
        throw new GeneralSecurityException("signing entry timestamps failed: " + e.getCause(), e.getCause());
      }
    }
    if (failure[0] != null) throw failure[0];
    return sets;
  }

  private void signSlice(List<SubmissionQueue.Entry> fresh, byte[][] sets, int from, int to, long firstIndex,
      long integratedTime) throws GeneralSecurityException {
    for (int i = from; i < to; i++) {
      Submission s = fresh.get(i).submission;
      sets[i] = s.bulk() ? StoredEntry.noSet() : signer.signEntryTimestamp(s.body(), integratedTime, firstIndex + i);
    }
  }

  /** Fails and removes the entries of the batch that are already in the log. */
  private List<SubmissionQueue.Entry> dropDuplicates(List<SubmissionQueue.Entry> batch) throws IOException {
    List<Hash> hashes = new ArrayList<>(batch.size());
    for (SubmissionQueue.Entry p : batch) hashes.add(p.submission.leafHash());
    long[] found = store.findIndexes(hashes);
    List<SubmissionQueue.Entry> fresh = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      SubmissionQueue.Entry p = batch.get(i);
      if (found[i] < 0) {
        fresh.add(p);
      } else {
        queue.alreadyLogged(p, found[i]);
      }
    }
    return fresh;
  }

  /**
   * Stops the sequencer from outside, for a failure only another part of the server sees: a proof
   * built from the stored tiles that does not verify against the checkpoint it is for (the fault
   * table in the class comment). As after a failed commit, everything queued and every later
   * submission gets pushback until a restart; a batch already past its dedupe step may still
   * commit. The first reason given is kept. Safe to call from any thread.
   */
  @Override
  public void halt(String reason) {
    if (!queue.stop(reason)) return;
    LOG.log(Level.SEVERE, "sequencer halted: " + reason);
    metrics.sequencerFailure();
    queue.failQueued(queue.notAccepting());
  }

  /** A failure that leaves nothing behind: fail the batch, keep going. */
  private void failBatch(String what, List<SubmissionQueue.Entry> batch, Exception cause) {
    LOG.log(Level.WARNING, what + " for a batch of " + batch.size() + "; nothing was written", cause);
    metrics.sequencerFailure();
    queue.fail(batch, cause);
  }

  private void stop(String reason, List<SubmissionQueue.Entry> batch, Exception cause) {
    LOG.log(Level.SEVERE, "sequencer stopped: " + reason, cause);
    metrics.sequencerFailure();
    queue.stop(reason);
    queue.fail(batch, cause);
    queue.failQueued(queue.notAccepting());
  }

  /**
   * Stops taking submissions, sequences what is already queued, and waits for the thread to end.
   */
  @Override
  public void close() throws InterruptedException {
    queue.stopAccepting();
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) t.join();
    else flushNow();
    signingPool.shutdown();
    queue.close();
  }
}
