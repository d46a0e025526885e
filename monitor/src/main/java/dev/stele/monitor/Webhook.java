package dev.stele.monitor;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Notifies an HTTP endpoint: one JSON POST per alarm or watch-list match, retried a few times;
 * any 2xx answer counts as delivered.
 */
final class Webhook {
  private static final int ATTEMPTS = 3;

  private final URI url;
  private final HttpClient client;
  private final Duration backoff;

  Webhook(URI url, HttpClient client, Duration backoff) {
    this.url = url;
    this.client = client;
    this.backoff = backoff;
  }

  URI url() {
    return url;
  }

  /**
   * POSTs {@code json}.
   *
   * @throws IOException naming the URL and the last failure, if no attempt got a 2xx answer
   */
  void post(byte[] json) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(url)
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .header("User-Agent", "stele-monitor")
        .POST(HttpRequest.BodyPublishers.ofByteArray(json))
        .build();
    String last = "";
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        if (attempt > 1) {
          Thread.sleep(backoff.toMillis() << (attempt - 2));
        }
        int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status / 100 == 2) {
          return;
        }
        last = "HTTP " + status;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("webhook " + url + ": interrupted", e);
      } catch (IOException e) {
        last = e.toString();
      }
    }
    throw new IOException("webhook " + url + " failed after " + ATTEMPTS + " attempts: " + last);
  }
}
