package dev.stele.admission;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Every meter of the webhook, in one Prometheus registry. Names as scraped:
 *
 * <ul>
 *   <li>{@code stele_admission_reviews_total{webhook,result}}: reviews answered, by webhook
 *       ({@code validate}, {@code mutate}) and result ({@code allowed}, {@code denied},
 *       {@code malformed});
 *   <li>{@code stele_admission_review_seconds{webhook}}: time from the request's body to the
 *       answer (a histogram: p99 by {@code histogram_quantile});
 *   <li>{@code stele_admission_decisions_total{rule,outcome}}: per image and rule, {@code allow},
 *       {@code deny} or {@code warn} ({@code rule="(no rule)"} for images no rule covers);
 *   <li>{@code stele_admission_failures_total{rule,reason}}: why an image was not verified:
 *       {@code unsigned}, {@code verification}, {@code registry}, {@code log}, {@code timeout},
 *       {@code overloaded}, {@code invalid}, {@code internal};
 *   <li>{@code stele_admission_verification_seconds{rule}}: one uncached verification (registry
 *       and log calls included);
 *   <li>{@code stele_admission_cache_hits_total}, {@code stele_admission_cache_misses_total},
 *       {@code stele_admission_cache_entries};
 *   <li>{@code stele_admission_tls_reloads_total{result}}: certificate reloads ({@code ok},
 *       {@code failed}: the old certificate stays in use).
 * </ul>
 *
 * <p>Thread-safe.
 */
final class AdmissionMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter hits;
  private final Counter misses;

  AdmissionMetrics() {
    hits = Counter.builder("stele.admission.cache.hits").description("Verifications answered from the cache")
        .register(registry);
    misses = Counter.builder("stele.admission.cache.misses").description("Verifications not in the cache")
        .register(registry);
  }

  void review(String webhook, String result, long nanos) {
    Counter.builder("stele.admission.reviews").tag("webhook", webhook).tag("result", result)
        .description("AdmissionReviews answered").register(registry).increment();
    Timer.builder("stele.admission.review").tag("webhook", webhook).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
        .description("Time to answer an AdmissionReview").register(registry).record(Duration.ofNanos(nanos));
  }

  void decision(String rule, String outcome) {
    Counter.builder("stele.admission.decisions").tag("rule", rule).tag("outcome", outcome)
        .description("Per image and rule: allow, deny or warn").register(registry).increment();
  }

  void failure(String rule, String reason) {
    Counter.builder("stele.admission.failures").tag("rule", rule).tag("reason", reason)
        .description("Images not verified, by reason").register(registry).increment();
  }

  void verification(String rule, long nanos) {
    Timer.builder("stele.admission.verification").tag("rule", rule).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
        .description("One uncached image verification").register(registry).record(Duration.ofNanos(nanos));
  }

  void cache(boolean hit) {
    (hit ? hits : misses).increment();
  }

  void cacheSize(Supplier<Number> size) {
    Gauge.builder("stele.admission.cache.entries", size).description("Verified images in the cache")
        .register(registry);
  }

  void tlsReload(boolean ok) {
    Counter.builder("stele.admission.tls.reloads").tag("result", ok ? "ok" : "failed")
        .description("Reloads of the TLS certificate and key").register(registry).increment();
  }

  /** The Prometheus text exposition. */
  String scrape() {
    return registry.scrape();
  }
}
