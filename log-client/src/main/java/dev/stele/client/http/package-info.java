/**
 * HTTP for every client of a log: {@link dev.stele.client.http.HttpTransport} on
 * {@code java.net.http} (HTTP/1.1; connect, header and body deadlines; retries with jitter
 * honouring {@code Retry-After}; a size cap per call; the raw answer kept; same-origin redirects
 * only). {@code rekor.RekorClient}, the tlog-tiles checkpoint source and the monitor all use it,
 * so they fail, retry and cap alike.
 */
package dev.stele.client.http;
