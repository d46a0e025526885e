package dev.stele.monitor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every meter of the monitor, in one Prometheus registry. Names as scraped:
 *
 * <ul>
 *   <li>{@code stele_monitor_verified_tree_size}: size of the last verified checkpoint;
 *   <li>{@code stele_monitor_log_tree_size}: size of the newest checkpoint the log served;
 *   <li>{@code stele_monitor_lag_entries}: the two apart (entries the monitor has not verified);
 *   <li>{@code stele_monitor_last_success_timestamp_seconds}: Unix time of the last check that
 *       found the log healthy;
 *   <li>{@code stele_monitor_alarms_total{kind}}: alarms detected, by kind (every kind present
 *       from the start, at 0);
 *   <li>{@code stele_monitor_alarm_active{kind}}: 1 if the last check raised that kind;
 *   <li>{@code stele_monitor_entries_audited_total}, {@code stele_monitor_audited_tree_size};
 *   <li>{@code stele_monitor_entries_watched_total}, {@code stele_monitor_watch_matches_total};
 *   <li>with {@code --witness-key}: {@code stele_monitor_witness_requests_total{code}} (add-checkpoint
 *       answers by HTTP status), {@code stele_monitor_witness_cosigned_tree_size} (the size of the
 *       last checkpoint it cosigned) and {@code stele_monitor_witness_last_cosigned_timestamp_seconds}.
 * </ul>
 *
 * <p>Thread-safe.
 */
final class MonitorMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicLong verifiedSize = new AtomicLong();
  private final AtomicLong logSize = new AtomicLong();
  private final AtomicLong lastSuccess = new AtomicLong();
  private final AtomicLong auditedSize = new AtomicLong();
  private final Map<AlarmKind, Counter> alarms = new EnumMap<>(AlarmKind.class);
  private final Map<AlarmKind, AtomicLong> active = new EnumMap<>(AlarmKind.class);
  private final Counter audited;
  private final Counter watched;
  private final Counter matches;
  private final Map<Integer, Counter> witnessAnswers = new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicLong witnessSize = new AtomicLong();
  private final AtomicLong witnessLast = new AtomicLong();

  MonitorMetrics() {
    Gauge.builder("stele.monitor.verified.tree.size", verifiedSize, AtomicLong::get)
        .description("Size of the last checkpoint the monitor verified").register(registry);
    Gauge.builder("stele.monitor.log.tree.size", logSize, AtomicLong::get)
        .description("Size of the newest checkpoint the log served").register(registry);
    Gauge.builder("stele.monitor.lag.entries", this, m -> Math.max(0, m.logSize.get() - m.verifiedSize.get()))
        .description("Entries the log has signed that the monitor has not verified yet").register(registry);
    Gauge.builder("stele.monitor.last.success.timestamp", lastSuccess, AtomicLong::get).baseUnit("seconds")
        .description("Unix time of the last check that found the log healthy").register(registry);
    Gauge.builder("stele.monitor.audited.tree.size", auditedSize, AtomicLong::get)
        .description("Entries [0, n) recomputed and checked by the audit").register(registry);
    for (AlarmKind k : AlarmKind.values()) {
      alarms.put(k, Counter.builder("stele.monitor.alarms").tag("kind", k.label())
          .description("Alarms detected, by kind").register(registry));
      AtomicLong a = new AtomicLong();
      active.put(k, a);
      Gauge.builder("stele.monitor.alarm.active", a, AtomicLong::get).tag("kind", k.label())
          .description("1 if the last check raised this kind of alarm").register(registry);
    }
    audited = Counter.builder("stele.monitor.entries.audited")
        .description("Entries read and checked by the audit").register(registry);
    watched = Counter.builder("stele.monitor.entries.watched")
        .description("Entries read and matched against the watch list").register(registry);
    matches = Counter.builder("stele.monitor.watch.matches")
        .description("Entries that matched the watch list").register(registry);
  }

  /** Registers the witness's meters (only a monitor that is a witness has them). */
  void witnessEnabled() {
    Gauge.builder("stele.monitor.witness.cosigned.tree.size", witnessSize, AtomicLong::get)
        .description("Size of the last checkpoint the witness cosigned").register(registry);
    Gauge.builder("stele.monitor.witness.last.cosigned.timestamp", witnessLast, AtomicLong::get).baseUnit("seconds")
        .description("Unix time of the witness's last cosignature").register(registry);
    for (int code : new int[] {200, 400, 403, 404, 409, 422}) {
      witnessAnswer(code, 0);
    }
  }

  /** One add-checkpoint answer, by status. */
  void witnessAnswer(int status) {
    witnessAnswer(status, 1);
  }

  private void witnessAnswer(int status, double n) {
    witnessAnswers.computeIfAbsent(status, s -> Counter.builder("stele.monitor.witness.requests")
        .tag("code", Integer.toString(s)).description("add-checkpoint requests answered, by HTTP status")
        .register(registry)).increment(n);
  }

  void witnessCosigned(long size) {
    witnessSize.set(size);
    witnessLast.set(System.currentTimeMillis() / 1000);
  }

  void verified(long size) {
    verifiedSize.set(size);
    logSize.accumulateAndGet(size, Math::max);
  }

  void logSize(long size) {
    logSize.set(size);
  }

  void success(long epochSeconds) {
    lastSuccess.set(epochSeconds);
  }

  void alarm(AlarmKind kind) {
    alarms.get(kind).increment();
    active.get(kind).set(1);
  }

  /** Clears the active flags at the start of a check. */
  void newCheck() {
    active.values().forEach(a -> a.set(0));
  }

  void audited(long entries, long upTo) {
    audited.increment(entries);
    auditedSize.set(upTo);
  }

  void watched(long entries) {
    watched.increment(entries);
  }

  void watchMatch() {
    matches.increment();
  }

  double alarmCount(AlarmKind kind) {
    return alarms.get(kind).count();
  }

  /** The Prometheus text exposition. */
  String scrape() {
    return registry.scrape();
  }
}
