package dev.stele.admission;

import dev.stele.admission.policy.Policy;
import dev.stele.admission.policy.PolicyException;
import dev.stele.admission.policy.PolicyParser;
import dev.stele.admission.policy.Rule;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import dev.stele.client.cli.DurationConverter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The webhook's command line: loads the policy and the TLS pair, then serves until stopped. */
@Command(
    name = "stele-admission",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    sortOptions = false,
    description = {
        "A Kubernetes admission webhook that admits a Pod (or a workload's Pod template) only if every image it"
            + " runs is signed by a signer the policy trusts for that image, with the signature recorded in a"
            + " trusted transparency log: the image's digest, the stored signature and its log entry (inclusion"
            + " proof, signed checkpoint, signed entry timestamp) are verified as 'stele verify' does.",
        "It fails closed: what cannot be verified within --review-budget is denied, with the reason.",
        "Every option can also be set with the environment variable shown; the option wins."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:stopped by a signal after serving (or --check-policy found the policy usable)",
        "1:error: the webhook could not start (port in use, ...)",
        "2:usage: bad options",
        "3:the policy is not usable (each problem with its line and field)",
        "4:the TLS certificate or key is not usable"},
    footer = {"", "Example: stele-admission --policy policy.yaml --tls-cert tls.crt --tls-key tls.key --bind 0.0.0.0"})
public final class Main implements Callable<Integer> {
  static final int EXIT_ERROR = 1;
  static final int EXIT_POLICY = 3;
  static final int EXIT_TLS = 4;

  private static final Logger LOG = Logger.getLogger(Main.class.getName());

  @Spec
  CommandSpec spec;

  @Option(names = "--policy", paramLabel = "FILE", defaultValue = "${env:STELE_ADMISSION_POLICY}",
      description = "The policy (YAML; admission/README.md) (env STELE_ADMISSION_POLICY; required).")
  Path policy;

  @Option(names = "--check-policy", description = "Read and check the policy, print its rules, and exit.")
  boolean checkPolicy;

  @Option(names = "--tls-cert", paramLabel = "FILE", defaultValue = "${env:STELE_ADMISSION_TLS_CERT}",
      description = "PEM certificate, then its chain, e.g. a mounted Secret's tls.crt (env STELE_ADMISSION_TLS_CERT;"
          + " required unless --check-policy). Re-read when it changes.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", defaultValue = "${env:STELE_ADMISSION_TLS_KEY}",
      description = "PEM private key (PKCS#8, RSA or EC) of the certificate, e.g. tls.key (env STELE_ADMISSION_TLS_KEY;"
          + " required unless --check-policy). Re-read when it changes.")
  Path tlsKey;

  @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "${env:STELE_ADMISSION_BIND:-127.0.0.1}",
      description = "Listen address (env STELE_ADMISSION_BIND, default ${DEFAULT-VALUE}; 0.0.0.0 in a container).")
  String bind;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "${env:STELE_ADMISSION_PORT:-8443}",
      description = "HTTPS port: /validate, /mutate, /healthz, /readyz, /metrics (env STELE_ADMISSION_PORT,"
          + " default ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "${env:STELE_ADMISSION_METRICS_PORT:--1}",
      description = "Also serve /metrics, /healthz and /readyz over plain HTTP on this port (env"
          + " STELE_ADMISSION_METRICS_PORT, default none).")
  int metricsPort;

  @Option(names = "--review-budget", paramLabel = "DURATION", converter = DurationConverter.class,
      defaultValue = "${env:STELE_ADMISSION_REVIEW_BUDGET:-8s}",
      description = "The longest a review may take; what is not verified by then is denied. Keep it below the"
          + " webhook's timeoutSeconds (Kubernetes' default 10 s) (env STELE_ADMISSION_REVIEW_BUDGET, default ${DEFAULT-VALUE}).")
  Duration budget;

  @Option(names = "--registry-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      defaultValue = "${env:STELE_ADMISSION_REGISTRY_TIMEOUT:-3s}",
      description = "Deadline of each registry request (env STELE_ADMISSION_REGISTRY_TIMEOUT, default ${DEFAULT-VALUE}).")
  Duration registryTimeout;

  @Option(names = "--log-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      defaultValue = "${env:STELE_ADMISSION_LOG_TIMEOUT:-3s}",
      description = "Deadline of each log request; one retry (env STELE_ADMISSION_LOG_TIMEOUT, default ${DEFAULT-VALUE}).")
  Duration logTimeout;

  @Option(names = "--cache-size", paramLabel = "N", defaultValue = "${env:STELE_ADMISSION_CACHE_SIZE:-10000}",
      description = "Verified (image digest, rule) pairs kept; 0 turns the cache off (env STELE_ADMISSION_CACHE_SIZE,"
          + " default ${DEFAULT-VALUE}).")
  int cacheSize;

  @Option(names = "--cache-ttl", paramLabel = "DURATION", converter = DurationConverter.class,
      defaultValue = "${env:STELE_ADMISSION_CACHE_TTL:-10m}",
      description = "How long a verification is reused (env STELE_ADMISSION_CACHE_TTL, default ${DEFAULT-VALUE}).")
  Duration cacheTtl;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "${env:STELE_ADMISSION_THREADS:-16}",
      description = "Verifications run at once, and HTTP requests served at once (env STELE_ADMISSION_THREADS,"
          + " default ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
      description = "Talk plain HTTP to this registry (loopback addresses need no flag); repeatable.")
  List<String> insecureRegistries = new ArrayList<>();

  @Option(names = "--tls-reload-interval", paramLabel = "DURATION", converter = DurationConverter.class,
      defaultValue = "${env:STELE_ADMISSION_TLS_RELOAD_INTERVAL:-10s}",
      description = "How often the certificate and key files are checked for changes (env"
          + " STELE_ADMISSION_TLS_RELOAD_INTERVAL, default ${DEFAULT-VALUE}).")
  Duration tlsReloadInterval;

  private final CountDownLatch stop = new CountDownLatch(1);

  public static void main(String[] args) {
    configureLogging();
    System.exit(commandLine(new Main()).execute(args));
  }

  static CommandLine commandLine(Main main) {
    return new CommandLine(main).setExitCodeExceptionMapper(t -> EXIT_ERROR);
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (policy == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--policy is required");
    }
    Policy p;
    try {
      p = PolicyParser.read(policy);
    } catch (PolicyException e) {
      err.println(e.getMessage());
      err.flush();
      return EXIT_POLICY;
    }
    if (checkPolicy) {
      out.println("policy " + policy + ": " + p.rules().size() + " rules; images no rule covers: "
          + p.unmatched().name().toLowerCase() + "; namespaces not checked: " + p.excludedNamespaces());
      for (Rule r : p.rules()) {
        out.println("  rule " + r.name() + " (" + r.mode().name().toLowerCase() + "): images " + r.images() + ", "
            + r.signers().keys().size() + " keys, " + r.signers().identities().size() + " identities, logs "
            + r.urls());
      }
      out.flush();
      return 0;
    }
    if (tlsCert == null || tlsKey == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--tls-cert and --tls-key are required");
    }
    if (port < 0 || port > 65535 || threads < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--port must be 0 to 65535, --threads positive");
    }
    TlsCredentials tls;
    try {
      tls = TlsCredentials.load(tlsCert, tlsKey);
    } catch (IOException | GeneralSecurityException e) {
      err.println("the TLS pair " + tlsCert + ", " + tlsKey + " is not usable: " + e.getMessage());
      err.flush();
      return EXIT_TLS;
    }
    // The JDK server has no request deadline by default: a client that never finishes its request
    // would hold a thread. Reviews take at most the budget; requests and answers get 30 s.
    setIfAbsent("sun.net.httpserver.maxReqTime", "30");
    setIfAbsent("sun.net.httpserver.maxRspTime", "30");
    AdmissionMetrics metrics = new AdmissionMetrics();
    Reviewer.Settings settings;
    try {
      settings = new Reviewer.Settings(budget, registryTimeout, logTimeout, cacheSize, cacheTtl, threads, 1000,
          insecureRegistries);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    ScheduledExecutorService reload = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "stele-admission-tls-reload");
      t.setDaemon(true);
      return t;
    });
    try (Reviewer reviewer = new Reviewer(p, settings, metrics);
        WebhookServer server = new WebhookServer(bind, port, metricsPort, tls.sslContext(), reviewer, metrics, threads)) {
      long every = Math.max(1, tlsReloadInterval.toMillis());
      reload.scheduleWithFixedDelay(() -> tls.reloadQuietly(metrics), every, every, TimeUnit.MILLISECONDS);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "stele-admission-stop"));
      LOG.info("policy " + policy + ": " + p.rules().size() + " rules; serving " + tls);
      out.println("stele-admission listening on https://" + bind + ":" + server.port()
          + (server.metricsPort() >= 0 ? " (metrics on http://" + bind + ":" + server.metricsPort() + ")" : ""));
      out.flush();
      stop.await();
      return 0;
    } catch (IOException | GeneralSecurityException e) {
      err.println("cannot serve on " + bind + ":" + port + ": " + e.getMessage());
      err.flush();
      return EXIT_ERROR;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    } finally {
      reload.shutdownNow();
    }
  }

  private static void setIfAbsent(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }

  private static void configureLogging() {
    if (System.getProperty("java.util.logging.config.file") == null
        && System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %5$s%6$s%n");
    }
  }

  /** Version from the jar manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"stele-admission " + (v != null ? v : "(development build)")};
    }
  }
}
