package dev.stele.admission;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The webhook's HTTPS endpoint, on the JDK's {@code HttpsServer}:
 *
 * <ul>
 *   <li>{@code POST /validate}: the ValidatingAdmissionWebhook; allows or denies;
 *   <li>{@code POST /mutate}: the MutatingAdmissionWebhook; never denies (the validating webhook
 *       decides), but pins every image given by tag whose verification passed to the digest that
 *       was verified ({@code image: app:1.0} becomes {@code app:1.0@sha256:...}), so the Pod runs
 *       exactly what was checked even if the tag moves afterwards;
 *   <li>{@code GET /healthz} (the process answers), {@code /readyz} (policy and certificate loaded,
 *       not shutting down), {@code /metrics} (Prometheus).
 * </ul>
 *
 * <p>Why the JDK server and not Vert.x: every review is blocking work (the registry and log
 * clients are {@code java.net.http}, synchronous, each call with its own deadline), so a bounded
 * pool of threads that each take one review from body to answer is the natural shape; an event
 * loop would only hand every request on to such a pool, and would add Netty to a process whose
 * traffic is a few reviews per second per API server. The monitor made the same choice.
 *
 * <p>A malformed AdmissionReview gets HTTP 400 with the reason, which Kubernetes (with
 * {@code failurePolicy: Fail}) turns into a rejection. Bodies over {@value #MAX_BODY} bytes get 413.
 */
final class WebhookServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(WebhookServer.class.getName());
  /** An AdmissionReview carries the object and the old object; Kubernetes objects are at most ~1.5 MB each. */
  static final int MAX_BODY = 8 * 1024 * 1024;

  private final HttpsServer https;
  private final HttpServer plain;
  private final ExecutorService executor;
  private final Reviewer reviewer;
  private final AdmissionMetrics metrics;
  private volatile boolean ready;

  /**
   * Starts serving.
   *
   * @param metricsPort a plain-HTTP port for {@code /metrics}, {@code /healthz} and {@code /readyz}
   *     only (for Prometheus and probes without TLS), or -1 for none
   */
  WebhookServer(String bind, int port, int metricsPort, SSLContext tls, Reviewer reviewer, AdmissionMetrics metrics,
      int threads) throws IOException, GeneralSecurityException {
    this.reviewer = reviewer;
    this.metrics = metrics;
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "stele-admission-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    https = HttpsServer.create(new InetSocketAddress(bind, port), 128);
    https.setHttpsConfigurator(new HttpsConfigurator(tls) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = tls.getDefaultSSLParameters();
        p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        p.setNeedClientAuth(false);
        params.setSSLParameters(p);
      }
    });
    https.createContext("/validate", ex -> review(ex, false));
    https.createContext("/mutate", ex -> review(ex, true));
    addProbes(https);
    https.setExecutor(executor);
    if (metricsPort >= 0) {
      plain = HttpServer.create(new InetSocketAddress(bind, metricsPort), 16);
      addProbes(plain);
      plain.setExecutor(executor);
      plain.start();
    } else {
      plain = null;
    }
    https.start();
    ready = true;
  }

  int port() {
    return https.getAddress().getPort();
  }

  int metricsPort() {
    return plain == null ? -1 : plain.getAddress().getPort();
  }

  private void addProbes(HttpServer server) {
    server.createContext("/healthz", ex -> send(ex, 200, "text/plain; charset=utf-8", bytes("ok\n")));
    server.createContext("/readyz", ex -> send(ex, ready ? 200 : 503, "text/plain; charset=utf-8",
        bytes(ready ? "ready\n" : "shutting down\n")));
    server.createContext("/metrics", ex -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
        bytes(metrics.scrape())));
  }

  private void review(HttpExchange ex, boolean mutating) throws IOException {
    long start = System.nanoTime();
    String webhook = mutating ? "mutate" : "validate";
    try (ex) {
      if (!"POST".equals(ex.getRequestMethod())) {
        ex.getResponseHeaders().set("Allow", "POST");
        send(ex, 405, "text/plain; charset=utf-8", bytes("POST an admission.k8s.io/v1 AdmissionReview\n"));
        return;
      }
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readNBytes(MAX_BODY + 1);
      }
      if (body.length > MAX_BODY) {
        metrics.review(webhook, "malformed", System.nanoTime() - start);
        send(ex, 413, "text/plain; charset=utf-8", bytes("the AdmissionReview is larger than " + MAX_BODY + " bytes\n"));
        return;
      }
      AdmissionRequest request;
      try {
        request = AdmissionRequest.parse(body);
      } catch (ReviewException e) {
        metrics.review(webhook, "malformed", System.nanoTime() - start);
        LOG.warning(webhook + ": malformed AdmissionReview from " + ex.getRemoteAddress() + ": " + e.getMessage());
        send(ex, 400, "text/plain; charset=utf-8", bytes(e.getMessage() + "\n"));
        return;
      }
      Decision d = reviewer.review(request);
      if (mutating) {
        d = new Decision(true, "", List.of(), d.pins());
      } else {
        d = new Decision(d.allowed(), d.message(), d.warnings(), List.of());
        if (!d.allowed()) {
          LOG.info("denied " + request.describe() + " (uid " + request.uid() + "): " + d.message());
        }
      }
      send(ex, 200, "application/json", d.toReview(request.uid(), mutating));
      metrics.review(webhook, d.allowed() ? "allowed" : "denied", System.nanoTime() - start);
    }
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
    ex.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Stops answering /readyz first, then the servers (a second to finish the reviews in flight). */
  @Override
  public void close() {
    ready = false;
    https.stop(1);
    if (plain != null) {
      plain.stop(0);
    }
    executor.shutdownNow();
  }
}
