package dev.stele.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.stele.client.TestWitnesses;
import dev.stele.client.protocol.AddCheckpoint;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.NoteVerifier;
import dev.stele.merkle.Hash;
import dev.stele.merkle.proof.ProofVerifier;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tlog-witness of the log server's own tests (the real one is the monitor's, which depends on
 * this module): a JDK {@code HttpServer} on 127.0.0.1 that checks what a witness checks (the log's
 * signature, the old size, the consistency proof) and cosigns with a real cosignature/v1 key. It
 * can be told to answer 503 ({@link Mode#DOWN}) or to stall ({@link Mode#HANG}).
 */
final class TestWitness implements AutoCloseable {
  enum Mode { UP, DOWN, HANG }

  final TestWitnesses.Witness keys;
  private final HttpServer server;
  private final java.util.concurrent.ExecutorService pool;
  private volatile NoteVerifier log;
  private final Map<String, Long> sizes = new HashMap<>();
  private final Map<String, Hash> roots = new HashMap<>();
  private volatile Mode mode = Mode.UP;
  /** How long an answer takes in mode UP, as a witness across the world would. */
  private volatile long delayMillis;
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger cosigned = new AtomicInteger();

  TestWitness(String name) throws Exception {
    this.keys = TestWitnesses.create(name);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    pool = java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "test-witness");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(pool);
    server.createContext("/add-checkpoint", this::handle);
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The policy line naming this witness with its URL. */
  String policyLine() {
    return keys.policyLine() + " " + url();
  }

  /** The log key this witness trusts (it refuses everything before it is told one). */
  void trust(NoteVerifier key) {
    log = key;
  }

  void mode(Mode m) {
    mode = m;
  }

  void delay(java.time.Duration d) {
    delayMillis = d.toMillis();
  }

  private void handle(HttpExchange ex) {
    try (ex) {
      requests.incrementAndGet();
      byte[] body = ex.getRequestBody().readAllBytes();
      if (mode == Mode.DOWN) {
        send(ex, 503, "text/plain", "down\n");
        return;
      }
      if (mode == Mode.HANG) {
        Thread.sleep(60_000);
        return;
      }
      if (delayMillis > 0) {
        Thread.sleep(delayMillis);
      }
      AddCheckpoint r;
      Checkpoint cp;
      try {
        r = AddCheckpoint.parse(body);
        cp = Checkpoint.parse(r.checkpoint().text());
        NoteVerifier key = log;
        if (key == null) throw new Exception("no log key to trust yet");
        r.checkpoint().verify(List.of(key));
      } catch (Exception e) {
        send(ex, 403, "text/plain", e.getMessage() + "\n");
        return;
      }
      synchronized (this) {
        long size = sizes.getOrDefault(cp.origin(), 0L);
        if (r.oldSize() != size) {
          send(ex, 409, AddCheckpoint.SIZE_CONTENT_TYPE, size + "\n");
          return;
        }
        if (size > 0) {
          try {
            if (size == cp.size()) {
              if (!cp.root().equals(roots.get(cp.origin()))) throw new Exception("another root for the same size");
            } else {
              ProofVerifier.verifyConsistency(size, cp.size(), r.proof(), roots.get(cp.origin()), cp.root());
            }
          } catch (Exception e) {
            send(ex, 422, "text/plain", e.getMessage() + "\n");
            return;
          }
        }
        sizes.put(cp.origin(), cp.size());
        roots.put(cp.origin(), cp.root());
      }
      cosigned.incrementAndGet();
      send(ex, 200, "text/plain", keys.signer().sign(r.checkpoint().textBytes()).line());
    } catch (Exception e) {
      // the exchange is closed; the client sees the connection end
    }
  }

  private static void send(HttpExchange ex, int status, String type, String body) throws java.io.IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
