package dev.stele.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.stele.client.protocol.CanonicalEntry;
import dev.stele.client.protocol.EntryId;
import dev.stele.client.protocol.EntryKinds;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.InvalidEntryException;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.RekorJson;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.protocol.TreeInfo;
import dev.stele.merkle.proof.ConsistencyProof;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A real HTTP server on 127.0.0.1 (port 0) playing a Rekor v1 log over a {@link TestLog}:
 * submit (201, or 409 with {@code Location} for a duplicate), get by UUID or index, retrieve,
 * log info, consistency proofs, public key, and search by artifact hash. Faults are injected in
 * front of the real behaviour: scripted answers for the next requests, a delay, or a rewrite of
 * the entries it returns.
 */
public final class TestLogServer implements AutoCloseable {
  /** A scripted answer. */
  public record Scripted(int status, Map<String, String> headers, String body) {}

  private final HttpServer server;
  private final TestLog log;
  private final Deque<Scripted> script = new ArrayDeque<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private volatile long delayMillis;
  private volatile UnaryOperator<LoggedEntry> rewrite = UnaryOperator.identity();
  private volatile boolean sendLocation = true;

  public TestLogServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    log = new TestLog(url, TestLog.p256(), 6905344730426466938L);
    server.createContext("/", this::handle);
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    server.start();
  }

  public URI url() {
    return log.baseUrl();
  }

  public TestLog log() {
    return log;
  }

  /** The next requests get these answers, in order, before the log's own behaviour resumes. */
  public synchronized void script(Scripted... answers) {
    script.addAll(List.of(answers));
  }

  /** Requests seen so far, by method and path (without query). */
  public int hits(String methodAndPath) {
    AtomicInteger n = hits.get(methodAndPath);
    return n == null ? 0 : n.get();
  }

  public void delay(long millis) {
    this.delayMillis = millis;
  }

  /** Rewrites every entry the server returns (to play a lying log). */
  public void rewrite(UnaryOperator<LoggedEntry> value) {
    this.rewrite = value;
  }

  public void sendLocation(boolean value) {
    this.sendLocation = value;
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getPath();
      String query = x.getRequestURI().getQuery();
      hits.computeIfAbsent(x.getRequestMethod() + " " + path, k -> new AtomicInteger()).incrementAndGet();
      byte[] body;
      try (InputStream in = x.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (delayMillis > 0) {
        try {
          Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      Scripted s;
      synchronized (this) {
        s = script.poll();
      }
      if (s != null) {
        s.headers().forEach((k, v) -> x.getResponseHeaders().add(k, v));
        send(x, s.status(), s.body().getBytes(StandardCharsets.UTF_8), "application/json");
        return;
      }
      route(x, x.getRequestMethod(), path, query, body);
    } catch (RuntimeException e) {
      e.printStackTrace();
    }
  }

  private void route(HttpExchange x, String method, String path, String query, byte[] body) throws IOException {
    if (method.equals("POST") && path.equals("/api/v1/log/entries")) {
      CanonicalEntry c;
      try {
        c = EntryKinds.canonicalize(body);
      } catch (InvalidEntryException e) {
        error(x, 400, "error processing entry: " + e.getMessage());
        return;
      }
      long existing = log.indexOf(c.leafHash());
      if (existing >= 0) {
        String id = EntryId.of(log.treeId(), c.leafHash()).toString();
        if (sendLocation) {
          x.getResponseHeaders().add("Location", "/api/v1/log/entries/" + id);
        }
        error(x, 409, "an equivalent entry already exists in the transparency log with UUID " + id);
        return;
      }
      LoggedEntry e = rewrite.apply(log.add(c.body(), System.currentTimeMillis() / 1000));
      x.getResponseHeaders().add("Location", "/api/v1/log/entries/" + e.id());
      x.getResponseHeaders().add("ETag", e.id().toString());
      send(x, 201, RekorJson.writeEntry(e), "application/json");
    } else if (method.equals("GET") && path.startsWith("/api/v1/log/entries/")) {
      EntryId id;
      try {
        id = EntryId.parse(path.substring("/api/v1/log/entries/".length()));
      } catch (FormatException e) {
        error(x, 400, e.getMessage());
        return;
      }
      long index = log.indexOf(id.uuid());
      if (index < 0) {
        send(x, 404, new byte[0], "application/json");
        return;
      }
      send(x, 200, RekorJson.writeEntry(rewrite.apply(log.entry(index, log.size()))), "application/json");
    } else if (method.equals("GET") && path.equals("/api/v1/log/entries") && query != null && query.startsWith("logIndex=")) {
      long index = Long.parseLong(query.substring("logIndex=".length()));
      if (index >= log.size()) {
        send(x, 404, new byte[0], "application/json");
        return;
      }
      send(x, 200, RekorJson.writeEntry(rewrite.apply(log.entry(index, log.size()))), "application/json");
    } else if (method.equals("POST") && path.equals("/api/v1/log/entries/retrieve")) {
      RekorJson.SearchLogQuery q;
      try {
        q = RekorJson.read(body, RekorJson.SearchLogQuery.class);
      } catch (FormatException e) {
        error(x, 400, e.getMessage());
        return;
      }
      List<LoggedEntry> out = new ArrayList<>();
      if (q.entryUUIDs() != null) {
        for (String u : q.entryUUIDs()) {
          try {
            long i = log.indexOf(EntryId.parse(u).uuid());
            if (i >= 0) {
              out.add(rewrite.apply(log.entry(i, log.size())));
            }
          } catch (FormatException e) {
            error(x, 400, e.getMessage());
            return;
          }
        }
      }
      if (q.logIndexes() != null) {
        for (long i : q.logIndexes()) {
          if (i < log.size()) {
            out.add(rewrite.apply(log.entry(i, log.size())));
          }
        }
      }
      send(x, 200, RekorJson.writeEntries(out), "application/json");
    } else if (method.equals("GET") && path.equals("/api/v1/log")) {
      long size = log.size();
      TreeInfo info = new TreeInfo(log.checkpointAt(size).root(), size, note(log.checkpoint(size)), log.treeId(), List.of());
      send(x, 200, RekorJson.writeLogInfo(info), "application/json");
    } else if (method.equals("GET") && path.equals("/api/v1/log/proof")) {
      long first = 1;
      long last = -1;
      for (String kv : query == null ? new String[0] : query.split("&")) {
        String[] p = kv.split("=", 2);
        if (p[0].equals("firstSize")) {
          first = Long.parseLong(p[1]);
        } else if (p[0].equals("lastSize")) {
          last = Long.parseLong(p[1]);
        }
      }
      if (last < first || last > log.size()) {
        error(x, 400, "firstSize(" + first + ") must be less than lastSize(" + last + ") and lastSize at most " + log.size());
        return;
      }
      ConsistencyProof p = first == last ? new ConsistencyProof(first, last, List.of()) : log.consistency(first, last);
      send(x, 200, RekorJson.writeConsistencyProof(log.checkpointAt(last).root(), p.hashes()), "application/json");
    } else if (method.equals("GET") && path.equals("/checkpoint")) {
      send(x, 200, log.checkpoint(log.size()).getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
    } else if (method.equals("GET") && path.startsWith("/tile/")) {
      byte[] tile;
      try {
        tile = log.tile(dev.stele.merkle.tiles.TilePath.parse(path).tile());
      } catch (dev.stele.merkle.tiles.TileFormatException e) {
        error(x, 400, e.getMessage());
        return;
      }
      if (tile == null) {
        send(x, 404, new byte[0], "text/plain");
        return;
      }
      send(x, 200, tile, "application/octet-stream");
    } else if (method.equals("GET") && path.equals("/api/v1/log/publicKey")) {
      send(x, 200, log.publicKeyPem().getBytes(StandardCharsets.US_ASCII), "application/x-pem-file");
    } else if (method.equals("POST") && path.equals("/api/v1/index/retrieve")) {
      RekorJson.SearchIndex q;
      try {
        q = RekorJson.read(body, RekorJson.SearchIndex.class);
      } catch (FormatException e) {
        error(x, 400, e.getMessage());
        return;
      }
      List<String> ids = new ArrayList<>();
      for (long i = 0; i < log.size(); i++) {
        LoggedEntry e = log.entry(i, log.size());
        try {
          if (q.hash() != null && EntryKinds.parseBody(e.body()).indexKeys().contains(q.hash().toLowerCase(java.util.Locale.ROOT))) {
            ids.add(e.id().toString());
          }
        } catch (FormatException ignored) {
          // filler entries are not JSON bodies
        }
      }
      send(x, 200, RekorJson.write(ids), "application/json");
    } else {
      send(x, 404, new byte[0], "text/plain");
    }
  }

  private static SignedNote note(String text) {
    return TestLog.note(text);
  }

  private static void error(HttpExchange x, int code, String message) throws IOException {
    send(x, code, RekorJson.writeError(code, message), "application/json");
  }

  private static void send(HttpExchange x, int status, byte[] body, String type) throws IOException {
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = x.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
