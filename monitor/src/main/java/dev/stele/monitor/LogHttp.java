package dev.stele.monitor;

import dev.stele.client.http.HttpException;
import dev.stele.client.http.HttpTransport;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads from one URL of a log through the client library's {@link HttpTransport} (HTTP/1.1,
 * deadlines, retries with jitter honouring {@code Retry-After}, a size cap, same-origin
 * redirects only), turning anything but a {@code 200} into a {@link LogUnavailableException}
 * that keeps the answer's raw body: evidence must be the log's own bytes.
 *
 * <p>Thread-safe.
 */
final class LogHttp {
  /** The largest body read: an entry bundle holds at most 256 entries of 64 KiB. */
  static final int MAX_BODY = 17 << 20;

  private final URI base;
  private final HttpTransport transport;

  LogHttp(URI base, HttpTransport transport) {
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.transport = Objects.requireNonNull(transport);
  }

  /**
   * The transport for a log's reads: a few attempts, since a monitor checks again at the next
   * interval anyway; and a {@code Retry-After} of up to 30 s, half the default interval. {@code
   * roots} are trusted for TLS besides the system's; the token in {@code tokenFile}, if any, goes to
   * {@code origin} only.
   *
   * @throws IOException if the token file cannot be read
   * @throws IllegalArgumentException if the token may not go to {@code origin} (plain HTTP to
   *     another host than a loopback IP literal)
   */
  static HttpTransport newTransport(List<X509Certificate> roots, Optional<Path> tokenFile, URI origin)
      throws IOException {
    HttpTransport.Builder b = HttpTransport.builder()
        .connectTimeout(Duration.ofSeconds(5))
        .timeout(Duration.ofSeconds(30))
        .bodyTimeout(Duration.ofSeconds(30))
        .maxAttempts(3)
        .backoff(Duration.ofMillis(250), Duration.ofSeconds(2))
        .maxRetryAfter(Duration.ofSeconds(30))
        .maxBodyBytes(MAX_BODY)
        .userAgent("stele-monitor");
    if (!roots.isEmpty()) {
      b.trustRoots(roots);
    }
    if (tokenFile.isPresent()) {
      b.bearerToken(origin, HttpTransport.Builder.readTokenFile(tokenFile.get()));
    }
    return b.build();
  }

  URI base() {
    return base;
  }

  /** The full URL of {@code path} (which starts with {@code /}). */
  String url(String path) {
    return base + path;
  }

  /**
   * GETs {@code path} and returns the body of a 200 answer.
   *
   * @throws LogUnavailableException naming the URL and what went wrong; {@link #isNotFound} tells
   *     a 404 apart
   */
  byte[] get(String path) throws LogUnavailableException {
    return send(HttpTransport.Request.get(URI.create(url(path))));
  }

  /** GETs an absolute URL (for peers, which are not under the log's base URL). */
  byte[] get(URI url) throws LogUnavailableException {
    return send(HttpTransport.Request.get(url));
  }

  /** POSTs a JSON query to {@code path} (a read: safe to repeat) and returns the body of a 200 answer. */
  byte[] postJson(String path, byte[] json) throws LogUnavailableException {
    return send(HttpTransport.Request.post(URI.create(url(path)), "application/json", json).retrySafe());
  }

  static boolean isNotFound(LogUnavailableException e) {
    return e.status() == 404;
  }

  private byte[] send(HttpTransport.Request request) throws LogUnavailableException {
    HttpTransport.Response r;
    try {
      r = transport.send(request.header("Accept", "*/*"));
    } catch (HttpException e) {
      byte[] body = e.response().map(HttpTransport.Response::body).orElse(null);
      throw new LogUnavailableException(e.getMessage() + (body == null ? "" : describe(body)), e.status().orElse(0),
          body, e);
    }
    byte[] body = r.body();
    if (r.status() != 200) {
      throw new LogUnavailableException(request + ": HTTP " + r.status() + describe(body), r.status(), body, null);
    }
    return body;
  }

  /** A short, printable excerpt of an error body. */
  private static String describe(byte[] body) {
    String text = Evidence.text(body);
    if (text == null || text.isBlank()) {
      return "";
    }
    text = text.strip().replaceAll("[\\p{Cntrl}]", " ");
    return ": " + (text.length() > 200 ? text.substring(0, 200) + "..." : text);
  }

  @Override
  public String toString() {
    return base.toString();
  }
}
