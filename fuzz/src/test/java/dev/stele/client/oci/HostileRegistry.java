package dev.stele.client.oci;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A registry on 127.0.0.1 that answers what the current fuzz input says: a real HTTP server, so
 * that the client reads answers through its own HTTP code, as it would from a registry that
 * wants to harm it. One instance serves every execution; {@link #serve} sets what it answers.
 */
final class HostileRegistry {
  /** What the registry answers, for one execution. */
  record Script(String contentType, byte[] manifest, byte[] blob, String challenge, byte[] token) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "hostile-registry");
    t.setDaemon(true);
    return t;
  });
  private volatile Script script;

  private HostileRegistry() {
    // Headers and body go out in separate writes: without this, Nagle's algorithm and delayed
    // acknowledgements hold each answer back some 40 ms, and the fuzzer runs at 8 inputs a second.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::answer);
    server.setExecutor(threads);
    server.start();
  }

  private static HostileRegistry instance;

  /** The one registry of this JVM, started on first use and left running until the JVM exits. */
  static synchronized HostileRegistry get() {
    if (instance == null) {
      instance = new HostileRegistry();
    }
    return instance;
  }

  /** {@code 127.0.0.1:<port>}, as image references name it. */
  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  void serve(Script value) {
    script = value;
  }

  private void answer(HttpExchange x) throws IOException {
    try (x) {
      Script s = script;
      String path = x.getRequestURI().getPath();
      if (path.equals("/token")) {
        send(x, 200, "application/json", s.token());
        return;
      }
      if (s.challenge() != null && x.getRequestHeaders().getFirst("Authorization") == null) {
        x.getResponseHeaders().add("WWW-Authenticate", s.challenge());
        send(x, 401, "application/json", new byte[0]);
        return;
      }
      if (path.contains("/manifests/")) {
        send(x, 200, s.contentType(), s.manifest());
      } else if (path.contains("/blobs/") && s.blob() != null) {
        send(x, 200, "application/octet-stream", s.blob());
      } else {
        send(x, 404, "application/json", "{\"errors\":[{\"code\":\"NOT_FOUND\"}]}".getBytes());
      }
    }
  }

  private static void send(HttpExchange x, int status, String contentType, byte[] body) throws IOException {
    if (contentType != null && !contentType.isEmpty()) {
      x.getResponseHeaders().add("Content-Type", contentType);
    }
    x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      x.getResponseBody().write(body);
    }
  }
}
