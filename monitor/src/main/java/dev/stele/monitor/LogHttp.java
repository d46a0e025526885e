package dev.stele.monitor;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * Raw HTTP reads from one URL of a log, with {@code java.net.http}: the body exactly as served
 * (evidence must be the log's own bytes), a timeout on every call, and a few retries with backoff
 * for failures that may pass (no connection, timeouts, 429, 5xx).
 *
 * <p>Thread-safe.
 */
final class LogHttp {
  /** The largest body read: an entry bundle holds at most 256 entries of 64 KiB. */
  static final int MAX_BODY = 17 << 20;
  private static final int ATTEMPTS = 3;

  private final URI base;
  private final HttpClient client;
  private final Duration timeout;
  private final Duration backoff;

  LogHttp(URI base, HttpClient client, Duration timeout, Duration backoff) {
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.client = Objects.requireNonNull(client);
    this.timeout = timeout;
    this.backoff = backoff;
  }

  static HttpClient newClient() {
    return HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
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
    return send(HttpRequest.newBuilder(URI.create(url(path))).GET());
  }

  /** GETs an absolute URL (for peers, which are not under the log's base URL). */
  byte[] get(URI url) throws LogUnavailableException {
    return send(HttpRequest.newBuilder(url).GET());
  }

  /** POSTs a JSON body to {@code path} and returns the body of a 200 answer. */
  byte[] postJson(String path, byte[] json) throws LogUnavailableException {
    return send(HttpRequest.newBuilder(URI.create(url(path)))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(json)));
  }

  static boolean isNotFound(LogUnavailableException e) {
    return e.status() == 404;
  }

  private byte[] send(HttpRequest.Builder builder) throws LogUnavailableException {
    HttpRequest request = builder.timeout(timeout).header("Accept", "*/*").build();
    LogUnavailableException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      if (attempt > 1) {
        try {
          Thread.sleep(backoff.toMillis() << (attempt - 2));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new LogUnavailableException(request.method() + " " + request.uri() + ": interrupted", 0, e);
        }
      }
      try {
        HttpResponse<InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        byte[] body;
        try (InputStream in = r.body()) {
          body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
          throw new LogUnavailableException(request.method() + " " + request.uri() + ": the answer is larger than "
              + MAX_BODY + " bytes", r.statusCode(), null);
        }
        if (r.statusCode() == 200) {
          return body;
        }
        last = new LogUnavailableException(request.method() + " " + request.uri() + ": HTTP " + r.statusCode()
            + describe(body), r.statusCode(), null);
        if (r.statusCode() != 429 && r.statusCode() < 500) {
          throw last;
        }
      } catch (IOException e) {
        if (e instanceof LogUnavailableException) {
          throw (LogUnavailableException) e;
        }
        last = new LogUnavailableException(request.method() + " " + request.uri() + ": " + e, 0, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LogUnavailableException(request.method() + " " + request.uri() + ": interrupted", 0, e);
      }
    }
    throw last;
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
