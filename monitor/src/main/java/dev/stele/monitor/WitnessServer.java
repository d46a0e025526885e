package dev.stele.monitor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The witness's HTTP face (c2sp.org/tlog-witness), on its own address ({@code --witness-listen}),
 * the submission and monitoring prefixes both at its root:
 *
 * <ul>
 *   <li>{@code POST /add-checkpoint}: {@link Witness#addCheckpoint};
 *   <li>{@code GET /<SHA-256 of the origin, hex>/checkpoint}: the latest checkpoint cosigned for
 *       that log, with the log's lines and the cosignature, or 404.
 * </ul>
 *
 * <p>A JDK {@code HttpServer} with a small pool: requests are short, and the witness serializes
 * the part that writes anyway. A body larger than {@value #MAX_BODY} bytes (a checkpoint with
 * its signature lines and 63 proof hashes is a few KiB) is refused with 413 unread.
 */
final class WitnessServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(WitnessServer.class.getName());
  static final int MAX_BODY = 64 * 1024;

  private final HttpServer server;
  private final ExecutorService pool;

  WitnessServer(String bind, int port, Witness witness) throws IOException {
    server = HttpServer.create(new InetSocketAddress(bind, port), 64);
    pool = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "stele-witness-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(pool);
    server.createContext("/", ex -> {
      try (ex) {
        handle(ex, witness);
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "witness request failed: " + e.getMessage(), e);
      }
    });
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void handle(HttpExchange ex, Witness witness) throws IOException {
    String path = ex.getRequestURI().getPath();
    String method = ex.getRequestMethod();
    if (path.equals("/add-checkpoint")) {
      if (!method.equals("POST")) {
        send(ex, Witness.Answer.text(405, "add-checkpoint takes a POST"));
        return;
      }
      byte[] body = read(ex.getRequestBody());
      if (body == null) {
        send(ex, Witness.Answer.text(413, "the request body is larger than " + MAX_BODY + " bytes"));
        return;
      }
      send(ex, witness.addCheckpoint(body));
      return;
    }
    if (path.matches("/[0-9a-f]{64}/checkpoint")) {
      if (!method.equals("GET") && !method.equals("HEAD")) {
        send(ex, Witness.Answer.text(405, "a checkpoint is read with GET"));
        return;
      }
      Optional<String> note = witness.latest(path.substring(1, 65));
      send(ex, note.isPresent()
          ? new Witness.Answer(200, "text/plain; charset=utf-8", note.get().getBytes(java.nio.charset.StandardCharsets.UTF_8))
          : Witness.Answer.text(404, "no checkpoint of that log has been cosigned"));
      return;
    }
    send(ex, Witness.Answer.text(404, "not a tlog-witness path: POST /add-checkpoint, GET /<origin hash>/checkpoint"));
  }

  /** The whole body, or null if it is longer than {@link #MAX_BODY}. */
  private static byte[] read(InputStream in) throws IOException {
    byte[] b = in.readNBytes(MAX_BODY + 1);
    return b.length > MAX_BODY ? null : b;
  }

  private static void send(HttpExchange ex, Witness.Answer a) throws IOException {
    ex.getResponseHeaders().set("Content-Type", a.contentType());
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(a.status(), head ? -1 : a.body().length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(a.body());
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
