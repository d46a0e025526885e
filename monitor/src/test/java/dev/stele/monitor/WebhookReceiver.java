package dev.stele.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.stele.client.protocol.ProtocolJson;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** A webhook endpoint for tests: a JDK HttpServer on 127.0.0.1 that keeps every JSON POST it gets. */
final class WebhookReceiver implements AutoCloseable {
  private final HttpServer server;
  private final List<JsonNode> posts = new ArrayList<>();
  private final List<String> contentTypes = new ArrayList<>();
  private volatile int status = 204;
  private volatile URI redirect;

  WebhookReceiver() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    server.createContext("/hook", ex -> {
      try (ex) {
        if (redirect != null) {
          ex.getResponseHeaders().add("Location", redirect.toString());
          ex.sendResponseHeaders(307, -1);
          return;
        }
        if ("POST".equals(ex.getRequestMethod())) {
          JsonNode json = ProtocolJson.mapper().readTree(ex.getRequestBody().readAllBytes());
          synchronized (this) {
            posts.add(json);
            contentTypes.add(ex.getRequestHeaders().getFirst("Content-Type"));
          }
        }
        ex.sendResponseHeaders(status, -1);
      }
    });
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  /** The URL of this receiver with a secret in its path, as webhook URLs often have. */
  URI url(String secretPath) {
    return URI.create(url() + "/" + secretPath);
  }

  /** Answers later POSTs with a 307 to {@code target} (to test that it is not followed elsewhere). */
  void redirectTo(URI target) {
    this.redirect = target;
  }

  /** Makes later POSTs fail with this status (to test redelivery). */
  void answer(int status) {
    this.status = status;
  }

  synchronized List<JsonNode> posts() {
    return List.copyOf(posts);
  }

  synchronized List<String> contentTypes() {
    return List.copyOf(contentTypes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
