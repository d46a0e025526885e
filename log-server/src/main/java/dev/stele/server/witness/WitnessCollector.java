package dev.stele.server.witness;

import dev.stele.client.http.HttpException;
import dev.stele.client.http.HttpTransport;
import dev.stele.client.protocol.AddCheckpoint;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.NoteSignature;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.protocol.WitnessPolicy;
import dev.stele.client.verify.Checkpoints;
import dev.stele.client.verify.VerificationException;
import dev.stele.client.witness.WitnessClient;
import dev.stele.merkle.Hash;
import dev.stele.merkle.tiles.TileProofBuilder;
import dev.stele.server.log.TreeState;
import dev.stele.server.metrics.ServerMetrics;
import dev.stele.server.read.PublishedHead;
import dev.stele.server.log.UnwitnessedException;
import dev.stele.server.sequencer.Sequencer;
import dev.stele.server.sign.LogSigner;
import dev.stele.server.storage.RocksLogStore;
import java.io.IOException;
import java.security.SignatureException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Collects the witnesses' cosignatures on the log's checkpoints (c2sp.org/tlog-witness), keeps
 * the newest checkpoint that reached the policy's quorum durably, and decides which checkpoint the
 * read side publishes (ARCHITECTURE.md decision 11: witnesses come after durability, before
 * trust). A checkpoint is durable and signed by the log first; cosignatures are asked for after.
 *
 * <p><b>Rounds.</b> One round asks every witness of the policy to cosign one checkpoint: the newest
 * durable head when the round starts. A new round starts when the previous one has reached the
 * quorum or ended (every witness answered, or the timeout passed), so that however fast the log
 * appends, each witness sees about one request per round trip and the cosigned checkpoint trails
 * the newest by about one round; an append's answer under a fail-closed policy waits for at most
 * the rest of the current round and one more. After a round that missed the quorum the next waits
 * {@value #RETRY_MILLIS} ms, so that witnesses that are down are not hammered.
 *
 * <p><b>One witness.</b> Each witness has a thread of its own and one pending round at most (a newer
 * round replaces one it has not started), so a slow witness delays only itself. The request's
 * {@code old} size is the size the witness last cosigned, as far as the log knows (0 at first); a
 * 409 answer tells the witness's size, and the request is sent again from there with the proof
 * from that size, built from the stored tiles. Cosignature lines are verified under the witness's
 * key before they are kept.
 *
 * <p><b>Publishing.</b> As soon as a round's cosignatures satisfy the quorum, the checkpoint with
 * the log's lines and every cosignature so far is stored (a synced write of its own, {@link
 * RocksLogStore#putCosignedState}) and published; cosignatures that arrive later in the round are
 * added and stored again. Fail-open: while the witnesses answer (the last round that ended reached
 * the quorum), {@code /checkpoint} and the log info serve the newest cosigned checkpoint, which
 * trails the newest head by about one round however fast the log appends; once a round ends
 * without the quorum they serve the newest durable head with the log's signatures only, until a
 * round reaches it again. (Serving the head whenever it is newer than the cosigned checkpoint would
 * publish no cosignature at all while appends keep coming.) An entry is proven against the newest
 * cosigned checkpoint when that covers it, and against the newest head otherwise; appends are
 * answered at once, with their batch's own checkpoint.
 * Fail-closed: reads serve the newest cosigned checkpoint only (a log new to witnessing serves its
 * newest head until the first one), and an append's answer waits for one that covers it ({@link
 * #atLeast}).
 *
 * <p>Nothing here runs on an event loop: {@link #current}, {@link #readsBeyond} and {@link
 * #atLeast} only read volatile fields and queue a waiter.
 */
public final class WitnessCollector implements PublishedHead, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(WitnessCollector.class.getName());
  /** The pause after a round that missed the quorum. */
  static final long RETRY_MILLIS = 1000;
  /**
   * While rounds keep missing the quorum (a round a second with witnesses down), the warning is
   * repeated at most this often, with the count: the reason rarely changes, and a log line a
   * second would bury everything else in the server's log.
   */
  static final long WARN_EVERY_MILLIS = 60_000;
  /** 409 answers in a row before a witness's exchange counts as failed. */
  private static final int MAX_CONFLICTS = 3;

  private final WitnessPolicy policy;
  private final boolean failClosed;
  private final Duration timeout;
  private final Sequencer sequencer;
  private final RocksLogStore store;
  private final ServerMetrics metrics;
  private final List<Channel> channels = new ArrayList<>();
  private final Thread thread;
  private final Object lock = new Object();

  /** The newest checkpoint that reached the quorum, as stored; null if none yet. */
  private volatile TreeState cosigned;
  /** Why the last round missed its quorum, for a fail-closed answer that times out. */
  private volatile String lastProblem = "no round has ended yet";
  private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();

  /** How many cosignatures the published checkpoint carries. */
  private volatile int cosignedLines;
  /**
   * Fail-open: whether the witnesses answer, that is, the last round that ended reached the quorum
   * (false until one has since this start: a cosigned checkpoint stored long ago is served only
   * while it is the newest head).
   */
  private volatile boolean witnessed;

  // Guarded by lock.
  private Round current;
  /** The largest size a round has reached the quorum for (published, or being stored). */
  private long covered;
  private long notBefore;
  /** Rounds in a row without the quorum, and when the last warning about them was logged. Under the lock. */
  private long missedRounds;
  private long lastWarning;
  private boolean closed;

  private record Waiter(long size, CompletableFuture<TreeState> result) {}

  /** One round: a checkpoint, and what each witness answered. */
  private final class Round {
    final TreeState head;
    final SignedNote note;
    final long deadline;
    final Map<String, NoteSignature> lines = new LinkedHashMap<>();
    final Map<String, String> errors = new LinkedHashMap<>();
    int publishedLines;

    Round(TreeState head, SignedNote note) {
      this.head = head;
      this.note = note;
      this.deadline = System.nanoTime() + timeout.toNanos();
    }

    boolean quorum() {
      return policy.satisfiedBy(lines.keySet());
    }

    boolean ended() {
      return lines.size() + errors.size() == channels.size() || System.nanoTime() - deadline >= 0;
    }
  }

  private WitnessCollector(WitnessPolicy policy, boolean failClosed, Duration timeout, Sequencer sequencer,
      RocksLogStore store, ServerMetrics metrics, TreeState cosigned) {
    this.policy = policy;
    this.failClosed = failClosed;
    this.timeout = timeout;
    this.sequencer = sequencer;
    this.store = store;
    this.metrics = metrics;
    this.cosigned = cosigned;
    this.covered = cosigned == null ? -1 : cosigned.size();
    HttpTransport http = HttpTransport.builder()
        .connectTimeout(timeout.compareTo(Duration.ofSeconds(5)) < 0 ? timeout : Duration.ofSeconds(5))
        .timeout(timeout)
        .bodyTimeout(timeout)
        .maxAttempts(2)
        .backoff(Duration.ofMillis(100), Duration.ofSeconds(1))
        .maxRetryAfter(Duration.ZERO)
        .userAgent("stele-log")
        .build();
    for (WitnessPolicy.Witness w : policy.witnesses()) {
      channels.add(new Channel(w, new WitnessClient(w.url().orElseThrow(), w.name(), http)));
    }
    this.thread = new Thread(this::run, "stele-witness-collector");
    this.thread.setDaemon(true);
  }

  /**
   * Loads the stored cosigned checkpoint (checked: the log's signature and origin, and a size
   * the stored tree has), and starts collecting for every head the sequencer commits from now on.
   *
   * @throws IOException if the stored cosigned checkpoint is not this log's
   */
  public static WitnessCollector start(WitnessPolicy policy, boolean failClosed, Duration timeout, Sequencer sequencer,
      RocksLogStore store, LogSigner signer, ServerMetrics metrics) throws IOException {
    Optional<TreeState> stored = store.cosignedState();
    if (stored.isPresent()) {
      TreeState c = stored.get();
      try {
        Checkpoint cp = Checkpoints.verify(SignedNote.parse(c.checkpoint()), signer.noteVerifier(), signer.origin());
        if (cp.size() != c.size() || !cp.root().equals(c.root()) || c.size() > sequencer.head().size()) {
          throw new IOException("the stored cosigned checkpoint (size " + cp.size() + ") does not fit the tree of size "
              + sequencer.head().size());
        }
        if (c.size() > 0 && !TileProofBuilder.root(store, c.size()).equals(c.root())) {
          throw new IOException("the stored cosigned checkpoint's root is not the stored tree's at size " + c.size());
        }
      } catch (FormatException | VerificationException e) {
        throw new IOException("the stored cosigned checkpoint is not this log's: " + e.getMessage(), e);
      }
    }
    WitnessCollector w = new WitnessCollector(policy, failClosed, timeout, sequencer, store, metrics,
        stored.orElse(null));
    List<String> names = new ArrayList<>();
    policy.witnesses().forEach(x -> names.add(x.name()));
    metrics.bindWitnesses(names, () -> {
      TreeState c = w.cosigned;
      return c == null ? 0 : c.size();
    }, () -> {
      TreeState c = w.cosigned;
      return sequencer.head().size() - (c == null ? 0 : c.size());
    });
    sequencer.onCommit(h -> w.wake());
    w.thread.start();
    LOG.info("asking " + names + " to cosign checkpoints (quorum " + policy.describeQuorum() + ", "
        + (failClosed ? "fail-closed" : "fail-open") + ", timeout " + timeout.toMillis() + " ms)");
    return w;
  }

  // ---- PublishedHead ----

  @Override
  public TreeState current() {
    TreeState head = sequencer.head();
    TreeState c = cosigned;
    if (failClosed) {
      return c != null ? c : head;
    }
    return c != null && (witnessed || c.size() == head.size()) ? c : head;
  }

  /** Fail-open too: an entry a cosigned checkpoint covers is proven against that checkpoint. */
  @Override
  public TreeState forEntry(long index) {
    TreeState c = cosigned;
    return c != null && index < c.size() ? c : failClosed ? current() : sequencer.head();
  }

  @Override
  public String whyNotPublished() {
    return "quorum " + policy.describeQuorum() + "; last round: " + lastProblem;
  }

  @Override
  public boolean readsBeyond() {
    return !failClosed;
  }

  @Override
  public CompletableFuture<TreeState> atLeast(TreeState committed) {
    if (!failClosed) {
      return CompletableFuture.completedFuture(committed);
    }
    TreeState c = cosigned;
    if (c != null && c.size() >= committed.size()) {
      return CompletableFuture.completedFuture(c);
    }
    Waiter w = new Waiter(committed.size(), new CompletableFuture<>());
    waiters.add(w);
    c = cosigned; // published while the waiter was being added?
    if (c != null && c.size() >= committed.size() && waiters.remove(w)) {
      w.result().complete(c);
    }
    return w.result().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((head, e) -> {
      if (e == null) {
        return CompletableFuture.completedFuture(head);
      }
      waiters.remove(w);
      Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof TimeoutException) {
        return CompletableFuture.<TreeState>failedFuture(new UnwitnessedException("the entry is in the log (tree"
            + " size " + committed.size() + "), but no checkpoint covering it reached the witness quorum ("
            + policy.describeQuorum() + ") within " + timeout.toMillis() + " ms: " + lastProblem
            + "; retry to get it with a witnessed proof", 2));
      }
      return CompletableFuture.<TreeState>failedFuture(cause);
    }).thenCompose(f -> f);
  }

  // ---- rounds ----

  private void wake() {
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  private void run() {
    synchronized (lock) {
      while (!closed) {
        long now = System.nanoTime();
        if (current != null && (current.quorum() || current.ended())) {
          if (current.ended()) {
            end(current);
          }
          if (current.quorum() && missedRounds > 0) {
            LOG.info("the checkpoint of size " + current.head.size() + " reached the witness quorum again, after "
                + missedRounds + " rounds without it");
            missedRounds = 0;
          }
          current = null;
        }
        long waitMillis = 1000;
        if (current == null) {
          TreeState head = sequencer.head();
          boolean needed = head.size() > covered;
          if (needed && now - notBefore >= 0) {
            start(head);
          } else if (needed) {
            waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(notBefore - now));
          }
        }
        if (current != null) {
          waitMillis = Math.max(1, Math.min(waitMillis, TimeUnit.NANOSECONDS.toMillis(current.deadline - now) + 1));
        }
        try {
          lock.wait(waitMillis);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** Starts a round for {@code head}. Under the lock. */
  private void start(TreeState head) {
    SignedNote note;
    try {
      note = SignedNote.parse(head.checkpoint());
    } catch (FormatException e) {
      throw new IllegalStateException("the log's own checkpoint does not parse", e);
    }
    current = new Round(head, note);
    for (Channel ch : channels) {
      ch.offer(current);
    }
  }

  /** A round ended (all answered, or the timeout passed). Under the lock. */
  private void end(Round r) {
    if (!r.quorum()) {
      witnessed = false;
      List<String> why = new ArrayList<>();
      r.errors.forEach((w, e) -> why.add(w + ": " + e));
      for (Channel ch : channels) {
        if (!r.lines.containsKey(ch.witness.name()) && !r.errors.containsKey(ch.witness.name())) {
          why.add(ch.witness.name() + ": no answer within " + timeout.toMillis() + " ms");
        }
      }
      lastProblem = "cosigned by " + r.lines.keySet() + "; " + String.join("; ", why);
      metrics.quorumMissing();
      notBefore = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
      missedRounds++;
      long now = System.nanoTime();
      if (missedRounds == 1 || now - lastWarning >= TimeUnit.MILLISECONDS.toNanos(WARN_EVERY_MILLIS)) {
        lastWarning = now;
        LOG.warning("the checkpoint of size " + r.head.size() + " missed the witness quorum ("
            + policy.describeQuorum() + ")" + (missedRounds > 1 ? ", " + missedRounds + " rounds in a row" : "")
            + ": " + lastProblem + (failClosed ? "; appends wait for a witnessed checkpoint"
                : "; serving it with the log's signatures only (fail-open)"));
      }
    }
  }

  /** A witness answered for round {@code r}: keep its line, publish when the quorum is reached. */
  private void answered(Round r, String witness, NoteSignature line, String error) {
    TreeState publish = null;
    int count = 0;
    synchronized (lock) {
      if (line != null) {
        r.lines.put(witness, line);
      } else {
        r.errors.put(witness, error);
      }
      if (line != null && r.quorum() && r.head.size() >= covered && r.lines.size() > r.publishedLines) {
        List<NoteSignature> sigs = new ArrayList<>(r.note.signatures());
        sigs.addAll(r.lines.values());
        r.publishedLines = r.lines.size();
        count = r.publishedLines;
        covered = r.head.size();
        publish = new TreeState(r.head.size(), r.head.root(), r.head.lastIntegratedTime(),
            new SignedNote(r.note.text(), sigs).format());
      }
      lock.notifyAll();
    }
    if (publish != null) {
      publish(publish, count);
    }
  }

  /**
   * Stores and publishes a checkpoint that reached the quorum. Called on witness threads; the
   * synced write is done outside the lock, and a store that fails keeps the last one published.
   */
  private synchronized void publish(TreeState state, int lines) {
    TreeState c = cosigned;
    if (c != null && (state.size() < c.size() || state.size() == c.size() && lines <= cosignedLines)) {
      return; // a newer one, or this one with as many cosignatures, is out already
    }
    try {
      store.putCosignedState(state);
    } catch (IOException e) {
      LOG.log(Level.SEVERE, "cannot store the cosigned checkpoint of size " + state.size() + "; not publishing it", e);
      return;
    }
    cosigned = state;
    cosignedLines = lines;
    witnessed = true;
    lastProblem = "none: the checkpoint of size " + state.size() + " reached it";
    for (Waiter w : waiters) {
      if (w.size() <= state.size() && waiters.remove(w)) {
        w.result().complete(state);
      }
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    for (Channel ch : channels) {
      ch.close();
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- one witness ----

  /** One witness: its own thread, one pending round at most, the size it last cosigned. */
  private final class Channel {
    final WitnessPolicy.Witness witness;
    final WitnessClient client;
    final ExecutorService worker;
    final AtomicReference<Round> pending = new AtomicReference<>();
    /** The size the witness last cosigned, as far as the log knows; -1 unknown. Worker thread only. */
    long known = -1;

    Channel(WitnessPolicy.Witness witness, WitnessClient client) {
      this.witness = witness;
      this.client = client;
      this.worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "stele-witness-" + witness.name());
        t.setDaemon(true);
        return t;
      });
    }

    /** Asks for {@code r} next; a round not started yet is dropped (the witness skips it). */
    void offer(Round r) {
      Round skipped = pending.getAndSet(r);
      if (skipped == null) {
        worker.execute(this::next);
      } else {
        answered(skipped, witness.name(), null, "skipped for a newer checkpoint");
      }
    }

    private void next() {
      Round r = pending.getAndSet(null);
      if (r == null) {
        return;
      }
      long start = System.nanoTime();
      String outcome;
      NoteSignature line = null;
      String error = null;
      try {
        line = ask(r);
        outcome = "cosigned";
      } catch (Refused e) {
        outcome = "refused";
        error = e.getMessage();
        metrics.witnessError(witness.name(), e.reason);
      } catch (RuntimeException e) {
        outcome = "failed";
        error = e.toString();
        metrics.witnessError(witness.name(), "internal");
        LOG.log(Level.WARNING, "asking witness " + witness.name() + " failed", e);
      }
      metrics.witnessRequest(witness.name(), outcome, System.nanoTime() - start);
      if (error != null) {
        LOG.fine("witness " + witness.name() + ": " + error);
      }
      answered(r, witness.name(), line, error);
    }

    /** The witness's verified cosignature on {@code r}'s checkpoint. */
    private NoteSignature ask(Round r) throws Refused {
      long size = r.head.size();
      long old = Math.max(0, known);
      for (int conflicts = 0; ; ) {
        if (old > size) {
          throw new Refused("ahead", "it has cosigned size " + old + " of this log, larger than " + size
              + ": the log went back, or the witness was fed a checkpoint this log did not publish");
        }
        List<Hash> proof;
        try {
          proof = old == 0 || old == size ? List.of() : TileProofBuilder.consistency(store, old, size).hashes();
        } catch (IOException e) {
          throw new Refused("proof", "no consistency proof from " + old + " to " + size + ": " + e.getMessage());
        }
        AddCheckpoint request = new AddCheckpoint(old, proof, r.note);
        WitnessClient.Answer a;
        try {
          a = client.addCheckpoint(request);
        } catch (HttpException e) {
          throw new Refused(e.status().isPresent() ? "status_" + e.status().getAsInt() : "unreachable", e.getMessage());
        } catch (IOException e) {
          throw new Refused("bad_answer", e.getMessage());
        }
        if (a.status() == 200) {
          known = size;
          return verified(r, a.cosignatures());
        }
        if (a.status() == 409 && a.witnessSize().isPresent() && ++conflicts < MAX_CONFLICTS) {
          old = a.witnessSize().getAsLong();
          known = old;
          continue;
        }
        throw new Refused("status_" + a.status(), "answered " + a.status() + (a.message().isEmpty() ? ""
            : ": " + a.message()));
      }
    }

    /** The one cosignature line of this witness's key, verified; other lines are dropped. */
    private NoteSignature verified(Round r, List<NoteSignature> lines) throws Refused {
      try {
        List<NoteSignature> ok = new SignedNote(r.note.text(), lines).verify(List.of(witness.key()));
        return ok.get(0);
      } catch (SignatureException | IllegalArgumentException e) {
        throw new Refused("bad_cosignature", "its answer holds no valid cosignature of its key "
            + witness.key().keyName() + ": " + e.getMessage());
      }
    }

    /** Stops the worker and waits for it, so that nothing is written to the store after it closes. */
    void close() {
      worker.shutdownNow();
      try {
        if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
          LOG.warning("witness " + witness.name() + "'s exchange did not stop within 10 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A witness gave no cosignature: a fixed reason for the metric, and the details. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final String reason;

    Refused(String reason, String message) {
      super(message);
      this.reason = reason;
    }
  }
}
