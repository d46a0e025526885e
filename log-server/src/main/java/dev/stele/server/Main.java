package dev.stele.server;

import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.Signer;
import dev.stele.client.crypto.VerifierCache;
import dev.stele.server.http.HttpVerticle;
import dev.stele.server.http.LogServices;
import dev.stele.server.http.RequestGuards;
import dev.stele.server.log.LogIdentity;
import dev.stele.server.log.TreeState;
import dev.stele.server.metrics.ServerMetrics;
import dev.stele.server.read.LogReader;
import dev.stele.server.read.PublishedHead;
import dev.stele.server.sequencer.Sequencer;
import dev.stele.server.sequencer.SequencerStore;
import dev.stele.server.sign.CheckpointKeys;
import dev.stele.server.sign.LogKeys;
import dev.stele.server.sign.LogSigner;
import dev.stele.server.sign.Pkcs11Uri;
import dev.stele.server.storage.LogStore;
import dev.stele.server.read.SetFiller;
import dev.stele.server.storage.RocksLogStore;
import dev.stele.server.distributed.Frontend;
import dev.stele.server.distributed.PgLogStore;
import dev.stele.server.sequencer.Appender;
import dev.stele.merkle.tiles.TileReader;
import dev.stele.server.witness.WitnessCollector;
import dev.stele.server.witness.WitnessConfig;
import dev.stele.server.log.TileCache;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The log server: reads the configuration, opens and checks the store, starts the sequencer and
 * the HTTP API, and on SIGTERM closes everything in reverse order.
 */
@Command(
    name = "stele-server",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    sortOptions = false,
    description = {
        "Runs a Stele transparency log: the Sigstore Rekor v1 REST API, the Rekor v2 API and C2SP "
            + "tlog-tiles over one Merkle tree, in an embedded RocksDB store or, for several frontends,"
            + " in PostgreSQL and an S3-compatible object store.",
        "Every option can also be set with the environment variable shown; the option wins."},
    footer = {"", "Example: stele-server --data-dir ./data --port 3000"},
    subcommands = {TrustCommand.class, HsmKeygenCommand.class, ImportCommand.class, MigrateCommand.class})
public final class Main implements Callable<Integer> {
  private static final Logger LOG = Logger.getLogger(Main.class.getName());

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "${env:STELE_PORT:-3000}",
      description = "TCP port of the HTTP API; 0 picks a free one (env STELE_PORT, default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "${env:STELE_BIND:-127.0.0.1}",
      description = "Address to listen on; 0.0.0.0 for all interfaces (env STELE_BIND, default ${DEFAULT-VALUE}).")
  String bind;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:STELE_DATA_DIR:-./data}",
      description = "Directory of the embedded store, and of the generated log key unless --key is given (env STELE_DATA_DIR, default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--key", paramLabel = "FILE|URI", defaultValue = "${env:STELE_KEY}",
      description = "PEM PKCS#8 ECDSA P-256 private key of the log (mode 600; encrypted ones take their password from --key-password-file or STELE_KEY_PASSWORD), or a PKCS#11 URI (RFC 7512) of the key on a token, e.g. pkcs11:token=stele;object=log-key. Without it, DATA_DIR/log-key.pem is used, and generated on first start (env STELE_KEY).")
  String key;

  @Option(names = "--public-key-file", paramLabel = "FILE", defaultValue = "${env:STELE_PUBLIC_KEY_FILE}",
      description = "Also write the log's public key (PEM) to FILE at every start, for monitors and verifiers beside the log to read; the private key never leaves --key (env STELE_PUBLIC_KEY_FILE).")
  Path publicKeyFile;

  @Option(names = "--public-url", paramLabel = "URL", defaultValue = "${env:STELE_PUBLIC_URL}",
      description = "The URL clients use to reach the log. Its bare host is the checkpoint signer name and origin, and cannot change once the log exists (env STELE_PUBLIC_URL, default http://127.0.0.1:PORT).")
  URI publicUrl;

  @Option(names = "--tree-id", paramLabel = "ID", defaultValue = "${env:STELE_TREE_ID}",
      description = "Tree ID of a new log, shown in checkpoint origins and entry IDs; ignored for an existing log (env STELE_TREE_ID, default random).")
  Long treeId;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "${env:STELE_BATCH_SIZE:-1000}",
      description = "Most entries sequenced in one batch (one synced write, one checkpoint) (env STELE_BATCH_SIZE, default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--batch-age-ms", paramLabel = "MS", defaultValue = "${env:STELE_BATCH_AGE_MS:-5}",
      description = "Longest time the first entry of a batch waits for others, in milliseconds (env STELE_BATCH_AGE_MS, default ${DEFAULT-VALUE}).")
  long batchAgeMs;

  @Option(names = "--queue-size", paramLabel = "N", defaultValue = "${env:STELE_QUEUE_SIZE:-20000}",
      description = "Verified entries that may wait for the sequencer; beyond that, 503 with Retry-After (env STELE_QUEUE_SIZE, default ${DEFAULT-VALUE}).")
  int queueSize;

  @Option(names = "--body-limit", paramLabel = "BYTES", defaultValue = "${env:STELE_BODY_LIMIT:-1048576}",
      description = "Largest request body accepted, in bytes; larger ones get 413 (env STELE_BODY_LIMIT, default ${DEFAULT-VALUE}).")
  long bodyLimit;

  @Option(names = "--verify-threads", paramLabel = "N", defaultValue = "${env:STELE_VERIFY_THREADS:-0}",
      description = "Threads verifying entry signatures; 0 means one per core (env STELE_VERIFY_THREADS, default ${DEFAULT-VALUE}).")
  int verifyThreads;

  @Option(names = "--read-threads", paramLabel = "N", defaultValue = "${env:STELE_READ_THREADS:-0}",
      description = "Threads serving reads from the store; 0 means two per core (env STELE_READ_THREADS, default ${DEFAULT-VALUE}).")
  int readThreads;

  @Option(names = "--imported-sets", paramLabel = "background|on-read",
      defaultValue = "${env:STELE_IMPORTED_SETS:-background}",
      description = "When to sign the SETs that 'stele-server import' leaves unsigned: background (from start-up,"
          + " on half a core at most; an entry read before that is signed on its read) or on-read (only when an"
          + " entry is first read: for a log key whose signatures are rationed, such as some HSMs)"
          + " (env STELE_IMPORTED_SETS, default ${DEFAULT-VALUE}).")
  String importedSets;

  @picocli.CommandLine.Mixin
  WitnessOptions witnesses;

  @CommandLine.Mixin
  LimitOptions limits = new LimitOptions();

  @CommandLine.Mixin
  StorageOptions storage;

  @CommandLine.Mixin
  SecurityOptions security;

  public static void main(String[] args) {
    Logging.configure();
    CommandLine cli = new CommandLine(new Main());
    cli.setUsageHelpLongOptionsMaxWidth(24);
    int code = cli.execute(args);
    if (code != 0) System.exit(code);
    // Otherwise the server runs on its own threads until SIGTERM.
  }

  ServerConfig config() {
    int cores = Runtime.getRuntime().availableProcessors();
    Optional<Path> keyFile = key == null || Pkcs11Uri.isUri(key) ? Optional.empty() : Optional.of(Path.of(key));
    return new ServerConfig(port, bind, dataDir, keyFile, Optional.ofNullable(publicUrl),
        Optional.ofNullable(treeId), batchSize, Duration.ofMillis(batchAgeMs), queueSize, bodyLimit,
        verifyThreads > 0 ? verifyThreads : cores, readThreads > 0 ? readThreads : 2 * cores, limits.resolve(),
        storage.distributed(), importedSetsInBackground());
  }

  private boolean importedSetsInBackground() {
    return switch (importedSets) {
      case "background" -> true;
      case "on-read" -> false;
      default -> throw new IllegalArgumentException("--imported-sets must be background or on-read, got '"
          + importedSets + "'");
    };
  }

  @Override
  public Integer call() throws Exception {
    ServerConfig config;
    WitnessConfig witnessConfig;
    SecurityConfig exposure;
    try {
      config = config();
      witnessConfig = witnesses.config();
      exposure = security.config(key);
    } catch (IllegalArgumentException e) {
      System.err.println("stele-server: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      System.err.println("stele-server: cannot read --witness-policy: " + e);
      return 1;
    }
    try {
      Server server = Server.start(config, exposure, witnessConfig, new VertxOptions(), UnaryOperator.identity());
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "stele-shutdown"));
      if (publicKeyFile != null) {
        try {
          writePublicKey(server.signer().publicKeyPem());
        } catch (IOException e) {
          System.err.println("stele-server: cannot write the public key to " + publicKeyFile + ": " + e);
          server.close();
          return 1;
        }
      }
      return 0;
    } catch (LogLoader.StartupException e) {
      System.err.println("stele-server: refusing to serve: " + e.getMessage());
      return 1;
    }
  }

  /** Writes the public key to {@link #publicKeyFile} atomically (a reader never sees half a key). */
  private void writePublicKey(String pem) throws IOException {
    Path target = publicKeyFile.toAbsolutePath();
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), ".log-key", ".pub.tmp");
    try {
      Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    LOG.info("wrote the log's public key to " + target);
  }

  /** The running server; {@link #close} is the orderly shutdown. */
  public static final class Server implements AutoCloseable {
    private final LogStore store;
    private final Appender sequencer;
    private final AutoCloseable writer;
    private final Vertx vertx;
    private final AtomicInteger inFlight;
    private final int port;
    private final URI publicUrl;
    private final LogSigner signer;
    private final WitnessCollector witnesses;
    private final SetFiller setFiller;
    private final Listeners listeners;
    private volatile boolean closed;

    private Server(LogStore store, Appender sequencer, AutoCloseable writer, Vertx vertx, AtomicInteger inFlight,
        int port, URI publicUrl, LogSigner signer, WitnessCollector witnesses, SetFiller setFiller,
        Listeners listeners) {
      this.witnesses = witnesses;
      this.setFiller = setFiller;
      this.store = store;
      this.sequencer = sequencer;
      this.writer = writer;
      this.vertx = vertx;
      this.inFlight = inFlight;
      this.port = port;
      this.publicUrl = publicUrl;
      this.signer = signer;
      this.listeners = listeners;
    }

    /** Opens the store, checks it, and serves it. */
    public static Server start(ServerConfig config) throws Exception {
      return start(config, new VertxOptions(), UnaryOperator.identity());
    }

    /**
     * As {@link #start(ServerConfig)}, with Vert.x options to start from (tests set a short
     * blocked-thread limit) and a decorator around the store the sequencer writes to (tests
     * inject faults with it).
     */
    public static Server start(ServerConfig config, VertxOptions vertxOptions,
        UnaryOperator<SequencerStore> storeDecorator) throws Exception {
      return start(config, SecurityConfig.NONE, WitnessConfig.defaults(), vertxOptions, storeDecorator);
    }

    /** As above, exposed and keyed as {@code security} says (TLS, tokens, admin listener, HSM). */
    public static Server start(ServerConfig config, SecurityConfig security, VertxOptions vertxOptions,
        UnaryOperator<SequencerStore> storeDecorator) throws Exception {
      return start(config, security, WitnessConfig.defaults(), vertxOptions, storeDecorator);
    }

    /** As {@link #start(ServerConfig, VertxOptions, UnaryOperator)}, with a checkpoint key and witnesses. */
    public static Server start(ServerConfig config, WitnessConfig witnessConfig, VertxOptions vertxOptions,
        UnaryOperator<SequencerStore> storeDecorator) throws Exception {
      return start(config, SecurityConfig.NONE, witnessConfig, vertxOptions, storeDecorator);
    }

    /**
     * The server exposed and keyed as {@code security} says (TLS, tokens, admin listener, HSM),
     * with the checkpoint key and witnesses of {@code witnessConfig}.
     */
    public static Server start(ServerConfig config, SecurityConfig security, WitnessConfig witnessConfig,
        VertxOptions vertxOptions, UnaryOperator<SequencerStore> storeDecorator) throws Exception {
      if (config.distributed().isPresent() && witnessConfig.policy().isPresent()) {
        // The collector keeps cosigned checkpoints in the embedded store and listens to the one
        // sequencer of this process; with the distributed driver the integrator may be another
        // frontend, and PostgreSQL has no place for cosignatures yet.
        throw new LogLoader.StartupException("--witness-policy is not supported with --storage postgres yet:"
            + " witnesses need the embedded store (log-server/README.md, distributed storage)");
      }
      Signer key = LogKeys.load(config.keyFile(), config.key().isEmpty() && security.keys().pkcs11().isEmpty(),
          security.keys());
      Signer checkpointKey = CheckpointKeys.loadOrGenerate(witnessConfig.checkpointKeyFile(config.dataDir()),
          witnessConfig.checkpointKey().isEmpty(), security.keys().passwordFile());
      Listeners listeners = Listeners.prepare(security);
      RocksLogStore rocks = null;
      LogStore store = config.distributed().isPresent() ? PgLogStore.open(config.distributed().get())
          : (rocks = RocksLogStore.open(config.dataDir()));
      Appender sequencer = null;
      AutoCloseable writer = null;
      WitnessCollector collector = null;
      SetFiller setFiller = null;
      Vertx vertx = null;
      try {
        long newTreeId = config.treeId().orElseGet(() -> ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
        LogIdentity identity = LogLoader.identity(store, PublicKeys.logId(key.publicKey()), newTreeId);
        // The signer name is fixed by the configured URL, or the default one; with port 0 the
        // actual port is not known yet, but the name is the bare host and does not include it.
        URI nameSource = config.publicUrl(config.port());
        LogSigner signer = new LogSigner(key, checkpointKey, nameSource.getHost(), identity.treeId());
        ServerMetrics metrics = new ServerMetrics();
        Sequencer.Config batching = new Sequencer.Config(config.maxBatchSize(), config.maxBatchAge(), config.queueSize(),
            config.limits().requestTimeout());
        TreeState head;
        TileReader writes;
        PublishedHead published;
        if (rocks != null) {
          head = LogLoader.load(rocks, signer);
          SequencerStore decorated = storeDecorator.apply(rocks);
          Sequencer seq = new Sequencer(decorated, head, signer, batching, System::currentTimeMillis, metrics);
          sequencer = seq;
          writer = seq;
          writes = decorated;
          metrics.bindStore(rocks.figures());
          if (witnessConfig.policy().isPresent()) {
            collector = WitnessCollector.start(witnessConfig.policy().get(), witnessConfig.failClosed(),
                witnessConfig.timeout(), seq, rocks, signer, metrics);
          }
          published = collector != null ? collector : PublishedHead.of(seq);
          seq.start();
          if (config.importedSetsInBackground()) {
            setFiller = SetFiller.startIfNeeded(rocks, signer, metrics, head.size());
          }
        } else {
          PgLogStore pg = (PgLogStore) store;
          head = LogLoader.loadDistributed(pg, signer);
          Frontend frontend = new Frontend(pg, head, signer, batching, System::currentTimeMillis, metrics,
              nameSource.getHost() + ":" + config.port());
          frontend.start();
          sequencer = frontend;
          writer = frontend;
          writes = pg;
          published = PublishedHead.of(frontend);
        }
        Appender seq = sequencer;
        metrics.bindState(() -> seq.head().size(), seq::queueDepth);

        int loops = Runtime.getRuntime().availableProcessors();
        vertx = Vertx.vertx(new VertxOptions(vertxOptions).setEventLoopPoolSize(loops));
        WorkerExecutor verifyPool = vertx.createSharedWorkerExecutor("stele-verify", config.verifyThreads());
        WorkerExecutor readPool = vertx.createSharedWorkerExecutor("stele-read", config.readThreads());
        // Proofs read tiles through the store as the sequencer sees it, so that a test's fault
        // decorator reaches them too.
        LogReader reader = new LogReader(store, writes, sequencer, signer, identity, metrics, published,
            witnessConfig.v1AllLines());
        RocksLogStore backupStore = rocks;
        LogServices services = new LogServices(reader, sequencer, metrics, verifyPool,
            new VerifierCache(VerifierCache.DEFAULT_CAPACITY), readPool,
            new TileCache<>(8192, (old, fresh) -> old), new TileCache<>(64, (old, fresh) -> old), config.bodyLimit(),
            new RequestGuards(config.limits()));
        metrics.bindAdmission(services.guards()::openConnections, services.guards()::verifying);

        AtomicInteger inFlight = new AtomicInteger();
        // One HTTP verticle per event loop, all on one port. Port 0 becomes Vert.x's shared
        // random port (-1), so that every instance listens on the same free port.
        int listenPort = config.port() == 0 ? -1 : config.port();
        HttpVerticle first = null;
        for (int i = 0; i < loops; i++) {
          HttpVerticle v = new HttpVerticle(services, listenPort, config.bind(), inFlight, listeners.surface());
          vertx.deployVerticle(v).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
          if (first == null) first = v;
        }
        int actual = first.actualPort();
        URI url = config.publicUrl(actual);
        // Online backups copy the embedded store; PostgreSQL and the object store have their own.
        listeners.startAdmin(vertx, services, backupStore == null ? null : security.backupDir()
            .map(d -> new Backup(backupStore, signer, identity, d)).orElse(null));
        listeners.watch(true);
        LOG.info("Stele log listening on " + (security.tls() ? "https" : "http") + "://" + config.bind() + ":" + actual
            + " (public URL " + url
            + ", tree size " + head.size() + ", tree ID " + identity.treeId() + ", log ID "
            + signer.logId().hex() + ", signer name " + signer.signerName() + ", checkpoint key "
            + signer.checkpointVkey().orElse("none") + ", storage " + store.describe() + ")");
        return new Server(store, sequencer, writer, vertx, inFlight, actual, url, signer, collector, setFiller,
            listeners);
      } catch (Exception | Error e) {
        listeners.close();
        if (vertx != null) vertx.close();
        if (setFiller != null) setFiller.close();
        if (collector != null) collector.close();
        if (writer != null) writer.close();
        store.close();
        throw e;
      }
    }

    public int port() {
      return port;
    }

    public URI publicUrl() {
      return publicUrl;
    }

    public LogSigner signer() {
      return signer;
    }

    /** The admin listener's port, if there is one. */
    public Optional<Integer> adminPort() {
      return listeners.adminPort();
    }

    /** Reloads the TLS and token files now, as SIGHUP does (tests). */
    void reloadNow() throws Exception {
      listeners.reloadNow();
    }

    /** The store, for tests that audit what is on disk. */
    LogStore store() {
      return store;
    }

    /** The write side, for tests. */
    Appender sequencer() {
      return sequencer;
    }

    /**
     * Orderly shutdown: refuse new entries, sequence and answer what is queued, give answers in
     * flight a moment to be written, stop HTTP, close the store.
     */
    @Override
    public synchronized void close() {
      if (closed) return;
      closed = true;
      Logging.direct(Main.class, "shutting down: finishing queued entries");
      listeners.close();
      try {
        writer.close();
        if (witnesses != null) witnesses.close();
        if (setFiller != null) setFiller.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) Thread.sleep(10);
        // Stop listening before the worker pools go away, then everything else.
        for (String id : vertx.deploymentIDs()) {
          vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        Logging.direct(Main.class, "shutdown: " + e);
        if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      } finally {
        store.close();
        Logging.direct(Main.class, "store closed");
      }
    }
  }

  /** Version from the jar manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"stele-server " + (v != null ? v : "(development build)")};
    }
  }
}
