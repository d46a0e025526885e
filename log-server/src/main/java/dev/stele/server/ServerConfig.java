package dev.stele.server;

import dev.stele.server.distributed.DistributedStorage;
import dev.stele.server.http.RequestLimits;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything an operator can set, resolved and checked. Each field says what it is, its default
 * and why; the command line (and the {@code STELE_*} environment variables) are in {@link Main}.
 *
 * @param port TCP port for the HTTP API. Default 3000. 0 picks a free port (tests).
 * @param bind address to listen on. Default 127.0.0.1, so that a log started by hand is not
 *     exposed by accident; use 0.0.0.0 in a container.
 * @param dataDir the embedded store's directory. Default {@code ./data}. It holds the RocksDB
 *     store and, unless {@code key} is given, the generated log key.
 * @param key PEM PKCS#8 ECDSA P-256 private key of the log. When absent, {@code
 *     <dataDir>/log-key.pem} is used, and generated on first start. ECDSA P-256 is the one key
 *     type both Sigstore clients accept for checkpoints and SETs.
 * @param publicUrl the URL clients use to reach the log, if set. Its bare host (no scheme, no
 *     port) names the checkpoint signer and starts the checkpoint origin, because clients match
 *     the signer name against the host of the URL they trust. Default {@code
 *     http://127.0.0.1:<port>}.
 * @param treeId the tree ID of a new log (printed in checkpoint origins and entry IDs). Only
 *     used when the store is created; absent means a random positive 63-bit number.
 * @param maxBatchSize entries per sequenced batch at most. Default 1000. Each batch costs one
 *     synced write and one checkpoint signature; larger batches amortize both.
 * @param maxBatchAge how long the first entry of a batch waits for others. Default 5 ms: short
 *     against the 100 ms latency budget, long enough to group concurrent submissions.
 * @param queueSize verified entries that may wait for the sequencer. Default 20000. Beyond that
 *     submissions get 503 with Retry-After rather than unbounded latency.
 * @param bodyLimit largest request body in bytes. Default 1 MiB (a DSSE envelope carries its
 *     payload; canonical bodies themselves are limited to 65535 bytes by the tile format).
 * @param verifyThreads threads verifying entry signatures. Default: one per core.
 * @param readThreads threads serving reads from the store. Default: two per core.
 * @param limits connections, deadlines, verification slots and body limits of search and
 *     retrieve: what one client may hold ({@link RequestLimits}, with the defaults there).
 * @param distributed where the distributed driver keeps the log ({@code --storage postgres}):
 *     PostgreSQL and an S3-compatible bucket; empty for the embedded RocksDB store in {@code
 *     dataDir}, the default.
 */
public record ServerConfig(
    int port,
    String bind,
    Path dataDir,
    Optional<Path> key,
    Optional<URI> publicUrl,
    Optional<Long> treeId,
    int maxBatchSize,
    Duration maxBatchAge,
    int queueSize,
    long bodyLimit,
    int verifyThreads,
    int readThreads,
    RequestLimits limits,
    Optional<DistributedStorage> distributed,
    boolean importedSetsInBackground) {

  public ServerConfig {
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(distributed, "distributed");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be 0..65535, got " + port);
    if (maxBatchSize < 1) throw new IllegalArgumentException("--batch-size must be at least 1");
    if (maxBatchAge.isNegative()) throw new IllegalArgumentException("--batch-age-ms must be >= 0");
    if (queueSize < 1) throw new IllegalArgumentException("--queue-size must be at least 1");
    if (bodyLimit < 1024) throw new IllegalArgumentException("--body-limit must be at least 1024 bytes");
    if (verifyThreads < 1) throw new IllegalArgumentException("--verify-threads must be at least 1");
    if (readThreads < 1) throw new IllegalArgumentException("--read-threads must be at least 1");
    if (treeId.isPresent() && treeId.get() <= 0) {
      throw new IllegalArgumentException("--tree-id must be positive");
    }
    publicUrl.ifPresent(u -> {
      if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
        throw new IllegalArgumentException("--public-url must be an http(s) URL with a host, got " + u);
      }
    });
  }

  /** The embedded store (the default), with the default {@link RequestLimits}. */
  public ServerConfig(int port, String bind, Path dataDir, Optional<Path> key, Optional<URI> publicUrl,
      Optional<Long> treeId, int maxBatchSize, Duration maxBatchAge, int queueSize, long bodyLimit,
      int verifyThreads, int readThreads) {
    this(port, bind, dataDir, key, publicUrl, treeId, maxBatchSize, maxBatchAge, queueSize, bodyLimit,
        verifyThreads, readThreads, RequestLimits.DEFAULTS);
  }

  /** The embedded store (the default), with these {@link RequestLimits}. */
  public ServerConfig(int port, String bind, Path dataDir, Optional<Path> key, Optional<URI> publicUrl,
      Optional<Long> treeId, int maxBatchSize, Duration maxBatchAge, int queueSize, long bodyLimit,
      int verifyThreads, int readThreads, RequestLimits limits) {
    this(port, bind, dataDir, key, publicUrl, treeId, maxBatchSize, maxBatchAge, queueSize, bodyLimit,
        verifyThreads, readThreads, limits, Optional.empty(), true);
  }

  /** This configuration with the distributed driver. */
  public ServerConfig withDistributed(DistributedStorage storage) {
    return new ServerConfig(port, bind, dataDir, key, publicUrl, treeId, maxBatchSize, maxBatchAge, queueSize,
        bodyLimit, verifyThreads, readThreads, limits, Optional.of(storage), importedSetsInBackground);
  }

  /** This configuration with imported entries' SETs signed only on their first read ({@code --imported-sets on-read}). */
  public ServerConfig withImportedSetsOnRead() {
    return new ServerConfig(port, bind, dataDir, key, publicUrl, treeId, maxBatchSize, maxBatchAge, queueSize,
        bodyLimit, verifyThreads, readThreads, limits, distributed, false);
  }

  /** The key file: the one given, or the one in the data directory. */
  public Path keyFile() {
    return key.orElse(dataDir.resolve("log-key.pem"));
  }

  /** The public URL for a server listening on {@code actualPort}. */
  public URI publicUrl(int actualPort) {
    return publicUrl.orElse(URI.create("http://127.0.0.1:" + actualPort));
  }
}
