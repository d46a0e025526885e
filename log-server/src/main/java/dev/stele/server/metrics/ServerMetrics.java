package dev.stele.server.metrics;

import dev.stele.server.storage.RocksLogStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Every meter the server publishes, in one place, and the Prometheus registry behind
 * {@code GET /metrics}. Names are prefixed {@code stele_}; labels are low-cardinality (route
 * templates, status codes, fixed reason names), never entry data and never key material.
 */
public final class ServerMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final DistributionSummary batchSize;
  private final Timer commitLatency;
  private final Timer batchLatency;
  private final Counter appended;
  private final Counter duplicates;
  private final Counter lazySets;
  private final Counter sequencerFailures;
  private final Counter proofFailures;
  /** Request timers by "route method status": the hot path looks one up instead of building it. */
  private final ConcurrentHashMap<String, Timer> requestTimers = new ConcurrentHashMap<>();

  public ServerMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    batchSize = DistributionSummary.builder("stele.sequencer.batch.size")
        .description("Entries per committed batch")
        .baseUnit("entries")
        .publishPercentileHistogram()
        .minimumExpectedValue(1.0)
        .maximumExpectedValue(100_000.0)
        .register(registry);
    commitLatency = Timer.builder("stele.sequencer.commit")
        .description("Time to write one batch to storage, synced")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
    batchLatency = Timer.builder("stele.sequencer.batch")
        .description("Time to sequence one batch: dedupe, integrate, sign, commit")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
    appended = Counter.builder("stele.entries.appended").description("Entries appended to the log").register(registry);
    duplicates = Counter.builder("stele.entries.duplicates").description("Submissions answered 409 as duplicates").register(registry);
    lazySets = Counter.builder("stele.entries.sets.deferred.signed")
        .description("SETs of imported entries signed on their first read").register(registry);
    sequencerFailures = Counter.builder("stele.sequencer.failures").description("Batches that failed to sequence").register(registry);
    proofFailures = Counter.builder("stele.proof.self_check.failures")
        .description("Inclusion proofs that failed the server's own check before sending (should stay 0)")
        .register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Registers gauges read from the live server state. The gauges hold their suppliers strongly:
   * Micrometer's default is a weak reference, and a lambda that only the gauge refers to is
   * collected at the next GC, after which the gauge reads NaN.
   */
  public void bindState(LongSupplier treeSize, LongSupplier queueDepth) {
    Gauge.builder("stele.tree.size", treeSize, s -> s.getAsLong())
        .description("Entries in the tree at the latest signed checkpoint")
        .strongReference(true)
        .register(registry);
    Gauge.builder("stele.sequencer.queue.depth", queueDepth, s -> s.getAsLong())
        .description("Verified entries waiting for the sequencer")
        .strongReference(true)
        .register(registry);
  }

  private final List<RocksLogStore.Figure> storeFigures = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The store's figures ({@code stele_store_*}: disk, memory, compaction), read when scraped. */
  public void bindStore(List<RocksLogStore.Figure> figures) {
    // Micrometer holds a meter's state object weakly: kept here, the suppliers live as long as the registry.
    storeFigures.addAll(figures);
    for (RocksLogStore.Figure f : figures) {
      String name = "stele.store." + f.name().replace('_', '.');
      List<Tag> tags = f.family().isEmpty() ? List.of()
          : List.of(Tag.of("family", f.family()));
      if (f.counter()) {
        FunctionCounter.builder(name, f.value(), v -> v.getAsLong()).description(f.help()).tags(tags).register(registry);
      } else {
        Gauge.builder(name, f.value(), v -> v.getAsLong()).description(f.help()).tags(tags).strongReference(true)
            .register(registry);
      }
    }
  }

  /** Registers the gauges of admission control: open connections, verification slots in use. */
  public void bindAdmission(IntSupplier connections, IntSupplier verifying) {
    Gauge.builder("stele.http.connections", connections, s -> s.getAsInt())
        .description("Open HTTP connections (at most --max-connections)")
        .register(registry);
    Gauge.builder("stele.http.verify.slots", verifying, s -> s.getAsInt())
        .description("Requests reading or verifying a proposed entry (at most --verify-queue)")
        .register(registry);
  }

  public void batchCommitted(int entries, long commitNanos, long batchNanos) {
    batchSize.record(entries);
    commitLatency.record(commitNanos, TimeUnit.NANOSECONDS);
    batchLatency.record(batchNanos, TimeUnit.NANOSECONDS);
    appended.increment(entries);
  }

  /** An imported entry's SET was signed on its first read. */
  public void lazySetSigned() {
    lazySetsSigned(1);
  }

  /** {@code n} imported entries' SETs were signed after their import (first reads, or the filler). */
  public void lazySetsSigned(int n) {
    lazySets.increment(n);
  }

  public void duplicate() {
    duplicates.increment();
  }

  public void sequencerFailure() {
    sequencerFailures.increment();
  }

  public void proofSelfCheckFailure() {
    proofFailures.increment();
  }

  // ---- witnesses (only a log with a witness policy registers these) ----

  private final ConcurrentHashMap<String, Timer> witnessTimers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> witnessErrors = new ConcurrentHashMap<>();
  private Counter quorumMissing;

  /**
   * Registers the witness meters: {@code stele_witness_request_seconds{witness,outcome}}, {@code
   * stele_witness_errors_total{witness,reason}}, {@code stele_witness_quorum_missing_total} (rounds
   * that ended without a quorum: a fail-open log then serves its checkpoints without one), and
   * gauges of the newest cosigned tree size and of the entries not yet under a cosigned checkpoint.
   */
  public void bindWitnesses(List<String> witnesses, LongSupplier cosignedSize, LongSupplier unwitnessed) {
    quorumMissing = Counter.builder("stele.witness.quorum.missing")
        .description("Rounds of cosigning that ended without the witness policy's quorum")
        .register(registry);
    // Held strongly, as in bindState: the suppliers are lambdas nothing else refers to.
    Gauge.builder("stele.witness.cosigned.tree.size", cosignedSize, s -> s.getAsLong())
        .description("Size of the newest checkpoint cosigned by a quorum of witnesses").strongReference(true)
        .register(registry);
    Gauge.builder("stele.witness.unwitnessed.entries", unwitnessed, s -> s.getAsLong())
        .description("Entries in the tree beyond the newest checkpoint a quorum cosigned").strongReference(true)
        .register(registry);
    for (String w : witnesses) {
      witnessError(w, "unreachable", 0);
    }
  }

  /** One add-checkpoint exchange with a witness: its latency and outcome (cosigned, refused, ...). */
  public void witnessRequest(String witness, String outcome, long nanos) {
    witnessTimers.computeIfAbsent(witness + ' ' + outcome, k -> Timer.builder("stele.witness.request")
        .description("add-checkpoint exchanges with witnesses, by witness and outcome")
        .tag("witness", witness)
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A witness gave no cosignature, for a fixed reason (unreachable, status_NNN, bad_answer, ahead). */
  public void witnessError(String witness, String reason) {
    witnessError(witness, reason, 1);
  }

  private void witnessError(String witness, String reason, double n) {
    witnessErrors.computeIfAbsent(witness + ' ' + reason, k -> Counter.builder("stele.witness.errors")
        .description("Witness exchanges that gave no cosignature, by witness and reason")
        .tag("witness", witness)
        .tag("reason", reason)
        .register(registry)).increment(n);
  }

  public void quorumMissing() {
    if (quorumMissing != null) {
      quorumMissing.increment();
    }
  }

  /** The method labels: the methods of RFC 9110 section 9 and PATCH; any other token is "other". */
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  /**
   * One HTTP request: route template (or "unmatched"), method, status and latency. Every label
   * comes from a closed set, so that no client can add series: a method outside {@link #METHODS}
   * is counted as "other", a status outside 100..599 as 0.
   */
  public void request(String route, String requestMethod, int responseStatus, long nanos) {
    String method = METHODS.contains(requestMethod) ? requestMethod : "other";
    int status = responseStatus >= 100 && responseStatus <= 599 ? responseStatus : 0;
    String key = route + ' ' + method + ' ' + status;
    Timer t = requestTimers.get(key);
    if (t == null) {
      t = requestTimers.computeIfAbsent(key, k -> Timer.builder("stele.http.requests")
          .description("HTTP requests by route and status")
          .tag("route", route)
          .tag("method", method)
          .tag("status", Integer.toString(status))
          .publishPercentileHistogram()
          .minimumExpectedValue(Duration.ofMillis(1))
          .maximumExpectedValue(Duration.ofSeconds(30))
          .register(registry));
    }
    t.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }
}
