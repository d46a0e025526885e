package dev.stele.monitor;

import dev.stele.client.keys.KeyFileException;
import dev.stele.client.keys.KeyFiles;
import dev.stele.client.keys.TlsPair;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import dev.stele.client.cli.DurationConverter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The monitor's command line: reads the options, then either checks once and exits with a code,
 * or checks every interval and serves {@code /metrics} until stopped.
 */
@Command(
    name = "stele-monitor",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    sortOptions = false,
    description = {
        "Watches a Stele (or any Rekor v1 / C2SP tlog-tiles) transparency log without trusting it: verifies "
            + "every checkpoint's signature, proves each new one consistent with the last one verified, "
            + "and raises an alarm with the evidence when the log forks, rolls back, signs badly, lies "
            + "in a proof, shows another tree elsewhere, or stops answering.",
        "Every option can also be set with the environment variable shown; the option wins."},
    exitCodeListHeading = "%nExit codes (--once; the first alarm of the check decides):%n",
    exitCodeList = {
        " 0:healthy: the log's checkpoint verified and is consistent with the last one",
        " 1:error: the monitor itself could not run (key, state directory, ...)",
        " 2:usage: bad options",
        " 3:not checked: no usable answer from the log, not yet for --unreachable-after",
        "10:BAD_CHECKPOINT: a checkpoint that does not verify (signature, key, origin, format) or contradicts its answer",
        "11:INCONSISTENT: a consistency proof that fails",
        "12:ROLLBACK: a signed checkpoint smaller than one already verified",
        "13:FORK: two different roots signed for one tree size",
        "14:SPLIT_VIEW: a mirror or peer holds a checkpoint that contradicts ours, or that the log will not prove",
        "15:UNREACHABLE: no usable answer for longer than --unreachable-after",
        "16:BAD_DATA: entries or tiles that disagree with the signed checkpoint",
        "20:WATCH_MATCH: a new entry matches --watch-key or --watch-digest"},
    footer = {"", "Alarms write their evidence (both signed checkpoints and the proof, as served) to "
        + "STATE/evidence/ and POST it to --webhook as JSON.",
        "", "Example: stele-monitor --log-url http://127.0.0.1:3000 --log-key log.pub --state ./monitor-state --once"})
public final class Main implements Callable<Integer> {
  static final int EXIT_ERROR = 1;
  static final int EXIT_USAGE = 2;
  static final int EXIT_NOT_CHECKED = 3;

  private static final Logger LOG = Logger.getLogger(Main.class.getName());

  @Option(names = "--log-url", paramLabel = "URL", defaultValue = "${env:STELE_MONITOR_LOG_URL}",
      description = "Base URL of the log, e.g. http://127.0.0.1:3000 (env STELE_MONITOR_LOG_URL; required).")
  URI logUrl;

  @Option(names = "--log-key", paramLabel = "FILE", defaultValue = "${env:STELE_MONITOR_LOG_KEY}",
      description = "The log's public key, PEM (a Stele log serves it at /api/v1/log/publicKey; get it from a source you trust) (env STELE_MONITOR_LOG_KEY; required).")
  Path logKey;

  @Option(names = "--log-ca", paramLabel = "FILE", defaultValue = "${env:STELE_MONITOR_LOG_CA}",
      description = "PEM certificates to trust as TLS roots for the log and its mirrors, besides the system's"
          + " (a private log's CA) (env STELE_MONITOR_LOG_CA).")
  Path logCa;

  @Option(names = "--log-token-file", paramLabel = "FILE", defaultValue = "${env:STELE_MONITOR_LOG_TOKEN_FILE}",
      description = "A file holding the bearer token for a log that restricts reads; sent as Authorization: Bearer"
          + " to the --log-url's origin only, over HTTPS (or plain HTTP to a loopback IP literal)"
          + " (env STELE_MONITOR_LOG_TOKEN_FILE).")
  Path logTokenFile;

  @Option(names = "--log-name", paramLabel = "NAME", defaultValue = "${env:STELE_MONITOR_LOG_NAME}",
      description = "Checkpoint signer name (env STELE_MONITOR_LOG_NAME, default the host of --log-url).")
  String logName;

  @Option(names = "--state", paramLabel = "DIR", defaultValue = "${env:STELE_MONITOR_STATE:-./monitor-state}",
      description = "Directory of the state file (last verified checkpoint, positions) and of evidence/ (env STELE_MONITOR_STATE, default ${DEFAULT-VALUE}).")
  Path state;

  @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "${env:STELE_MONITOR_INTERVAL:-60s}",
      converter = DurationConverter.class,
      description = "Time between checks, e.g. 30s, 5m (env STELE_MONITOR_INTERVAL, default ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(names = "--unreachable-after", paramLabel = "DURATION",
      defaultValue = "${env:STELE_MONITOR_UNREACHABLE_AFTER:-10m}", converter = DurationConverter.class,
      description = "How long the log may give no usable answer before the UNREACHABLE alarm (env STELE_MONITOR_UNREACHABLE_AFTER, default ${DEFAULT-VALUE}).")
  Duration unreachableAfter;

  @Option(names = "--protocol", paramLabel = "auto|v1|tiles", defaultValue = "${env:STELE_MONITOR_PROTOCOL:-auto}",
      description = "Which face of the log to read: auto (checkpoints and proofs from the Rekor v1 API if present, entries from tlog-tiles if present), v1 or tiles (env STELE_MONITOR_PROTOCOL, default ${DEFAULT-VALUE}).")
  String protocol;

  @Option(names = "--webhook", paramLabel = "URL", defaultValue = "${env:STELE_MONITOR_WEBHOOK}",
      description = "POST each alarm and watch-list match as JSON to this URL (env STELE_MONITOR_WEBHOOK).")
  URI webhook;

  @Option(names = "--watch-key", paramLabel = "FILE", split = ",", defaultValue = "${env:STELE_MONITOR_WATCH_KEY}",
      description = "Alert on new entries signed by this PEM public key (or a certificate with it); repeatable (env STELE_MONITOR_WATCH_KEY, comma-separated).")
  List<Path> watchKeys = new ArrayList<>();

  @Option(names = "--watch-digest", paramLabel = "sha256:HEX", split = ",", defaultValue = "${env:STELE_MONITOR_WATCH_DIGEST}",
      description = "Alert on new entries naming this artifact digest; repeatable (env STELE_MONITOR_WATCH_DIGEST, comma-separated).")
  List<String> watchDigests = new ArrayList<>();

  @Option(names = "--mirror", paramLabel = "URL", split = ",", defaultValue = "${env:STELE_MONITOR_MIRROR}",
      description = "Another URL of the same log; its checkpoints must agree with ours (split view); repeatable (env STELE_MONITOR_MIRROR, comma-separated).")
  List<URI> mirrors = new ArrayList<>();

  @Option(names = "--peer", paramLabel = "URL|FILE", split = ",", defaultValue = "${env:STELE_MONITOR_PEER}",
      description = "A checkpoint from another monitor (its /checkpoint URL, or a file); must agree with ours; repeatable (env STELE_MONITOR_PEER, comma-separated).")
  List<String> peers = new ArrayList<>();

  @Option(names = "--split-view-tries", paramLabel = "N", defaultValue = "${env:STELE_MONITOR_SPLIT_VIEW_TRIES:-3}",
      description = "Checks in a row on which the log may fail to prove a mirror's or peer's validly signed checkpoint consistent with ours before that is a SPLIT_VIEW alarm; a proof that fails is one at once (env STELE_MONITOR_SPLIT_VIEW_TRIES, default ${DEFAULT-VALUE}).")
  int splitViewTries;

  @Option(names = "--audit", defaultValue = "${env:STELE_MONITOR_AUDIT:-false}",
      description = "Full audit: read every entry, recompute the tree, check every tile, entry and checkpoint; resumable (env STELE_MONITOR_AUDIT=true).")
  boolean audit;

  @Option(names = "--once", defaultValue = "${env:STELE_MONITOR_ONCE:-false}",
      description = "Check once and exit with a code that says healthy or which alarm (env STELE_MONITOR_ONCE=true).")
  boolean once;

  @Option(names = "--metrics-bind", paramLabel = "ADDRESS", defaultValue = "${env:STELE_MONITOR_METRICS_BIND:-127.0.0.1}",
      description = "Address of /metrics and /checkpoint (env STELE_MONITOR_METRICS_BIND, default ${DEFAULT-VALUE}).")
  String metricsBind;

  @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "${env:STELE_MONITOR_METRICS_PORT:-9464}",
      description = "Port of /metrics and /checkpoint; 0 picks a free one, -1 turns them off; not served with --once (env STELE_MONITOR_METRICS_PORT, default ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(names = "--read-threads", paramLabel = "N", defaultValue = "${env:STELE_MONITOR_READ_THREADS:-4}",
      description = "Concurrent requests while reading entries and tiles (env STELE_MONITOR_READ_THREADS, default ${DEFAULT-VALUE}).")
  int readThreads;

  @picocli.CommandLine.Mixin
  WitnessOptions witness;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line in this process and returns the exit code (for tests and benchmarks). */
  public static int run(String... args) {
    configureLogging();
    CommandLine cli = new CommandLine(new Main());
    cli.setUsageHelpLongOptionsMaxWidth(26);
    return cli.execute(args);
  }

  MonitorConfig config() throws IOException {
    if (logUrl == null) {
      throw new IllegalArgumentException("--log-url (or STELE_MONITOR_LOG_URL) is required");
    }
    if (logKey == null) {
      throw new IllegalArgumentException("--log-key (or STELE_MONITOR_LOG_KEY) is required");
    }
    LogSource.Protocol p;
    try {
      p = LogSource.Protocol.valueOf(protocol.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--protocol must be auto, v1 or tiles, got '" + protocol + "'");
    }
    List<PublicKey> keys = new ArrayList<>();
    for (Path k : watchKeys) {
      keys.add(readKey("--watch-key", k));
    }
    return new MonitorConfig(logUrl, readKey("--log-key", logKey), logName, state, interval, unreachableAfter, p,
        Optional.ofNullable(webhook), keys, watchDigests, mirrors, peers, splitViewTries, audit, once, metricsBind,
        metricsPort,
        readThreads, logRoots(), Optional.ofNullable(logTokenFile));
  }

  private List<X509Certificate> logRoots() throws IOException {
    if (logCa == null) {
      return List.of();
    }
    try {
      return TlsPair.certificates(Files.readAllBytes(logCa));
    } catch (KeyFileException e) {
      throw new IllegalArgumentException("--log-ca " + logCa + ": " + e.getMessage());
    }
  }

  private static PublicKey readKey(String option, Path file) throws IOException {
    try {
      return KeyFiles.readPublicKey(file);
    } catch (KeyFileException e) {
      throw new IllegalArgumentException(option + " " + file + ": " + e.getMessage());
    }
  }

  @Override
  public Integer call() {
    MonitorConfig config;
    Optional<WitnessOptions.Config> witnessConfig;
    try {
      witnessConfig = witness.config(state);
      if (witness.printVkey) {
        System.out.println(witnessConfig.orElseThrow().vkey());
        return 0;
      }
      config = config();
      new Watchlist(config.watchKeys(), config.watchDigests());
    } catch (IllegalArgumentException e) {
      System.err.println("stele-monitor: " + e.getMessage());
      return EXIT_USAGE;
    } catch (IOException e) {
      System.err.println("stele-monitor: " + e.getMessage());
      return EXIT_ERROR;
    }
    MonitorMetrics metrics = new MonitorMetrics();
    try (Monitor monitor = new Monitor(config, metrics, Clock.systemUTC())) {
      if (config.once()) {
        Monitor.Result r = monitor.check();
        System.out.println(summary(r));
        return r.exitCode();
      }
      return loop(config, monitor, metrics, witnessConfig);
    } catch (IOException | InvalidKeyException e) {
      System.err.println("stele-monitor: " + e.getMessage());
      return EXIT_ERROR;
    }
  }

  private static String summary(Monitor.Result r) {
    String size = r.verifiedSize() < 0 ? "none" : Long.toString(r.verifiedSize());
    if (!r.raised().isEmpty()) {
      return "ALARM " + r.raised().get(0) + " (exit " + r.exitCode() + "); all raised: " + r.raised()
          + "; verified tree size " + size;
    }
    return (r.checked() ? "healthy" : "not checked: the log gave no usable answer")
        + "; verified tree size " + size;
  }

  private static int loop(MonitorConfig config, Monitor monitor, MonitorMetrics metrics,
      Optional<WitnessOptions.Config> witnessConfig) throws IOException, InvalidKeyException {
    MetricsServer server = config.metricsPort() < 0 ? null
        : new MetricsServer(config.metricsBind(), config.metricsPort(), metrics, monitor::verifiedNote);
    if (server != null) {
      LOG.info("metrics on http://" + config.metricsBind() + ":" + server.port() + "/metrics");
    }
    WitnessServer witnessServer = witnessConfig.isPresent() ? startWitness(config, witnessConfig.get(), monitor, metrics)
        : null;
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(stop::countDown, "stele-monitor-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    LOG.info("monitoring " + config.logUrl() + " every " + config.interval().toSeconds() + " s");
    try {
      do {
        try {
          monitor.check();
        } catch (IOException | RuntimeException e) {
          LOG.log(Level.SEVERE, "check failed: " + e.getMessage(), e);
        }
      } while (!stop.await(config.interval().toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (server != null) {
        server.close();
      }
      if (witnessServer != null) {
        witnessServer.close();
      }
    }
    return 0;
  }

  /**
   * Starts the witness: it trusts the monitored log's key (its Rekor v1 key ID, under --log-name)
   * and the --witness-log keys, keeps its state in STATE/witness, and hands the evidence of a
   * misbehaving log to the monitor's alarms on a thread of its own (an answer never waits on a
   * webhook).
   */
  static WitnessServer startWitness(MonitorConfig config, WitnessOptions.Config w, Monitor monitor,
      MonitorMetrics metrics) throws IOException, InvalidKeyException {
    List<dev.stele.client.protocol.NoteVerifier> logs = new ArrayList<>();
    logs.add(dev.stele.client.protocol.NoteKeys.rekorVerifier(config.logName(), config.logKey()));
    logs.addAll(w.logs());
    java.util.concurrent.ExecutorService alarmThread = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "stele-witness-alarms");
      t.setDaemon(true);
      return t;
    });
    metrics.witnessEnabled();
    Witness witness = new Witness(w.cosigner(), logs, WitnessState.load(config.stateDir().resolve("witness")),
        a -> alarmThread.execute(() -> monitor.witnessAlarm(a)), metrics);
    WitnessServer server = new WitnessServer(w.bind(), w.port(), witness);
    LOG.info("witness " + w.vkey() + " on http://" + w.bind() + ":" + server.port() + " (add-checkpoint) for "
        + logs.stream().map(dev.stele.client.protocol.NoteVerifier::keyName).toList());
    return server;
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
      return new String[] {"stele-monitor " + (v != null ? v : "(development build)")};
    }
  }
}
