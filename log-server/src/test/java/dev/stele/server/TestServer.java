package dev.stele.server;

import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.NoteKeys;
import dev.stele.client.protocol.RekorJson;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.crypto.SignatureVerifiers;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.proof.ProofVerifier;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileId;
import dev.stele.merkle.tiles.TileMath;
import dev.stele.merkle.tiles.TileProofBuilder;
import dev.stele.server.http.RequestLimits;
import dev.stele.server.log.StoredEntry;
import dev.stele.server.log.TreeState;
import dev.stele.server.sequencer.SequencerStore;
import dev.stele.server.storage.LogStore;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A real log server on 127.0.0.1 with an ephemeral port and a real RocksDB in a temp folder, plus
 * an HTTP client and the checks every test applies to what it answers.
 */
final class TestServer implements AutoCloseable {
  /** No request may hang a test: a lost answer fails it instead. */
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  /** HTTP/1.1 like Rekor clients; the JDK 17 client's HTTP/2 can hang on a GOAWAY. */
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  final Path dir;
  final Main.Server server;
  final String base;
  private final HttpClient client;

  private TestServer(Path dir, Main.Server server) {
    this(dir, server, "http", HTTP);
  }

  private TestServer(Path dir, Main.Server server, String scheme, HttpClient client) {
    this.dir = dir;
    this.server = server;
    this.base = scheme + "://127.0.0.1:" + server.port();
    this.client = client;
  }

  /** A server exposed as {@code security} says, asked through {@code client} (TLS trust, a client certificate). */
  static TestServer start(ServerConfig config, SecurityConfig security, HttpClient client) throws Exception {
    VertxOptions options = new VertxOptions()
        .setMaxEventLoopExecuteTime(500).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS);
    return new TestServer(config.dataDir(), Main.Server.start(config, security, options, UnaryOperator.identity()),
        security.tls() ? "https" : "http", client);
  }

  /** The embedded store of a server that has one (not one on the distributed driver). */
  dev.stele.server.storage.RocksLogStore rocks() {
    return (dev.stele.server.storage.RocksLogStore) server.store();
  }

  static ServerConfig config(Path dir) {
    return new ServerConfig(0, "127.0.0.1", dir, Optional.empty(), Optional.empty(), Optional.of(7L), 100,
        Duration.ofMillis(2), 1000, 64 * 1024, 2, 4);
  }

  /** {@link #config(Path)} with other admission limits. */
  static ServerConfig config(Path dir, RequestLimits limits) {
    ServerConfig c = config(dir);
    return new ServerConfig(c.port(), c.bind(), c.dataDir(), c.key(), c.publicUrl(), c.treeId(), c.maxBatchSize(),
        c.maxBatchAge(), c.queueSize(), c.bodyLimit(), c.verifyThreads(), c.readThreads(), limits);
  }

  static TestServer start(Path dir) throws Exception {
    return start(config(dir), UnaryOperator.identity());
  }

  static TestServer start(ServerConfig config, UnaryOperator<SequencerStore> decorator) throws Exception {
    return start(config, dev.stele.server.witness.WitnessConfig.defaults(), decorator);
  }

  static TestServer start(ServerConfig config, dev.stele.server.witness.WitnessConfig witnesses,
      UnaryOperator<SequencerStore> decorator) throws Exception {
    // A short limit so that a blocked event loop shows up in the log of any test.
    VertxOptions options = new VertxOptions()
        .setMaxEventLoopExecuteTime(500).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS);
    return new TestServer(config.dataDir(), Main.Server.start(config, witnesses, options, decorator));
  }

  PublicKey logKey() {
    return server.signer().publicKey();
  }

  HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<byte[]> getBytes(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<String> post(String path, String json) throws Exception {
    return post(path, json, new String[0]);
  }

  /** A POST with extra headers (name, value, ...). */
  HttpResponse<String> post(String path, String json, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A GET with extra headers (name, value, ...). */
  HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).GET();
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Parses a one-entry response and checks it the way a verifier does: UUID = leaf hash, SET,
   * inclusion proof against the checkpoint's root and size, checkpoint signature.
   */
  LoggedEntry verifiedEntry(String json) throws Exception {
    LoggedEntry e = RekorJson.readEntry(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    verify(e);
    return e;
  }

  void verify(LoggedEntry e) throws Exception {
    Hash leaf = Rfc6962.hashLeaf(e.body());
    if (!e.id().uuid().equals(leaf)) throw new AssertionError("entry ID " + e.id() + " is not the leaf hash " + leaf);
    if (!e.logId().equals(server.signer().logId())) throw new AssertionError("wrong logID " + e.logId());
    SignatureVerifiers.forKey(logKey()).verify(e.signedEntryTimestamp().orElseThrow(), e.setPayload());
    var inc = e.inclusion().orElseThrow(() -> new AssertionError("no inclusion proof"));
    if (inc.proof().leafIndex() != e.logIndex()) throw new AssertionError("proof index differs from logIndex");
    ProofVerifier.verifyInclusion(e.logIndex(), inc.proof().treeSize(), leaf, inc.proof().hashes(), inc.rootHash());
    inc.checkpoint().verify(List.of(NoteKeys.rekorVerifier("127.0.0.1", logKey())));
    Checkpoint cp = Checkpoint.parse(inc.checkpoint().text());
    if (cp.size() != inc.proof().treeSize() || !cp.root().equals(inc.rootHash())) {
      throw new AssertionError("checkpoint (" + cp.size() + ", " + cp.root() + ") differs from the proof");
    }
  }

  /** The latest checkpoint, verified. */
  Checkpoint checkpoint() throws Exception {
    return checkpoint(null);
  }

  /** The latest checkpoint, verified, read with this Authorization header (null for none). */
  Checkpoint checkpoint(String authorization) throws Exception {
    String text = authorization == null ? get("/checkpoint").body() : get("/checkpoint", "Authorization", authorization).body();
    SignedNote note = SignedNote.parse(text);
    note.verify(List.of(NoteKeys.rekorVerifier("127.0.0.1", logKey())));
    return Checkpoint.parse(note.text());
  }

  /**
   * Re-reads everything from the store and checks that it is one consistent log: every entry
   * present and indexed under its leaf hash, every data tile equal to the entries' leaf hashes,
   * the tiles reproducing the signed root.
   */
  static void audit(LogStore store, PublicKey logKey) throws Exception {
    TreeState s = store.treeState().orElseThrow();
    SignedNote note = SignedNote.parse(s.checkpoint());
    note.verify(List.of(NoteKeys.rekorVerifier("127.0.0.1", logKey)));
    Checkpoint cp = Checkpoint.parse(note.text());
    if (cp.size() != s.size() || !cp.root().equals(s.root())) throw new AssertionError("checkpoint != tree state");
    if (store.lastEntryIndex() != s.size() - 1) throw new AssertionError("entries end at " + store.lastEntryIndex());
    for (long t = 0; t < TileMath.tileCount(0, s.size()); t++) {
      TileId id = TileId.atSize(0, t, s.size());
      long first = TileMath.firstIndex(id);
      HashTile row = store.readTiles(List.of(id)).get(0);
      List<StoredEntry> entries = store.entries(first, id.width());
      if (entries.size() != id.width()) throw new AssertionError(id + " has " + entries.size() + " entries");
      for (int i = 0; i < id.width(); i++) {
        Hash leaf = Rfc6962.hashLeaf(entries.get(i).bodyUnsafe());
        if (!row.get(i).equals(leaf)) throw new AssertionError("tile row differs at " + (first + i));
        if (store.findIndex(leaf) != first + i) throw new AssertionError("leaf index wrong at " + (first + i));
      }
    }
    Hash root = s.size() == 0 ? Rfc6962.EMPTY_ROOT : TileProofBuilder.root(store, s.size());
    if (!root.equals(s.root())) throw new AssertionError("tiles give root " + root + ", state says " + s.root());
  }

  void audit() throws Exception {
    audit(server.store(), logKey());
  }

  @Override
  public void close() {
    server.close();
  }
}
