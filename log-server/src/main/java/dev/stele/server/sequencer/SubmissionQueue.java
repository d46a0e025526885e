package dev.stele.server.sequencer;

import dev.stele.merkle.Hash;
import dev.stele.server.metrics.ServerMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The submissions waiting for a write side's batcher, for both drivers (the embedded {@link
 * Sequencer} and the distributed driver's frontend): pushback when full, one entry per leaf hash
 * in flight (later copies wait for the first and are duplicates of it), a deadline per
 * submission, batches of at most {@code maxBatchSize} gathered for at most {@code maxBatchAge},
 * and the stop state every later submission is refused with.
 *
 * <p>An entry is in flight from {@link #submit} until its batcher answers it ({@link #succeed},
 * {@link #fail}, {@link #alreadyLogged}); while it is, a submission of the same leaf hash follows
 * its outcome instead of being queued again.
 */
public final class SubmissionQueue implements AutoCloseable {
  /** A queued submission and the future its batch completes. */
  public static final class Entry {
    final Sequencer.Submission submission;
    final long enqueuedNanos;
    final CompletableFuture<Sequenced> result = new CompletableFuture<>();

    private Entry(Sequencer.Submission submission, long enqueuedNanos) {
      this.submission = submission;
      this.enqueuedNanos = enqueuedNanos;
    }

    public Sequencer.Submission submission() {
      return submission;
    }
  }

  private final String noun;
  private final String lastStep;
  private final Sequencer.Config config;
  private final ServerMetrics metrics;

  private final LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
  /** Entries in {@link #queue}, counted apart because {@code size()} cannot reserve a place. */
  private final AtomicInteger queued = new AtomicInteger();
  private final ConcurrentHashMap<Hash, Entry> inFlight = new ConcurrentHashMap<>();
  /** Fails the answers of submissions that reach their deadline; cancelled when they complete. */
  private final ScheduledThreadPoolExecutor deadlines;

  private volatile boolean accepting = true;
  private volatile String stoppedReason;

  /**
   * @param noun what the messages call the write side ("log", "frontend")
   * @param lastStep the step a late answer says did not happen in time ("sequenced", "integrated")
   * @param timerThread the name of the thread that runs the deadlines
   */
  public SubmissionQueue(String noun, String lastStep, Sequencer.Config config, ServerMetrics metrics,
      String timerThread) {
    this.noun = noun;
    this.lastStep = lastStep;
    this.config = config;
    this.metrics = metrics;
    this.deadlines = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, timerThread);
      t.setDaemon(true);
      return t;
    });
    deadlines.setRemoveOnCancelPolicy(true);
  }

  /**
   * Queues a verified entry. The future completes with what the batcher answers ({@link
   * #succeed}, {@link #fail}); or fails with {@link DuplicateEntryException} once an identical
   * entry in flight is answered with its place, or with {@link LogOverloadedException} when the
   * queue is full, stopped, or the entry's deadline passes first. Never blocks.
   */
  public CompletableFuture<Sequenced> submit(Sequencer.Submission s) {
    if (!accepting) return CompletableFuture.failedFuture(refusal());
    Entry existing = inFlight.get(s.leafHash());
    if (existing != null) return joinDuplicate(existing);
    if (queued.incrementAndGet() > config.queueCapacity()) {
      queued.decrementAndGet();
      return CompletableFuture.failedFuture(new LogOverloadedException(
          "the " + noun + "'s queue is full (" + config.queueCapacity() + " entries); retry shortly", 1));
    }
    Entry p = new Entry(s, System.nanoTime());
    existing = inFlight.putIfAbsent(s.leafHash(), p);
    if (existing != null) {
      queued.decrementAndGet();
      return joinDuplicate(existing);
    }
    queue.add(p);
    if (!accepting && queue.remove(p)) {
      // Stopped between the check above and the add, and the batcher never saw it: it may have
      // drained the queue and exited already, so nobody else would answer this entry.
      queued.decrementAndGet();
      fail(p, refusal());
      return p.result;
    }
    if (s.bulk()) return p.result;
    // The caller's answer follows the entry's outcome, or gives up at the deadline; copies of the
    // entry submitted meanwhile follow the outcome itself (joinDuplicate), whatever the deadline.
    CompletableFuture<Sequenced> answer = new CompletableFuture<>();
    p.result.whenComplete((r, t) -> {
      if (t == null) answer.complete(r);
      else answer.completeExceptionally(t);
    });
    ScheduledFuture<?> timer;
    try {
      timer = deadlines.schedule(() -> expire(p, answer), config.submitDeadline().toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // Closed (after stopAccepting) since the check above: the entry was queued before the stop,
      // so the batcher answers it; only the deadline is lost.
      return p.result;
    }
    answer.whenComplete((r, t) -> timer.cancel(false));
    return answer;
  }

  /**
   * The submission's deadline has passed: if it is still queued it is taken out (nothing of it is
   * written); if a batch already holds it, that batch decides whether it is in the log.
   */
  private void expire(Entry p, CompletableFuture<Sequenced> answer) {
    long ms = config.submitDeadline().toMillis();
    if (queue.remove(p)) {
      queued.decrementAndGet();
      fail(p, new LogOverloadedException("the entry waited " + ms
          + " ms for the sequencer and was not appended; retry shortly", 1));
    } else {
      answer.completeExceptionally(new LogOverloadedException("the entry was not " + lastStep + " within "
          + ms + " ms; it may still be appended: a retry then gets 409 with its location", 1));
    }
  }

  /** A second copy of an in-flight entry: once the first is in the log, this one is a duplicate. */
  private CompletableFuture<Sequenced> joinDuplicate(Entry original) {
    return original.result.thenCompose(r -> {
      metrics.duplicate();
      return CompletableFuture.failedFuture(new DuplicateEntryException(original.submission.leafHash(), r.index()));
    });
  }

  /**
   * Adds the next batch to {@code batch}: blocks until an entry is queued, then waits for more
   * until {@code maxBatchSize} entries are taken or the first has waited {@code maxBatchAge} since
   * it was submitted. Entries taken are in {@code batch} even if this throws.
   *
   * @return false, with nothing taken, once nothing is queued and no more is accepted: the batcher
   *     may exit ({@link #failRemaining} answers whatever is queued when it does)
   */
  public boolean takeBatch(List<Entry> batch) throws InterruptedException {
    int before = batch.size();
    int max = before + config.maxBatchSize();
    try {
      Entry first;
      do {
        first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null && !accepting) return false;
      } while (first == null);
      batch.add(first);
      queue.drainTo(batch, max - batch.size());
      long deadline = first.enqueuedNanos + config.maxBatchAge().toNanos();
      long wait;
      while (batch.size() < max && (wait = deadline - System.nanoTime()) > 0) {
        Entry next = queue.poll(wait, TimeUnit.NANOSECONDS);
        if (next == null) break;
        batch.add(next);
        queue.drainTo(batch, max - batch.size());
      }
      return true;
    } finally {
      queued.addAndGet(before - batch.size());
    }
  }

  /** Takes what is queued right now, up to {@code maxBatchSize} entries, without waiting. */
  List<Entry> drain() {
    List<Entry> batch = new ArrayList<>();
    queue.drainTo(batch, config.maxBatchSize());
    queued.addAndGet(-batch.size());
    return batch;
  }

  /** Answers an entry with its place in the log; a copy submitted meanwhile is a duplicate of it. */
  public void succeed(Entry p, Sequenced sequenced) {
    inFlight.remove(p.submission.leafHash(), p);
    p.result.complete(sequenced);
  }

  /** Answers an entry found already in the log at {@code index}: a duplicate, counted. */
  public void alreadyLogged(Entry p, long index) {
    metrics.duplicate();
    fail(p, new DuplicateEntryException(p.submission.leafHash(), index));
  }

  /** Fails one entry taken from the queue; a copy submitted after this is queued anew. */
  public void fail(Entry p, Throwable cause) {
    inFlight.remove(p.submission.leafHash(), p);
    p.result.completeExceptionally(cause);
  }

  /** Fails every entry of a batch taken from the queue. */
  public void fail(List<Entry> batch, Throwable cause) {
    for (Entry p : batch) fail(p, cause);
  }

  /** Fails every entry still queued (none of it was taken, so none of it is written). */
  void failQueued(Throwable cause) {
    List<Entry> rest = new ArrayList<>();
    queue.drainTo(rest);
    queued.addAndGet(-rest.size());
    fail(rest, cause);
  }

  /** Fails what is still queued once the batcher has exited. */
  public void failRemaining() {
    failQueued(new LogOverloadedException("the " + noun + " stopped before this entry was sequenced", 30));
  }

  /**
   * Refuses every later submission, for a failure: {@code reason} is what they are told (the
   * first reason given is kept), and {@link #stoppedReason} reports it. What is queued stays
   * queued ({@link #failQueued}). Safe to call from any thread.
   *
   * @return whether this call stopped the queue (no reason was given before)
   */
  public synchronized boolean stop(String reason) {
    accepting = false;
    if (stoppedReason != null) return false;
    stoppedReason = reason;
    return true;
  }

  /** Refuses every later submission because the write side is shutting down, not failing. */
  public void stopAccepting() {
    accepting = false;
  }

  /** Why the queue was stopped ({@link #stop}), or null. */
  public String stoppedReason() {
    return stoppedReason;
  }

  /** Pushback for an entry the stopped write side will not take. */
  LogOverloadedException notAccepting() {
    return new LogOverloadedException("the log is not accepting entries: " + stoppedReason, 30);
  }

  private LogOverloadedException refusal() {
    return stoppedReason != null ? notAccepting()
        : new LogOverloadedException("the " + noun + " is shutting down", 30);
  }

  /** Entries queued and not yet taken by the batcher. */
  public int depth() {
    return queued.get();
  }

  /** Ends the deadline thread; pending deadlines no longer fire. */
  @Override
  public void close() {
    deadlines.shutdownNow();
  }
}
