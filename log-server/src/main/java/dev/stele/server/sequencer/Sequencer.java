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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

  private static final class Pending {
    final Submission submission;
    final long enqueuedNanos;
    final CompletableFuture<Sequenced> result = new CompletableFuture<>();

    Pending(Submission submission, long enqueuedNanos) {
      this.submission = submission;
      this.enqueuedNanos = enqueuedNanos;
    }
  }

  private final SequencerStore store;
  private final Signer signer;
  private final Config config;
  private final LongSupplier clockMillis;
  private final ServerMetrics metrics;

  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final ConcurrentHashMap<Hash, Pending> inFlight = new ConcurrentHashMap<>();
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

  /** Fails the futures of submissions that reach their deadline; cancelled when they complete. */
  private final ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1, r -> {
    Thread t = new Thread(r, "stele-sequencer-deadlines");
    t.setDaemon(true);
    return t;
  });

  private volatile TreeState head;
  /** Told each new durable head, on the sequencer thread, after the callers are answered. */
  private volatile java.util.function.Consumer<TreeState> committed = h -> { };
  private volatile boolean accepting = true;
  private volatile String stoppedReason;
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
    deadlines.setRemoveOnCancelPolicy(true);
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
    return queued.get();
  }

  /** Why the sequencer stopped after a failure, or null while it is healthy. */
  @Override
  public String stoppedReason() {
    return stoppedReason;
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
    if (!accepting) {
      return CompletableFuture.failedFuture(new LogOverloadedException(
          stoppedReason != null ? "the log is not accepting entries: " + stoppedReason
              : "the log is shutting down", 30));
    }
    Pending existing = inFlight.get(s.leafHash());
    if (existing != null) return joinDuplicate(existing);
    if (queued.incrementAndGet() > config.queueCapacity()) {
      queued.decrementAndGet();
      return CompletableFuture.failedFuture(new LogOverloadedException(
          "the log's queue is full (" + config.queueCapacity() + " entries); retry shortly", 1));
    }
    Pending p = new Pending(s, System.nanoTime());
    existing = inFlight.putIfAbsent(s.leafHash(), p);
    if (existing != null) {
      queued.decrementAndGet();
      return joinDuplicate(existing);
    }
    queue.add(p);
    if (!accepting && queue.remove(p)) {
      // Closed or halted between the check above and the add, and the sequencer never saw it.
      queued.decrementAndGet();
      inFlight.remove(s.leafHash(), p);
      p.result.completeExceptionally(stoppedReason != null ? notAccepting()
          : new LogOverloadedException("the log is shutting down", 30));
      return p.result;
    }
    if (s.bulk()) return p.result;
    // The caller's answer follows the batch's outcome, or gives up at the deadline; copies of the
    // entry submitted meanwhile follow the outcome itself (joinDuplicate), whatever the deadline.
    CompletableFuture<Sequenced> answer = new CompletableFuture<>();
    p.result.whenComplete((r, t) -> {
      if (t == null) answer.complete(r);
      else answer.completeExceptionally(t);
    });
    ScheduledFuture<?> timer = deadlines.schedule(() -> expire(p, answer),
        config.submitDeadline().toNanos(), TimeUnit.NANOSECONDS);
    answer.whenComplete((r, t) -> timer.cancel(false));
    return answer;
  }

  /**
   * The submission's deadline has passed: if it is still queued it is taken out (nothing of it is
   * written); if a batch already holds it, that batch decides whether it is in the log.
   */
  private void expire(Pending p, CompletableFuture<Sequenced> answer) {
    long ms = config.submitDeadline().toMillis();
    if (queue.remove(p)) {
      queued.decrementAndGet();
      inFlight.remove(p.submission.leafHash(), p);
      p.result.completeExceptionally(new LogOverloadedException("the entry waited " + ms
          + " ms for the sequencer and was not appended; retry shortly", 1));
    } else {
      answer.completeExceptionally(new LogOverloadedException("the entry was not sequenced within "
          + ms + " ms; it may still be appended: a retry then gets 409 with its location", 1));
    }
  }

  /** A second copy of an in-flight entry: once the first is in the log, this one is a duplicate. */
  private CompletableFuture<Sequenced> joinDuplicate(Pending original) {
    return original.result.thenCompose(r -> {
      metrics.duplicate();
      return CompletableFuture.failedFuture(
          new DuplicateEntryException(original.submission.leafHash(), r.index()));
    });
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
    List<Pending> batch = new ArrayList<>();
    if (queue.drainTo(batch, config.maxBatchSize()) == 0) return false;
    queued.addAndGet(-batch.size());
    sequence(batch);
    return true;
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(config.maxBatchSize());
    long maxAgeNanos = config.maxBatchAge().toNanos();
    try {
      while (true) {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (!accepting) break;
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, config.maxBatchSize() - batch.size());
        long deadline = first.enqueuedNanos + maxAgeNanos;
        long wait;
        while (batch.size() < config.maxBatchSize() && (wait = deadline - System.nanoTime()) > 0) {
          Pending next = queue.poll(wait, TimeUnit.NANOSECONDS);
          if (next == null) break;
          batch.add(next);
          queue.drainTo(batch, config.maxBatchSize() - batch.size());
        }
        queued.addAndGet(-batch.size());
        sequence(batch);
        batch.clear();
        if (stoppedReason != null) break;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      // Outside a batch's steps (they catch their own): the loop itself failed.
      died(t, batch);
    } finally {
      failQueued(new LogOverloadedException("the log stopped before this entry was sequenced", 30));
    }
  }

  /**
   * Runs one batch through the steps in the class comment. Never throws: a throwable that the
   * steps do not handle stops the sequencer ({@link #died}).
   */
  private void sequence(List<Pending> batch) {
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
  private void died(Throwable t, List<Pending> batch) {
    // Clients and /readyz see the kind of failure; its message and stack go to the server log.
    String reason = "sequencer failed with " + t.getClass().getName() + "; the server log has the details";
    boolean first;
    synchronized (this) {
      first = stoppedReason == null;
      if (first) stoppedReason = reason;
      accepting = false;
    }
    if (first) {
      LOG.log(Level.SEVERE, "sequencer stopped: " + reason + "; restart the server", t);
      metrics.sequencerFailure();
    }
    failAll(batch, notAccepting());
    failQueued(notAccepting());
  }

  private void sequenceSteps(List<Pending> batch) {
    if (stoppedReason != null) {
      // Halted from outside while this batch waited: it must not be committed.
      failAll(batch, notAccepting());
      return;
    }
    long start = System.nanoTime();
    List<Pending> fresh;
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
    for (Pending p : fresh) leaves.add(p.submission.leafHash());

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
      Pending p = fresh.get(i);
      inFlight.remove(p.submission.leafHash(), p);
      p.result.complete(new Sequenced(size + i, integratedTime, appended.get(i).entry().set(), next));
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
  private byte[][] signEntryTimestamps(List<Pending> fresh, long firstIndex, long integratedTime)
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

  private void signSlice(List<Pending> fresh, byte[][] sets, int from, int to, long firstIndex,
      long integratedTime) throws GeneralSecurityException {
    for (int i = from; i < to; i++) {
      Submission s = fresh.get(i).submission;
      sets[i] = s.bulk() ? StoredEntry.noSet() : signer.signEntryTimestamp(s.body(), integratedTime, firstIndex + i);
    }
  }

  /** Fails and removes the entries of the batch that are already in the log. */
  private List<Pending> dropDuplicates(List<Pending> batch) throws IOException {
    List<Hash> hashes = new ArrayList<>(batch.size());
    for (Pending p : batch) hashes.add(p.submission.leafHash());
    long[] found = store.findIndexes(hashes);
    List<Pending> fresh = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Pending p = batch.get(i);
      if (found[i] < 0) {
        fresh.add(p);
      } else {
        inFlight.remove(p.submission.leafHash(), p);
        metrics.duplicate();
        p.result.completeExceptionally(new DuplicateEntryException(p.submission.leafHash(), found[i]));
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
    synchronized (this) {
      if (stoppedReason != null) return;
      stoppedReason = reason;
      accepting = false;
    }
    LOG.log(Level.SEVERE, "sequencer halted: " + reason);
    metrics.sequencerFailure();
    failQueued(notAccepting());
  }

  private LogOverloadedException notAccepting() {
    return new LogOverloadedException("the log is not accepting entries: " + stoppedReason, 30);
  }

  /** A failure that leaves nothing behind: fail the batch, keep going. */
  private void failBatch(String what, List<Pending> batch, Exception cause) {
    LOG.log(Level.WARNING, what + " for a batch of " + batch.size() + "; nothing was written", cause);
    metrics.sequencerFailure();
    failAll(batch, cause);
  }

  private void stop(String reason, List<Pending> batch, Exception cause) {
    LOG.log(Level.SEVERE, "sequencer stopped: " + reason, cause);
    metrics.sequencerFailure();
    synchronized (this) {
      if (stoppedReason == null) stoppedReason = reason;
      accepting = false;
    }
    failAll(batch, cause);
    failQueued(notAccepting());
  }

  private void failAll(List<Pending> batch, Throwable cause) {
    for (Pending p : batch) {
      inFlight.remove(p.submission.leafHash(), p);
      p.result.completeExceptionally(cause);
    }
  }

  private void failQueued(Exception cause) {
    List<Pending> rest = new ArrayList<>();
    queue.drainTo(rest);
    queued.addAndGet(-rest.size());
    failAll(rest, cause);
  }

  /**
   * Stops taking submissions, sequences what is already queued, and waits for the thread to end.
   */
  @Override
  public void close() throws InterruptedException {
    accepting = false;
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) t.join();
    else flushNow();
    signingPool.shutdown();
    deadlines.shutdownNow();
  }
}
