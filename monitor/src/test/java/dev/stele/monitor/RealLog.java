package dev.stele.monitor;

import dev.stele.client.keys.KeyFiles;
import dev.stele.server.Main;
import dev.stele.server.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Optional;

/** A real Stele log server, in this JVM, on 127.0.0.1 with a free port and RocksDB in a temp folder. */
final class RealLog implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final Main.Server server;

  RealLog(Path dataDir) throws Exception {
    server = Main.Server.start(new ServerConfig(0, "127.0.0.1", dataDir, Optional.empty(), Optional.empty(),
        Optional.of(11L), 100, Duration.ofMillis(2), 1000, 64 * 1024, 2, 4));
  }

  /** A log with its key in {@code keyFile} (so that witnesses can trust it before it starts) and witnesses. */
  RealLog(Path dataDir, Path keyFile, dev.stele.server.witness.WitnessConfig witnesses) throws Exception {
    server = Main.Server.start(new ServerConfig(0, "127.0.0.1", dataDir, Optional.of(keyFile), Optional.empty(),
        Optional.of(11L), 100, Duration.ofMillis(2), 1000, 64 * 1024, 2, 4), witnesses,
        new io.vertx.core.VertxOptions(), java.util.function.UnaryOperator.identity());
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  PublicKey key() {
    return server.signer().publicKey();
  }

  Path writePublicKey(Path file) throws Exception {
    KeyFiles.writePublicKey(file, key());
    return file;
  }

  /** Submits a proposed entry (a canonical hashedrekord body is one) and requires 201. */
  void add(byte[] proposal) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/api/v1/log/entries"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(proposal)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new AssertionError("POST entry: " + r.statusCode() + " " + r.body());
    }
  }

  /** Submits {@code n} entries signed by {@code signer}. */
  void add(TestEntries signer, String prefix, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      add(signer.body(prefix + "-" + i));
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
