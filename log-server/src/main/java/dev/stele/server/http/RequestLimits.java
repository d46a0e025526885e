package dev.stele.server.http;

import java.time.Duration;

/**
 * What one client may hold of the server at a time, resolved and checked; the options and their
 * {@code STELE_*} variables are in {@code LimitOptions}. Every bound keeps work or memory that a
 * client chooses from growing without limit (issue 12; log-server/README.md, "Admission control").
 *
 * @param maxConnections open connections at most, all clients together. Default 1024. One more is
 *     closed as soon as it is accepted; each open connection holds a little memory and, until its
 *     deadlines pass, a slot.
 * @param verifyQueue requests ({@code POST /api/v1/log/entries}, and retrieves, which may name
 *     proposed entries) that may at once be reading their body, waiting for a verify thread or
 *     being verified. Default 256. One more gets 503 with {@code Retry-After} before its body is
 *     read, so that verification work and the bodies held for it stay bounded: at most this many
 *     times {@code --body-limit} bytes.
 * @param queryBodyLimit largest body of a search or retrieve request, in bytes. Default 64 KiB: a
 *     search needs a few hundred bytes, a certificate chain a few KB, ten proposed entries to
 *     look up a few KB more.
 * @param requestTimeout longest time from a request's headers to its answer. Default 10 s. A body
 *     that has not arrived by then gets 408 and the connection is closed; an answer the server
 *     has not made by then is 503 with {@code Retry-After}, and work still queued for the request
 *     is skipped.
 * @param headerTimeout longest time a connection may take to send a request's headers, from when
 *     it was opened or the previous answer was sent (so also the longest idle keep-alive).
 *     Default 20 s; then the connection is closed.
 */
public record RequestLimits(int maxConnections, int verifyQueue, long queryBodyLimit, Duration requestTimeout,
    Duration headerTimeout) {
  /** The defaults above. */
  public static final RequestLimits DEFAULTS =
      new RequestLimits(1024, 256, 64 * 1024, Duration.ofSeconds(10), Duration.ofSeconds(20));

  public RequestLimits {
    if (maxConnections < 1) throw new IllegalArgumentException("--max-connections must be at least 1");
    if (verifyQueue < 1) throw new IllegalArgumentException("--verify-queue must be at least 1");
    if (queryBodyLimit < 1024) throw new IllegalArgumentException("--query-body-limit must be at least 1024 bytes");
    if (requestTimeout.toMillis() < 100) throw new IllegalArgumentException("--request-timeout-ms must be at least 100");
    if (headerTimeout.toMillis() < 100) throw new IllegalArgumentException("--header-timeout-ms must be at least 100");
  }
}
