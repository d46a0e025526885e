package dev.stele.server;

import dev.stele.server.http.RequestLimits;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The options of admission control ({@link RequestLimits}, which says what each bounds and why),
 * each also an {@code STELE_*} environment variable; a picocli mixin of {@link Main}.
 */
final class LimitOptions {
  @Option(names = "--max-connections", paramLabel = "N", defaultValue = "${env:STELE_MAX_CONNECTIONS:-1024}",
      description = "Most open connections, all clients together; one more is closed when accepted (env STELE_MAX_CONNECTIONS, default ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(names = "--verify-queue", paramLabel = "N", defaultValue = "${env:STELE_VERIFY_QUEUE:-256}",
      description = "Requests that may at once be reading a proposed entry, waiting for a verify thread or being verified; one more gets 503 with Retry-After before its body is read (env STELE_VERIFY_QUEUE, default ${DEFAULT-VALUE}).")
  int verifyQueue;

  @Option(names = "--query-body-limit", paramLabel = "BYTES", defaultValue = "${env:STELE_QUERY_BODY_LIMIT:-65536}",
      description = "Largest body of a search or retrieve request, in bytes; larger ones get 413 (env STELE_QUERY_BODY_LIMIT, default ${DEFAULT-VALUE}).")
  long queryBodyLimit;

  @Option(names = "--request-timeout-ms", paramLabel = "MS", defaultValue = "${env:STELE_REQUEST_TIMEOUT_MS:-10000}",
      description = "Longest time from a request's headers to its answer: a body not arrived by then gets 408, an answer not ready 503 with Retry-After (env STELE_REQUEST_TIMEOUT_MS, default ${DEFAULT-VALUE}).")
  long requestTimeoutMs;

  @Option(names = "--header-timeout-ms", paramLabel = "MS", defaultValue = "${env:STELE_HEADER_TIMEOUT_MS:-20000}",
      description = "Longest time a connection may take to send a request's headers, from its opening or the previous answer (so also the longest idle keep-alive); then it is closed (env STELE_HEADER_TIMEOUT_MS, default ${DEFAULT-VALUE}).")
  long headerTimeoutMs;

  /** The limits these options give. */
  RequestLimits resolve() {
    return new RequestLimits(maxConnections, verifyQueue, queryBodyLimit, Duration.ofMillis(requestTimeoutMs),
        Duration.ofMillis(headerTimeoutMs));
  }
}
