package dev.stele.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.stele.client.protocol.ProtocolJson;
import dev.stele.merkle.Rfc6962;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where alarms and watch-list matches go: a log line, the metrics, an evidence file in {@code
 * <state dir>/evidence/}, and the webhook. One fault seen again on the next check (the same kind
 * and the same evidence) is counted again but written and notified only once.
 */
final class Alarms {
  private static final Logger LOG = Logger.getLogger(Alarms.class.getName());
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /**
   * The JSON of an evidence file and of a webhook POST.
   *
   * @param kind the alarm kind, lower case (e.g. {@code fork}, {@code watch_match})
   * @param exitCode the {@code --once} exit code of the kind
   * @param log the log's URL
   * @param message what happened, with the numbers
   * @param detectedAt ISO-8601 time
   * @param evidenceFile where the evidence was written (null for watch matches)
   * @param evidence the evidence (null for watch matches)
   * @param match the matching entry (watch matches only)
   */
  record Notification(String kind, int exitCode, String log, String message, String detectedAt,
      String evidenceFile, Evidence evidence, MonitorState.Match match) {
    byte[] json() {
      try {
        return ProtocolJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot encode a notification", e);
      }
    }
  }

  private final String log;
  private final Path evidenceDir;
  private final Optional<Webhook> webhook;
  private final MonitorMetrics metrics;
  private final Clock clock;
  private final List<AlarmKind> raised = new ArrayList<>();

  Alarms(String log, Path evidenceDir, Optional<Webhook> webhook, MonitorMetrics metrics, Clock clock) {
    this.log = log;
    this.evidenceDir = evidenceDir;
    this.webhook = webhook;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** The kinds raised since the last {@link #clearRaised}, in order. */
  List<AlarmKind> raised() {
    return List.copyOf(raised);
  }

  void clearRaised() {
    raised.clear();
  }

  /**
   * Raises an alarm: counts it, and unless {@code state} has already seen the same one, writes
   * its evidence file and notifies the webhook.
   *
   * @return the evidence file, or empty if this alarm had been written before
   * @throws IOException if the evidence file cannot be written
   */
  Optional<Path> raise(AlarmException alarm, MonitorState state) throws IOException {
    AlarmKind kind = alarm.kind();
    raised.add(kind);
    metrics.alarm(kind);
    Notification n = new Notification(kind.label(), kind.exitCode(), log, alarm.getMessage(),
        Instant.now(clock).toString(), null, alarm.evidence(), null);
    String fingerprint = kind.label() + ":" + Rfc6962.sha256(evidenceBytes(alarm.evidence())).hex();
    if (!state.firstReport(fingerprint)) {
      LOG.warning("ALARM " + kind + " (again, already notified): " + alarm.getMessage());
      return Optional.empty();
    }
    Files.createDirectories(evidenceDir);
    Path file = evidenceDir.resolve(FILE_TIME.format(Instant.now(clock)) + "-" + kind.label() + "-"
        + fingerprint.substring(fingerprint.indexOf(':') + 1, fingerprint.indexOf(':') + 9) + ".json");
    n = new Notification(n.kind(), n.exitCode(), log, n.message(), n.detectedAt(), file.toString(),
        n.evidence(), null);
    MonitorState.writeAtomically(file, n.json());
    state.save();
    LOG.severe("ALARM " + kind + ": " + alarm.getMessage() + " (evidence: " + file + ")");
    notify(n);
    return Optional.of(file);
  }

  /**
   * Delivers one watch-list match: log line, metric, webhook.
   *
   * @throws IOException if the webhook did not take it (the caller keeps it for the next check)
   */
  void deliver(MonitorState.Match m) throws IOException {
    String message = "entry " + m.index() + " (" + m.leafHash() + ") matches the watch list: "
        + String.join(", ", m.reasons());
    Notification n = new Notification(AlarmKind.WATCH_MATCH.label(), AlarmKind.WATCH_MATCH.exitCode(), log,
        message, Instant.now(clock).toString(), null, null, m);
    if (webhook.isPresent()) {
      webhook.get().post(n.json());
    }
    raised.add(AlarmKind.WATCH_MATCH);
    metrics.alarm(AlarmKind.WATCH_MATCH);
    metrics.watchMatch();
    LOG.warning("WATCH " + message);
  }

  private void notify(Notification n) {
    if (webhook.isEmpty()) {
      return;
    }
    try {
      webhook.get().post(n.json());
    } catch (IOException e) {
      LOG.log(Level.WARNING, "could not notify the webhook of the " + n.kind() + " alarm: " + e.getMessage());
    }
  }

  private static byte[] evidenceBytes(Evidence e) {
    try {
      return ProtocolJson.mapper().writeValueAsBytes(e);
    } catch (JsonProcessingException ex) {
      return String.valueOf(e).getBytes(StandardCharsets.UTF_8);
    }
  }
}
