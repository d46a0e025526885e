package dev.stele.admission;

import dev.stele.admission.policy.Mode;
import dev.stele.admission.policy.Policy;
import dev.stele.admission.policy.Rule;
import dev.stele.admission.policy.Unmatched;
import dev.stele.client.oci.Digest;
import dev.stele.client.oci.OciException;
import dev.stele.client.oci.RegistryClient;
import dev.stele.client.oci.RegistryException;
import dev.stele.client.rekor.LogClientException;
import dev.stele.client.rekor.RekorClient;
import dev.stele.client.verify.EntryVerifier;
import dev.stele.client.verify.ImageVerifier;
import dev.stele.client.verify.ImageVerifier.VerifiedImage;
import dev.stele.client.verify.UnsignedImageException;
import dev.stele.client.verify.VerificationException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Decides one AdmissionReview under the policy, within a time budget, failing closed.
 *
 * <p>For every image of the object: normalize it; find the rules whose patterns match it (none:
 * the policy's {@code unmatchedImages}); resolve a tag to the digest it names now (never cached:
 * a tag can move); then, per matching rule, verify the digest with the rule's signers and logs
 * ({@link ImageVerifier}), or take it from the {@link VerifiedCache}. Images and rules are checked
 * in parallel on a bounded pool, and the same digest and rule wanted by several reviews at once is
 * verified once.
 *
 * <p>The review waits until its deadline ({@code budget} after it started), never longer. What
 * is not verified by then is a failure ("not verified within the budget"), as is anything that
 * went wrong on the way (registry or log unreachable, malformed answers, a full queue): an
 * {@code enforce} rule then denies, a {@code warn} rule allows with a warning. Work still running
 * at the deadline goes on and fills the cache for the next review; each registry and log call has
 * its own deadline, so it ends.
 *
 * <p>Thread-safe.
 */
final class Reviewer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Reviewer.class.getName());
  static final String NO_RULE = "(no rule)";

  /**
   * How reviews are run.
   *
   * @param budget the longest a review may take; keep it below the webhook's timeoutSeconds
   * @param registryTimeout deadline of each registry request
   * @param logTimeout deadline of each log request (two attempts at most)
   * @param cacheSize verified (digest, rule) pairs kept
   * @param cacheTtl how long a verification stays valid
   * @param threads verifications run at once
   * @param queue verifications waiting for a thread; beyond that a review fails at once
   * @param insecureRegistries registries ({@code host[:port]}) spoken to over plain HTTP (loopback ones always are)
   */
  record Settings(Duration budget, Duration registryTimeout, Duration logTimeout, int cacheSize, Duration cacheTtl,
      int threads, int queue, List<String> insecureRegistries) {
    Settings {
      for (Duration d : List.of(budget, registryTimeout, logTimeout)) {
        if (d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("durations must be positive, got " + d);
        }
      }
      if (threads < 1 || queue < 1 || cacheSize < 0 || cacheTtl.isNegative()) {
        throw new IllegalArgumentException("threads and queue must be positive, the cache not negative");
      }
      insecureRegistries = List.copyOf(insecureRegistries);
    }

    static Settings defaults() {
      return new Settings(Duration.ofSeconds(8), Duration.ofSeconds(3), Duration.ofSeconds(3), 10_000,
          Duration.ofMinutes(10), 16, 1000, List.of());
    }
  }

  /** A rule with the verifier built for its trust. */
  private record Checker(Rule rule, ImageVerifier verifier) {}

  private final Policy policy;
  private final Settings settings;
  private final AdmissionMetrics metrics;
  private final RegistryClient registry;
  private final Map<String, Checker> checkers = new LinkedHashMap<>();
  private final VerifiedCache cache;
  private final ConcurrentHashMap<VerifiedCache.Key, CompletableFuture<VerifiedImage>> inflight = new ConcurrentHashMap<>();
  private final ThreadPoolExecutor pool;

  Reviewer(Policy policy, Settings settings, AdmissionMetrics metrics) {
    this.policy = policy;
    this.settings = settings;
    this.metrics = metrics;
    RegistryClient.Builder rb = RegistryClient.builder().timeout(settings.registryTimeout());
    settings.insecureRegistries().forEach(rb::insecureRegistry);
    this.registry = rb.build();
    Map<URI, RekorClient> logs = new HashMap<>();
    for (Rule r : policy.rules()) {
      List<RekorClient> clients = new ArrayList<>();
      for (URI u : r.urls()) {
        clients.add(logs.computeIfAbsent(u, url -> RekorClient.builder(url)
            .timeout(settings.logTimeout()).connectTimeout(settings.logTimeout())
            .maxAttempts(2).backoff(Duration.ofMillis(100), Duration.ofMillis(500))
            .maxRetryAfter(Duration.ofSeconds(1)).build()));
      }
      checkers.put(r.name(), new Checker(r, ImageVerifier.online(registry, new EntryVerifier(r.trust()), clients)));
    }
    this.cache = new VerifiedCache(settings.cacheSize(), settings.cacheTtl(), System::nanoTime);
    metrics.cacheSize(cache::size);
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(settings.threads(), settings.threads(), 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(settings.queue()), task -> {
          Thread t = new Thread(task, "stele-admission-verify-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
  }

  /** One image of the request, and where it appears. */
  private static final class ImageCheck {
    final String text;
    final List<ContainerImage> where = new ArrayList<>();
    ImageName name;
    String invalid;
    CompletableFuture<Digest> digest;
    final Map<Rule, CompletableFuture<VerifiedImage>> rules = new LinkedHashMap<>();

    ImageCheck(String text) {
      this.text = text;
    }

    String describe() {
      List<String> places = new ArrayList<>();
      where.forEach(c -> places.add(c.describe()));
      return "image \"" + text + "\" (" + String.join(", ", places) + ")";
    }
  }

  /** Decides {@code request}; never takes longer than the budget (plus the time to write the answer). */
  Decision review(AdmissionRequest request) {
    long deadline = System.nanoTime() + settings.budget().toNanos();
    if (!request.operation().equals("CREATE") && !request.operation().equals("UPDATE")) {
      return Decision.allow(List.of());
    }
    if (policy.excludedNamespaces().contains(request.namespace())) {
      return Decision.allow(List.of());
    }
    List<ContainerImage> images;
    try {
      images = PodImages.find(request.group(), request.kind(), request.object());
    } catch (ReviewException e) {
      return Decision.deny(request.describe() + ": " + e.getMessage(), List.of());
    }

    // Start every check at once; wait for all of them together.
    Map<String, ImageCheck> checks = new LinkedHashMap<>();
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (ContainerImage c : images) {
      ImageCheck check = checks.computeIfAbsent(c.image(), ImageCheck::new);
      check.where.add(c);
      if (check.where.size() > 1) {
        continue;
      }
      try {
        check.name = ImageName.parse(c.image());
      } catch (OciException e) {
        check.invalid = e.getMessage();
        continue;
      }
      List<Rule> rules = policy.rulesFor(check.name.name());
      if (rules.isEmpty()) {
        continue;
      }
      ImageName name = check.name;
      check.digest = name.digest() != null ? CompletableFuture.completedFuture(name.digest())
          : async(() -> registry.resolve(name.pullReference()));
      all.add(check.digest);
      for (Rule r : rules) {
        CompletableFuture<VerifiedImage> v = check.digest.thenCompose(d -> verified(checkers.get(r.name()), name, d));
        check.rules.put(r, v);
        all.add(v);
      }
    }
    await(all, deadline);
    return decide(request, checks);
  }

  private Decision decide(AdmissionRequest request, Map<String, ImageCheck> checks) {
    List<String> denials = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    List<Decision.Pin> pins = new ArrayList<>();
    for (ImageCheck check : checks.values()) {
      if (check.invalid != null) {
        metrics.decision(NO_RULE, "deny");
        metrics.failure(NO_RULE, "invalid");
        denials.add(check.describe() + ": not an image reference: " + check.invalid);
        continue;
      }
      if (check.rules.isEmpty()) {
        Unmatched u = policy.unmatched();
        String why = check.describe() + ": no rule of the policy covers " + check.name.name();
        if (u == Unmatched.DENY) {
          metrics.decision(NO_RULE, "deny");
          denials.add(why + "; add a rule for it (or set unmatchedImages)");
        } else if (u == Unmatched.WARN) {
          metrics.decision(NO_RULE, "warn");
          warnings.add("stele-admission: " + why + " (allowed: unmatchedImages is warn)");
        } else {
          metrics.decision(NO_RULE, "allow");
        }
        continue;
      }
      boolean allVerified = true;
      for (Map.Entry<Rule, CompletableFuture<VerifiedImage>> e : check.rules.entrySet()) {
        Rule rule = e.getKey();
        Optional<String> failure = failure(rule, e.getValue());
        if (failure.isEmpty()) {
          metrics.decision(rule.name(), "allow");
          continue;
        }
        allVerified = false;
        String line = check.describe() + ": rule \"" + rule.name() + "\": " + failure.get();
        if (rule.mode() == Mode.ENFORCE) {
          metrics.decision(rule.name(), "deny");
          denials.add(line);
        } else {
          metrics.decision(rule.name(), "warn");
          warnings.add("stele-admission (warn mode): " + line);
        }
      }
      if (allVerified && check.name.digest() == null) {
        Digest d = check.digest.join();
        for (ContainerImage c : check.where) {
          pins.add(new Decision.Pin(c.pointer(), check.name.pinned(d)));
        }
      }
    }
    if (denials.isEmpty()) {
      return new Decision(true, "", warnings, pins);
    }
    String head = denials.size() == 1 ? "1 image of " + request.describe() + " is not admitted: "
        : denials.size() + " images of " + request.describe() + " are not admitted: ";
    return new Decision(false, head + String.join("; ", denials), warnings, List.of());
  }

  /** Empty if the image verified under the rule, else why not (and the failure counted). */
  private Optional<String> failure(Rule rule, CompletableFuture<VerifiedImage> f) {
    if (!f.isDone()) {
      metrics.failure(rule.name(), "timeout");
      return Optional.of("not verified within the review budget of " + settings.budget().toMillis() + " ms (the"
          + " registry or the log did not answer in time; nothing unverified is admitted: try again, and check"
          + " that the webhook reaches them)");
    }
    Throwable cause;
    try {
      f.join();
      return Optional.empty();
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      cause = e;
      while (cause instanceof CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
    }
    if (cause instanceof UnsignedImageException) {
      metrics.failure(rule.name(), "unsigned");
      return Optional.of(cause.getMessage() + ": sign it with 'stele sign' and a key the rule trusts");
    }
    if (cause instanceof VerificationException) {
      metrics.failure(rule.name(), "verification");
      return Optional.of("verification failed: " + cause.getMessage());
    }
    if (cause instanceof RegistryException r && r.reason() == RegistryException.Reason.NETWORK) {
      metrics.failure(rule.name(), "registry");
      return Optional.of("the registry could not be reached: " + cause.getMessage());
    }
    if (cause instanceof OciException) {
      metrics.failure(rule.name(), "registry");
      return Optional.of("the registry's answer is not usable: " + cause.getMessage());
    }
    if (cause instanceof LogClientException) {
      metrics.failure(rule.name(), "log");
      return Optional.of("the log could not be used: " + cause.getMessage());
    }
    if (cause instanceof RejectedExecutionException) {
      metrics.failure(rule.name(), "overloaded");
      return Optional.of("the webhook is overloaded (" + settings.queue() + " verifications waiting); try again");
    }
    metrics.failure(rule.name(), "internal");
    LOG.log(Level.WARNING, "verification under rule " + rule.name() + " failed unexpectedly", cause);
    return Optional.of("internal error (" + cause.getClass().getSimpleName() + "); see the webhook's log");
  }

  /** The verified image, from the cache or verified now (once, however many reviews wait for it). */
  private CompletableFuture<VerifiedImage> verified(Checker checker, ImageName name, Digest digest) {
    VerifiedCache.Key key = new VerifiedCache.Key(digest, checker.rule().name());
    Optional<VerifiedImage> hit = cache.get(key);
    metrics.cache(hit.isPresent());
    if (hit.isPresent()) {
      return CompletableFuture.completedFuture(hit.get());
    }
    CompletableFuture<VerifiedImage> mine = new CompletableFuture<>();
    CompletableFuture<VerifiedImage> running = inflight.putIfAbsent(key, mine);
    if (running != null) {
      return running;
    }
    try {
      pool.execute(() -> {
        long start = System.nanoTime();
        try {
          VerifiedImage v = checker.verifier().verify(name.pullReference().repository(), digest,
              checker.rule().signers());
          cache.put(key, v);
          mine.complete(v);
        } catch (Throwable t) {
          mine.completeExceptionally(t);
        } finally {
          inflight.remove(key, mine);
          metrics.verification(checker.rule().name(), System.nanoTime() - start);
        }
      });
    } catch (RejectedExecutionException e) {
      inflight.remove(key, mine);
      mine.completeExceptionally(e);
    }
    return mine;
  }

  private <T> CompletableFuture<T> async(Callable<T> task) {
    CompletableFuture<T> f = new CompletableFuture<>();
    try {
      pool.execute(() -> {
        try {
          f.complete(task.call());
        } catch (Throwable t) {
          f.completeExceptionally(t);
        }
      });
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(e);
    }
    return f;
  }

  private static void await(List<CompletableFuture<?>> futures, long deadline) {
    try {
      CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
          .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // each future is judged on its own: done or not, succeeded or not
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The rules' names (for checks at start-up). */
  Set<String> ruleNames() {
    return checkers.keySet();
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
