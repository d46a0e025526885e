package dev.stele.monitor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The monitor's own small HTTP endpoint (JDK {@code HttpServer}): {@code /metrics} for
 * Prometheus, and {@code /checkpoint}, the last checkpoint this monitor verified, exactly as the
 * log signed it, for other monitors to compare with theirs ({@code --peer}).
 */
final class MetricsServer implements AutoCloseable {
  private final HttpServer server;

  MetricsServer(String bind, int port, MonitorMetrics metrics, Supplier<Optional<String>> checkpoint)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(bind, port), 16);
    server.createContext("/metrics", ex -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
        metrics.scrape()));
    server.createContext("/checkpoint", ex -> {
      Optional<String> note = checkpoint.get();
      if (note.isPresent()) {
        send(ex, 200, "text/plain; charset=utf-8", note.get());
      } else {
        send(ex, 404, "text/plain; charset=utf-8", "no checkpoint verified yet\n");
      }
    });
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    try (ex) {
      if (!"GET".equals(ex.getRequestMethod())) {
        ex.sendResponseHeaders(405, -1);
        return;
      }
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", type);
      ex.getResponseHeaders().set("Cache-Control", "no-cache");
      ex.sendResponseHeaders(status, b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
