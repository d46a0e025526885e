package dev.stele.monitor;

import dev.stele.client.TrustedLog;
import dev.stele.client.ValidityPeriod;
import dev.stele.client.http.HttpTransport;
import dev.stele.client.protocol.Checkpoint;
import java.io.IOException;
import java.net.URI;
import java.security.InvalidKeyException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Logger;

/**
 * One monitor of one log. Each {@link #check} takes one step of the {@link Follower}, that is of
 * the client's checkpoint tracker (fetch the latest checkpoint, verify it, prove it consistent,
 * remember it), then compares it with mirrors
 * and peers, reads the new entries for the watch list, and extends the audit. The first alarm
 * ends the check: it is logged, counted, its evidence written and the webhook notified, and the
 * verified checkpoint stays where it was.
 *
 * <p>A log that gives no usable answer is not an alarm at first; it becomes {@link
 * AlarmKind#UNREACHABLE} once that has lasted {@code unreachableAfter} (measured from the first
 * failed check, kept in the state so that it also works across {@code --once} runs).
 */
final class Monitor implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Monitor.class.getName());

  /**
   * What one check found.
   *
   * @param raised the alarms raised, in order (watch-list matches included)
   * @param checked false if the log could not be checked (unreachable, within the threshold)
   * @param verifiedSize the verified tree size after the check, -1 if none
   */
  record Result(List<AlarmKind> raised, boolean checked, long verifiedSize) {
    Result {
      raised = List.copyOf(raised);
    }

    /** The {@code --once} exit code: the first alarm's, 3 if not checked, else 0. */
    int exitCode() {
      if (!raised.isEmpty()) {
        return raised.get(0).exitCode();
      }
      return checked ? 0 : Main.EXIT_NOT_CHECKED;
    }
  }

  private final MonitorConfig config;
  private final Clock clock;
  private final MonitorMetrics metrics;
  private final MonitorState state;
  private final LogSource source;
  private final Follower follower;
  private final Alarms alarms;
  private final SplitView splitView;
  private final Watchlist.Runner watch;
  private final Auditor auditor;
  private final ExecutorService pool;

  Monitor(MonitorConfig config, MonitorMetrics metrics, Clock clock) throws IOException, InvalidKeyException {
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
    String log = config.logUrl().toString();
    this.state = MonitorState.load(config.stateDir(), log);
    HttpTransport http;
    try {
      http = LogHttp.newTransport(config.logRoots(), config.logTokenFile(), config.logUrl());
    } catch (IllegalArgumentException e) {
      throw new IOException("--log-token-file: " + e.getMessage());
    }
    this.source = new LogSource(new LogHttp(config.logUrl(), http), config.protocol());
    // The trusted log's URL only names the checkpoint signer (its host); requests go to logUrl.
    TrustedLog trusted = TrustedLog.rekorV1(URI.create("https://" + config.logName()), config.logKey(),
        ValidityPeriod.ALWAYS);
    CheckpointVerifier verifier = new CheckpointVerifier(log, trusted);
    this.follower = new Follower(trusted, source, verifier, state, metrics::logSize);
    this.alarms = new Alarms(log, config.stateDir().resolve("evidence"),
        config.webhook().map(u -> new Webhook(u, Webhook.newTransport())), metrics, clock);
    List<LogSource> mirrors = new ArrayList<>();
    for (URI m : config.mirrors()) {
      mirrors.add(new LogSource(new LogHttp(m, http), config.protocol()));
    }
    this.splitView = new SplitView(log, source, mirrors, config.peers(), verifier, state, http,
        config.splitViewTries());
    this.pool = Executors.newFixedThreadPool(config.auditThreads(), r -> {
      Thread t = new Thread(r, "stele-monitor-read");
      t.setDaemon(true);
      return t;
    });
    Watchlist list = new Watchlist(config.watchKeys(), config.watchDigests());
    this.watch = list.isEmpty() ? null
        : new Watchlist.Runner(list, source, walker(verifier, log), state, alarms, metrics);
    this.auditor = config.audit() ? new Auditor(walker(verifier, log), source, state, metrics) : null;
    follower.current().ifPresent(cp -> metrics.verified(cp.size()));
  }

  private EntryWalker walker(CheckpointVerifier verifier, String log) {
    return new EntryWalker(source, verifier, log, pool, 2 * config.auditThreads());
  }

  /** Test hook: how often the audit saves its progress. */
  void saveAuditEvery(long nanos) {
    auditor.saveEvery(nanos);
  }

  MonitorState state() {
    return state;
  }

  /** The verified checkpoint's note, for {@code /checkpoint}. */
  Optional<String> verifiedNote() {
    return follower.currentNote();
  }

  /** The verified checkpoint. */
  Optional<Checkpoint> verifiedCheckpoint() {
    return follower.current();
  }

  /**
   * One check; see the class comment.
   *
   * @throws IOException if the monitor's own files cannot be written
   */
  synchronized Result check() throws IOException {
    metrics.newCheck();
    alarms.clearRaised();
    boolean checked = true;
    try {
      Follower.Step step = follower.update();
      metrics.verified(step.current().size());
      if (state.unreachableSince().isPresent()) {
        LOG.info("the log answers again");
        state.unreachable(null, false);
        state.save();
      }
      CheckpointVerifier.Verified verified = new CheckpointVerifier.Verified(step.current(), step.note());
      if (step.advanced()) {
        LOG.info("verified tree size " + step.current().size() + " (root " + step.current().root().hex() + ")"
            + (step.previous() == null ? ", trusted on first use" : ", consistent with " + step.previous().size()));
      }
      if (!splitView.isEmpty()) {
        splitView.check(verified);
      }
      if (watch != null) {
        watch.check(verified);
      }
      if (auditor != null) {
        auditor.audit(verified);
      }
    } catch (AlarmException a) {
      alarms.raise(a, state);
    } catch (LogUnavailableException e) {
      checked = unreachable(e);
    }
    List<AlarmKind> raised = alarms.raised();
    boolean healthy = checked && raised.stream().allMatch(k -> k == AlarmKind.WATCH_MATCH);
    if (healthy) {
      metrics.success(Instant.now(clock).getEpochSecond());
    }
    return new Result(raised, checked, follower.current().map(Checkpoint::size).orElse(-1L));
  }

  /** Records an unusable answer; raises UNREACHABLE beyond the threshold. Returns whether checked. */
  private boolean unreachable(LogUnavailableException e) throws IOException {
    long now = clock.millis();
    long since = state.unreachableSince().orElse(now);
    if (state.unreachableSince().isEmpty()) {
      state.unreachable(since, false);
      state.save();
    }
    Duration down = Duration.ofMillis(now - since);
    if (down.compareTo(config.unreachableAfter()) < 0) {
      LOG.warning("the log gave no usable answer (for " + down.toSeconds() + " s so far, alarm after "
          + config.unreachableAfter().toSeconds() + " s): " + e.getMessage());
      return false;
    }
    String since8601 = Instant.ofEpochMilli(since).toString();
    String problem = "the log has given no usable answer since " + since8601 + " (" + down.toSeconds()
        + " s, threshold " + config.unreachableAfter().toSeconds() + " s)";
    alarms.raise(new AlarmException(AlarmKind.UNREACHABLE, problem + ": " + e.getMessage(),
        new Evidence(config.logUrl().toString(), follower.currentNote().orElse(null), source.url(), null, null,
            null, null, Map.of("since", since8601))), state);
    state.unreachable(since, true);
    state.save();
    return true;
  }

  /**
   * Raises an alarm the witness found in a log's add-checkpoint request, like the monitor's own:
   * counted, written as evidence (once), sent to the webhook.
   */
  synchronized void witnessAlarm(AlarmException a) {
    try {
      alarms.raise(a, state);
    } catch (IOException | RuntimeException e) {
      LOG.severe("could not record the witness's " + a.kind() + " alarm (" + a.getMessage() + "): " + e.getMessage());
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
