package dev.stele.monitor;

import dev.stele.client.http.HttpException;
import dev.stele.client.http.HttpTransport;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * Notifies an HTTP endpoint: one JSON POST per alarm or watch-list match, through the client
 * library's {@link HttpTransport} (retried on network errors, 429 and 5xx: a notification sent
 * twice is better than none); any 2xx answer counts as delivered.
 *
 * <p>The URL is never written anywhere (messages call it "the webhook"): a webhook URL often
 * carries its secret in the path or query. For the same reason a redirect to another origin is
 * not followed: the alarm's body would go to a host the operator did not name.
 */
final class Webhook {
  private static final int MAX_ANSWER = 1 << 20;

  private final URI url;
  private final HttpTransport transport;

  Webhook(URI url, HttpTransport transport) {
    this.url = url;
    this.transport = transport;
  }

  /** The webhook's transport: a few attempts, each with short deadlines, so an alarm is not held up. */
  static HttpTransport newTransport() {
    return HttpTransport.builder()
        .connectTimeout(Duration.ofSeconds(5))
        .timeout(Duration.ofSeconds(10))
        .bodyTimeout(Duration.ofSeconds(10))
        .maxAttempts(3)
        .backoff(Duration.ofMillis(250), Duration.ofSeconds(1))
        .maxRetryAfter(Duration.ofSeconds(10))
        .maxBodyBytes(MAX_ANSWER)
        .userAgent("stele-monitor")
        .build();
  }

  /**
   * POSTs {@code json}.
   *
   * @throws IOException saying what went wrong (without the URL), if no attempt got a 2xx answer
   */
  void post(byte[] json) throws IOException {
    HttpTransport.Response r;
    try {
      r = transport.send(HttpTransport.Request.post(url, "application/json", json).retrySafe()
          .describedAs("the webhook"));
    } catch (HttpException e) {
      throw new IOException(e.getMessage()); // no cause: the JDK's messages may name the URL
    }
    if (r.status() / 100 != 2) {
      throw new IOException("the webhook answered " + r.status());
    }
  }

  @Override
  public String toString() {
    return "Webhook[" + url.getScheme() + "://" + url.getHost() + "/...]";
  }
}
