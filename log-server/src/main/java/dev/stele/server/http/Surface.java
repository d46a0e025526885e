package dev.stele.server.http;

import io.vertx.core.http.HttpServer;
import io.vertx.core.net.ServerSSLOptions;
import java.util.function.Consumer;

/**
 * What the public listener exposes and how: TLS (or plain HTTP), the check of writes and of
 * reads, and whether it also serves the operator's routes ({@code /healthz}, {@code /readyz},
 * {@code /metrics}), which move to their own listener with {@code --admin-bind}.
 *
 * @param tls the TLS options (HTTP/2 and HTTP/1.1 through ALPN), or null for plain HTTP
 * @param writes the check of every write route, or null when anyone may write
 * @param reads the check of every other route but the health probes, or null when reads are public
 * @param admin true to serve the operator's routes here too
 * @param listening told each HTTP server once it listens (to reload its certificate later)
 */
public record Surface(ServerSSLOptions tls, AccessControl writes, AccessControl reads, boolean admin,
    Consumer<HttpServer> listening) {
  /** Plain HTTP, open to all, with the operator's routes: the server as it runs by default. */
  public static final Surface OPEN = new Surface(null, null, null, true, s -> { });
}
