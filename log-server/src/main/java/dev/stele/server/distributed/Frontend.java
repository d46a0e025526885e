package dev.stele.server.distributed;

import dev.stele.server.log.TreeState;
import dev.stele.server.metrics.ServerMetrics;
import dev.stele.server.sequencer.Appender;
import dev.stele.server.sequencer.LogOverloadedException;
import dev.stele.server.sequencer.Sequenced;
import dev.stele.server.sequencer.Sequencer;
import dev.stele.server.sequencer.SubmissionQueue;
import dev.stele.server.sign.LogSigner;
import dev.stele.server.storage.StorageException;
import dev.stele.server.storage.StoreUnavailableException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * One stateless frontend of the distributed driver: the write side the routes see ({@link
 * Appender}), and the home of this process's {@link Integrator}.
 *
 * <p>An entry goes through three steps, each in another place:
 *
 * <ol>
 *   <li><b>sequenced</b> here: this frontend's batcher takes batches from a {@link
 *       SubmissionQueue} (the embedded sequencer's, with its capacity, deadlines and in-flight
 *       dedup) and sequences each in one PostgreSQL transaction ({@link PgLogStore#sequence}):
 *       dedup, index, integrated time, SET, all durable on commit;
 *   <li><b>integrated</b> by whichever frontend holds the lease ({@link Integrator}): tiles,
 *       bundles and the checkpoint written to the object store, then the tree state committed;
 *   <li><b>answered</b> here: the watcher learns of the new tree state (PostgreSQL {@code
 *       NOTIFY}, or a poll every {@link #POLL}) and completes the submissions it covers, so the
 *       201 carries a proof against a signed checkpoint whose tiles are readable.
 * </ol>
 *
 * <p>Failures: a database or backlog failure while sequencing fails that batch with 503 (nothing
 * or the whole batch was sequenced; a retry of a sequenced entry is a 409). An entry sequenced
 * but not integrated within the integration timeout (the object store is down, say) is answered
 * 503; it stays in the log and is integrated once the store is back.
 */
public final class Frontend implements Appender, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Frontend.class.getName());
  /** How often the tree state is read when no notification arrives. */
  static final Duration POLL = Duration.ofMillis(100);

  private record Waiter(SubmissionQueue.Entry pending, PgLogStore.Placed placed, long sequencedNanos) {}

  private final PgLogStore store;
  private final LogSigner signer;
  private final Sequencer.Config config;
  private final LongSupplier clockMillis;
  private final ServerMetrics metrics;
  private final Integrator integrator;

  private final SubmissionQueue queue;
  private final ConcurrentSkipListMap<Long, List<Waiter>> waiting = new ConcurrentSkipListMap<>();
  private final AtomicInteger waiters = new AtomicInteger();

  /** What the readiness probe last found wrong with the stores (null: nothing), and when. */
  private record Health(String problem, long atNanos) {}

  /** How often the stores are probed for {@code /readyz}. */
  static final Duration PROBE_EVERY = Duration.ofSeconds(1);
  /** A probe result older than this means the probe itself hangs on a store: not ready. */
  static final Duration PROBE_STALE = Duration.ofSeconds(10);

  private final java.util.concurrent.ScheduledThreadPoolExecutor probes =
      new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "stele-pg-probe");
        t.setDaemon(true);
        return t;
      });
  private volatile Health health = new Health(null, System.nanoTime());

  private volatile TreeState head;
  private volatile boolean running = true;
  private final Thread batcher;
  private final Thread watcher;

  /**
   * @param head the verified tree state read at start
   */
  public Frontend(PgLogStore store, TreeState head, LogSigner signer, Sequencer.Config config,
      LongSupplier clockMillis, ServerMetrics metrics, String name) {
    this.store = store;
    this.head = head;
    this.signer = signer;
    this.config = config;
    this.clockMillis = clockMillis;
    this.metrics = metrics;
    this.integrator = new Integrator(store, signer, config.maxBatchSize(), store.config().leaseTtl(), name, this::advance);
    // Deadlines as the embedded sequencer's; an answer can be late here for want of integration.
    this.queue = new SubmissionQueue("frontend", "integrated", config, metrics, "stele-pg-deadlines");
    this.batcher = new Thread(this::runBatcher, "stele-pg-sequencer");
    this.watcher = new Thread(this::runWatcher, "stele-pg-watch");
  }

  /** Starts the batcher, the watcher, the integrator and the stores' readiness probe. */
  public void start() {
    batcher.start();
    watcher.start();
    integrator.start();
    probes.scheduleWithFixedDelay(this::probe, 0, PROBE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** This frontend's integrator (tests pause and inspect it). */
  public Integrator integrator() {
    return integrator;
  }

  @Override
  public TreeState head() {
    return head;
  }

  @Override
  public int queueDepth() {
    return queue.depth() + waiters.get();
  }

  @Override
  public String stoppedReason() {
    return queue.stoppedReason();
  }

  @Override
  public String unavailableReason() {
    Health h = health;
    long age = System.nanoTime() - h.atNanos();
    if (age > PROBE_STALE.toNanos()) {
      return "the storage probe has not finished for " + TimeUnit.NANOSECONDS.toSeconds(age)
          + " s: the database or the object store hangs";
    }
    return h.problem();
  }

  /**
   * Asks each store whether it answers (PostgreSQL {@code SELECT 1}, S3 {@code HEAD} of the
   * bucket) and keeps the answer for {@link #unavailableReason}; logs each change. Runs on its own
   * thread: a hung store delays only the next probe, which {@link #PROBE_STALE} then reports.
   */
  private void probe() {
    List<String> problems = new ArrayList<>(2);
    List<String> details = new ArrayList<>(2);
    try {
      store.probe();
    } catch (StorageException | RuntimeException e) {
      problems.add(e instanceof StoreUnavailableException ? "the database does not answer" : "the database fails");
      details.add(e.getMessage());
    }
    try {
      store.objects().probe();
    } catch (StorageException | RuntimeException e) {
      problems.add(e instanceof StoreUnavailableException ? "the object store does not answer" : "the object store fails");
      details.add(e.getMessage());
    }
    String problem = problems.isEmpty() ? null : String.join("; ", problems);
    String before = health.problem();
    health = new Health(problem, System.nanoTime());
    if (problem != null && !problem.equals(before)) {
      LOG.warning("not ready: " + String.join("; ", details));
    } else if (problem == null && before != null) {
      LOG.info("ready again: both stores answer");
    }
  }

  @Override
  public CompletableFuture<Sequenced> submit(Sequencer.Submission s) {
    return queue.submit(s);
  }

  @Override
  public void halt(String reason) {
    if (!queue.stop(reason)) return;
    LOG.log(Level.SEVERE, "frontend halted: " + reason);
    metrics.sequencerFailure();
  }

  // ---- sequencing ------------------------------------------------------------------------------

  private void runBatcher() {
    List<SubmissionQueue.Entry> batch = new ArrayList<>(config.maxBatchSize());
    try {
      while (queue.takeBatch(batch)) {
        sequence(batch);
        batch.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      queue.failRemaining();
    }
  }

  private void sequence(List<SubmissionQueue.Entry> batch) {
    long start = System.nanoTime();
    List<PgLogStore.ToSequence> items = new ArrayList<>(batch.size());
    for (SubmissionQueue.Entry p : batch) {
      items.add(new PgLogStore.ToSequence(p.submission().leafHash(), p.submission().body(), p.submission().searchKeys()));
    }
    List<PgLogStore.Placed> placed;
    try {
      placed = store.sequence(items, clockMillis.getAsLong() / 1000, config.queueCapacity(), signer::signEntryTimestamp);
    } catch (PgLogStore.BacklogException e) {
      queue.fail(batch, new LogOverloadedException(e.getMessage(), 5));
      return;
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "sequencing a batch of " + batch.size() + " failed", e);
      metrics.sequencerFailure();
      // The database is down or the transaction failed: nothing, or (if only the answer to the
      // commit was lost) the whole batch, was sequenced. Either way a retry is safe.
      queue.fail(batch, new LogOverloadedException(e instanceof StoreUnavailableException
          ? "the log's database is unavailable for the moment; retry shortly"
          : "sequencing failed (" + e.getMessage() + "); retry shortly", 5));
      return;
    }
    long now = System.nanoTime();
    int fresh = 0;
    for (int i = 0; i < batch.size(); i++) {
      SubmissionQueue.Entry p = batch.get(i);
      PgLogStore.Placed at = placed.get(i);
      if (at.duplicate()) {
        queue.alreadyLogged(p, at.index());
      } else {
        fresh++;
        waiters.incrementAndGet();
        // One atomic replace of an immutable list: a waiter added to a list that complete() has
        // just taken out of the map would never be answered.
        waiting.merge(at.index(), List.of(new Waiter(p, at, now)), Frontend::concat);
      }
    }
    if (fresh > 0) {
      metrics.batchCommitted(fresh, now - start, now - start);
      integrator.wake();
    }
    complete(head);
  }

  // ---- answering -------------------------------------------------------------------------------

  /** Adopts a newer tree state (from the integrator in this process, or from the database). */
  void advance(TreeState state) {
    synchronized (this) {
      if (state.size() <= head.size()) return;
      head = state;
    }
    store.knownSize(state.size());
    complete(state);
  }

  /** Answers every waiter whose entry the state covers, with that state's checkpoint. */
  private void complete(TreeState state) {
    while (true) {
      Map.Entry<Long, List<Waiter>> e = waiting.firstEntry();
      if (e == null || e.getKey() >= state.size()) break;
      if (!waiting.remove(e.getKey(), e.getValue())) continue;
      for (Waiter w : e.getValue()) {
        waiters.decrementAndGet();
        queue.succeed(w.pending(), new Sequenced(w.placed().index(), w.placed().integratedTime(), w.placed().set(), state));
      }
    }
  }

  private static List<Waiter> concat(List<Waiter> a, List<Waiter> b) {
    List<Waiter> out = new ArrayList<>(a.size() + b.size());
    out.addAll(a);
    out.addAll(b);
    return List.copyOf(out);
  }

  /** Answers 503 to waiters sequenced longer ago than the integration timeout. */
  private void expire() {
    long limit = System.nanoTime() - store.config().integrationTimeout().toNanos();
    for (Map.Entry<Long, List<Waiter>> e : waiting.entrySet()) {
      List<Waiter> all = e.getValue();
      List<Waiter> late = all.stream().filter(w -> w.sequencedNanos() < limit).toList();
      if (late.isEmpty()) continue;
      List<Waiter> keep = all.stream().filter(w -> w.sequencedNanos() >= limit).toList();
      // Only the thread whose replace succeeds answers them; otherwise the next poll looks again.
      boolean taken = keep.isEmpty() ? waiting.remove(e.getKey(), all) : waiting.replace(e.getKey(), all, keep);
      if (!taken) continue;
      for (Waiter w : late) {
        waiters.decrementAndGet();
        queue.fail(w.pending(), new LogOverloadedException("entry " + w.placed().index()
            + " is in the log but not yet integrated (the integrator is behind, or cannot reach the"
            + " object store); a retry will answer 409 with its location once it is", 5));
      }
    }
  }

  /**
   * Listens for the integrator's commits ({@code NOTIFY stele_tree}) and for sequenced entries
   * ({@code NOTIFY stele_sequenced}, which wake this process's integrator), and reads the tree
   * state at least every {@link #POLL} in case a notification is lost with a connection.
   */
  private void runWatcher() {
    Connection listen = null;
    long backoff = 100;
    while (running) {
      try {
        if (listen == null) {
          listen = listenConnection();
          backoff = 100;
        }
        PGNotification[] got = listen.unwrap(PGConnection.class).getNotifications((int) POLL.toMillis());
        if (got != null) {
          for (PGNotification n : got) {
            if ("stele_sequenced".equals(n.getName())) integrator.wake();
          }
        }
      } catch (SQLException e) {
        closeQuietly(listen);
        listen = null;
        sleep(backoff);
        backoff = Math.min(backoff * 2, 2000);
      }
      try {
        store.treeState().ifPresent(this::advance);
      } catch (StorageException e) {
        // The database is down; waiters time out as they would without it.
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "reading the tree state failed", e);
      }
      expire();
    }
    closeQuietly(listen);
  }

  private Connection listenConnection() throws SQLException {
    Properties props = new Properties();
    DistributedStorage cfg = store.config();
    if (cfg.dbUser() != null) props.setProperty("user", cfg.dbUser());
    if (cfg.dbPassword() != null) props.setProperty("password", cfg.dbPassword());
    props.setProperty("connectTimeout", "5");
    props.setProperty("tcpKeepAlive", "true");
    Connection c = DriverManager.getConnection(cfg.dbUrl(), props);
    try (Statement s = c.createStatement()) {
      s.execute("LISTEN stele_tree");
      s.execute("LISTEN stele_sequenced");
    } catch (SQLException e) {
      closeQuietly(c);
      throw e;
    }
    return c;
  }

  private static void closeQuietly(Connection c) {
    if (c == null) return;
    try {
      c.close();
    } catch (SQLException ignored) {
      // Closing a broken connection: nothing to do.
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops taking submissions, sequences what is queued, waits a while for those entries to be
   * integrated and answered, then stops the integrator (giving up its lease) and the watcher.
   */
  @Override
  public void close() throws InterruptedException {
    queue.stopAccepting();
    batcher.join();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (waiters.get() > 0 && System.nanoTime() < deadline) Thread.sleep(10);
    integrator.close();
    running = false;
    watcher.join();
    for (List<Waiter> ws : waiting.values()) {
      for (Waiter w : ws) {
        queue.fail(w.pending(), new LogOverloadedException("the frontend stopped before entry "
            + w.placed().index() + " was integrated; it stays in the log", 30));
      }
    }
    waiting.clear();
    queue.close();
    probes.shutdownNow();
  }
}
