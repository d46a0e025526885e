package dev.stele.server.sequencer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.merkle.Rfc6962;
import dev.stele.server.log.TreeState;
import dev.stele.server.metrics.ServerMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The queue both write sides share, driven directly: the test plays the batcher, taking batches
 * and answering them as a sequencer would, with the real metrics registry behind it.
 */
class SubmissionQueueTest {
  private static final Duration LONG = Duration.ofHours(1);
  private static final TreeState STATE = new TreeState(100, Rfc6962.EMPTY_ROOT, 0, "checkpoint\n");

  private final ServerMetrics metrics = new ServerMetrics();
  private final List<SubmissionQueue> opened = new ArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void closeAll() {
    opened.forEach(SubmissionQueue::close);
    threads.shutdownNow();
  }

  private SubmissionQueue queue(String noun, int maxBatchSize, Duration maxBatchAge, int capacity, Duration deadline) {
    SubmissionQueue q = new SubmissionQueue(noun, "sequenced",
        new Sequencer.Config(maxBatchSize, maxBatchAge, capacity, deadline), metrics, "test-deadlines");
    opened.add(q);
    return q;
  }

  private static Sequencer.Submission entry(int i) {
    byte[] body = ("{\"queued\":" + i + "}").getBytes(StandardCharsets.UTF_8);
    return new Sequencer.Submission(Rfc6962.hashLeaf(body), body, List.of("k:" + i));
  }

  private static Sequencer.Submission bulk(int i) {
    Sequencer.Submission s = entry(i);
    return new Sequencer.Submission(s.leafHash(), s.body(), s.searchKeys(), true);
  }

  private double duplicatesCounted() {
    return metrics.registry().get("stele.entries.duplicates").counter().count();
  }

  /** The failure of {@code f}, which must fail within a few seconds. */
  private static Throwable failure(CompletableFuture<Sequenced> f) throws Exception {
    try {
      f.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("completed normally, expected a failure");
  }

  @Test
  void submit_pastCapacity_isPushedBack_inTheCallersWords() throws Exception {
    SubmissionQueue log = queue("log", 10, Duration.ZERO, 2, LONG);
    log.submit(entry(1));
    log.submit(entry(2));
    Throwable full = failure(log.submit(entry(3)));
    assertInstanceOf(LogOverloadedException.class, full);
    assertEquals("the log's queue is full (2 entries); retry shortly", full.getMessage());
    assertEquals(1, ((LogOverloadedException) full).retryAfterSeconds());
    assertEquals(2, log.depth(), "the refused entry is not queued");

    // A place freed by the batcher is a place for the next submission.
    assertEquals(2, log.drain().size());
    assertFalse(log.submit(entry(3)).isDone(), "queued once there is room");
    assertEquals(1, log.depth());

    SubmissionQueue frontend = queue("frontend", 10, Duration.ZERO, 1, LONG);
    frontend.submit(entry(1));
    assertEquals("the frontend's queue is full (1 entries); retry shortly", failure(frontend.submit(entry(2))).getMessage());
  }

  @Test
  void submit_twinWhileTheFirstIsInFlight_isADuplicateAtTheFirstsIndex_andCounted() throws Exception {
    SubmissionQueue q = queue("log", 10, Duration.ZERO, 10, LONG);
    CompletableFuture<Sequenced> first = q.submit(entry(1));
    CompletableFuture<Sequenced> twin = q.submit(entry(1));
    assertEquals(1, q.depth(), "the twin is not queued again");
    List<SubmissionQueue.Entry> batch = new ArrayList<>();
    assertTrue(q.takeBatch(batch));
    assertEquals(1, batch.size());
    CompletableFuture<Sequenced> lateTwin = q.submit(entry(1));
    assertEquals(0, q.depth(), "nor is a twin submitted while the first is in a batch");
    assertFalse(twin.isDone(), "the twin waits for the first's outcome");

    q.succeed(batch.get(0), new Sequenced(7, 1, new byte[0], STATE));
    assertEquals(7, first.get(5, TimeUnit.SECONDS).index());
    for (CompletableFuture<Sequenced> f : List.of(twin, lateTwin)) {
      DuplicateEntryException dup = assertInstanceOf(DuplicateEntryException.class, failure(f));
      assertEquals(7, dup.index());
      assertEquals(entry(1).leafHash(), dup.leafHash());
    }
    assertEquals(2.0, duplicatesCounted(), "both twins counted");
    assertTrue(metrics.scrape().contains("stele_entries_duplicates_total 2.0"), "and published");

    // Found already in the log by the batcher: a duplicate too, counted once.
    CompletableFuture<Sequenced> logged = q.submit(entry(2));
    SubmissionQueue.Entry e = q.drain().get(0);
    q.alreadyLogged(e, 3);
    assertEquals(3, assertInstanceOf(DuplicateEntryException.class, failure(logged)).index());
    assertEquals(3.0, duplicatesCounted());
    // Answered: the next copy is queued anew, not joined to the answered one.
    assertFalse(q.submit(entry(2)).isDone());
    assertEquals(1, q.depth());
  }

  @Test
  void deadline_ofAQueuedEntry_takesItOut() throws Exception {
    SubmissionQueue q = queue("log", 10, Duration.ZERO, 10, Duration.ofMillis(200));
    Throwable late = failure(q.submit(entry(1)));
    assertInstanceOf(LogOverloadedException.class, late);
    assertEquals("the entry waited 200 ms for the sequencer and was not appended; retry shortly", late.getMessage());
    assertEquals(0, q.depth());
    assertTrue(q.drain().isEmpty(), "nothing left for the batcher");
    // No longer in flight: a retry is queued, not joined to the expired one.
    assertFalse(q.submit(entry(1)).isDone());
    assertEquals(1, q.depth());
  }

  @Test
  void deadline_ofAnEntryInABatch_answersPushback_theBatchStillDecides() throws Exception {
    SubmissionQueue q = queue("log", 10, Duration.ZERO, 10, Duration.ofMillis(200));
    CompletableFuture<Sequenced> f = q.submit(entry(1));
    SubmissionQueue.Entry taken = q.drain().get(0);
    assertEquals("the entry was not sequenced within 200 ms; it may still be appended: a retry then gets 409"
        + " with its location", failure(f).getMessage());
    // Still in flight: a copy follows the batch's outcome.
    CompletableFuture<Sequenced> copy = q.submit(entry(1));
    q.succeed(taken, new Sequenced(4, 1, new byte[0], STATE));
    assertEquals(4, assertInstanceOf(DuplicateEntryException.class, failure(copy)).index());
  }

  @Test
  void bulk_hasNoDeadline() throws Exception {
    SubmissionQueue q = queue("log", 10, Duration.ZERO, 10, Duration.ofMillis(100));
    CompletableFuture<Sequenced> imported = q.submit(bulk(1));
    // Submitted after the bulk entry with the same deadline: its expiry runs after the bulk
    // entry's would have, on the one deadline thread.
    assertInstanceOf(LogOverloadedException.class, failure(q.submit(entry(2))));
    assertFalse(imported.isDone(), "no deadline for an imported entry");
    assertEquals(1, q.depth());
    List<SubmissionQueue.Entry> batch = q.drain();
    assertEquals(1, batch.size());
    q.succeed(batch.get(0), new Sequenced(0, 1, new byte[0], STATE));
    assertEquals(0, imported.get(5, TimeUnit.SECONDS).index());
  }

  /**
   * Submitters race with a stop; the batcher exits right after it, as the sequencer does. Every
   * future must complete: an entry added after the batcher's last drain is answered by submit.
   */
  @Test
  void submitRacingWithStop_neverLeavesAFutureUnanswered() throws Exception {
    AtomicInteger ids = new AtomicInteger();
    for (int round = 0; round < 60; round++) {
      SubmissionQueue q = queue("log", 50, Duration.ZERO, 1_000_000, LONG);
      ConcurrentLinkedQueue<CompletableFuture<Sequenced>> futures = new ConcurrentLinkedQueue<>();
      Future<?> batcher = threads.submit(() -> {
        List<SubmissionQueue.Entry> batch = new ArrayList<>();
        try {
          while (q.takeBatch(batch)) {
            for (SubmissionQueue.Entry e : batch) q.succeed(e, new Sequenced(1, 1, new byte[0], STATE));
            batch.clear();
            if (q.stoppedReason() != null) break;
          }
        } finally {
          q.failRemaining();
        }
        return null;
      });
      int submitters = 4;
      CountDownLatch started = new CountDownLatch(submitters);
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < submitters; t++) {
        running.add(threads.submit(() -> {
          started.countDown();
          while (true) {
            CompletableFuture<Sequenced> f = q.submit(entry(ids.incrementAndGet()));
            futures.add(f);
            if (f.isCompletedExceptionally() && q.stoppedReason() != null) return null;
          }
        }));
      }
      started.await();
      Thread.sleep(ThreadLocalRandom.current().nextInt(3));
      assertTrue(q.stop("halted by the test"));
      for (Future<?> r : running) r.get(10, TimeUnit.SECONDS);
      batcher.get(10, TimeUnit.SECONDS);
      int unanswered = 0;
      for (CompletableFuture<Sequenced> f : futures) {
        try {
          f.get(2, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          assertInstanceOf(LogOverloadedException.class, e.getCause());
        } catch (TimeoutException e) {
          unanswered++;
        }
      }
      assertEquals(0, unanswered, "round " + round + ": futures never answered of " + futures.size());
      assertEquals(0, q.depth(), "round " + round);
    }
  }

  @Test
  void takeBatch_takesAtMostMaxBatchSize() throws Exception {
    SubmissionQueue q = queue("log", 3, Duration.ZERO, 100, LONG);
    for (int i = 0; i < 7; i++) q.submit(entry(i));
    List<Integer> sizes = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      List<SubmissionQueue.Entry> batch = new ArrayList<>();
      assertTrue(q.takeBatch(batch));
      sizes.add(batch.size());
    }
    assertEquals(List.of(3, 3, 1), sizes);
    assertEquals(0, q.depth());

    for (int i = 10; i < 15; i++) q.submit(entry(i));
    assertEquals(3, q.drain().size());
    assertEquals(2, q.drain().size());
    assertTrue(q.drain().isEmpty());

    // Nothing queued and nothing more accepted: the batcher may exit.
    q.stopAccepting();
    assertFalse(q.takeBatch(new ArrayList<>()));
    assertEquals("the log is shutting down", failure(q.submit(entry(20))).getMessage());
  }

  @Test
  void takeBatch_waitsForCompanyUntilTheFirstEntryIsMaxBatchAgeOld() throws Exception {
    SubmissionQueue q = queue("log", 10, Duration.ofMillis(400), 100, LONG);
    long start = System.nanoTime();
    q.submit(entry(1));
    Future<List<SubmissionQueue.Entry>> taking = threads.submit(() -> {
      List<SubmissionQueue.Entry> batch = new ArrayList<>();
      q.takeBatch(batch);
      return batch;
    });
    Thread.sleep(100);
    q.submit(entry(2));
    List<SubmissionQueue.Entry> batch = taking.get(10, TimeUnit.SECONDS);
    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(2, batch.size(), "the second entry joined the first's batch");
    assertTrue(waited >= 400, "returned after " + waited + " ms, before the first entry was 400 ms old");
  }

  @Test
  void takeBatch_full_doesNotWaitForMaxBatchAge() throws Exception {
    SubmissionQueue q = queue("log", 2, LONG, 100, LONG);
    q.submit(entry(1));
    q.submit(entry(2));
    q.submit(entry(3));
    Future<List<SubmissionQueue.Entry>> taking = threads.submit(() -> {
      List<SubmissionQueue.Entry> batch = new ArrayList<>();
      q.takeBatch(batch);
      return batch;
    });
    assertEquals(2, taking.get(10, TimeUnit.SECONDS).size());
    assertEquals(1, q.depth());
  }
}
