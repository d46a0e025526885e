package dev.stele.monitor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.Signer;
import dev.stele.client.crypto.Signers;
import dev.stele.client.keys.KeyFiles;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.EntryId;
import dev.stele.client.protocol.Inclusion;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.NoteKeys;
import dev.stele.client.protocol.NoteSignature;
import dev.stele.client.protocol.ProtocolJson;
import dev.stele.client.protocol.RekorJson;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.protocol.TreeInfo;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.proof.InclusionProof;
import dev.stele.merkle.tiles.EntryBundle;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileId;
import dev.stele.merkle.tiles.TilePath;
import dev.stele.merkle.tiles.TileProofBuilder;
import dev.stele.merkle.tiles.TileReader;
import dev.stele.merkle.tiles.TreeIntegrator;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small log of the project's own for tests: a JDK {@code HttpServer} on 127.0.0.1 that serves
 * the Rekor v1 log info, consistency proofs and entries, and C2SP tlog-tiles, over an in-memory
 * tree, signed with a real ECDSA P-256 key. It is honest until told to misbehave in one of the
 * ways a monitor must catch; each misbehaviour is correctly signed wherever a real attacker with
 * the key could sign it.
 */
final class MisbehavingLog implements AutoCloseable {
  /** What the log does wrong. */
  enum Mode {
    /** Serves the truth. */
    HONEST,
    /** Signs a different root for the published size (the tree with its last entry replaced). */
    FORK,
    /** Serves the checkpoint of the tree at half the published size (correctly signed). */
    ROLLBACK,
    /** Went back to half its size: that checkpoint, and no proofs beyond it. */
    RESTORED_FROM_BACKUP,
    /** Serves the published checkpoint with a corrupted signature. */
    BAD_SIGNATURE,
    /** Serves honest checkpoints, but consistency proofs with one hash altered. */
    LYING_PROOF,
    /** Serves an entry bundle in which one entry was altered (tiles stay honest). */
    TAMPERED_ENTRY,
    /** Serves the honest checkpoint in the v1 log info, beside a treeSize one larger than it signs. */
    LYING_TREE_HEAD
  }

  static final String NAME = "127.0.0.1";
  static final long TREE_ID = 42;

  private final HttpServer server;
  private final KeyPair key;
  private final Signer signer;
  private final List<byte[]> entries = new ArrayList<>();
  private final Map<String, HashTile> tiles = new HashMap<>();
  private volatile long published;
  private volatile Mode mode = Mode.HONEST;
  private volatile boolean tilesEnabled = true;
  private volatile boolean v1Enabled = true;
  private volatile int tileBudget = Integer.MAX_VALUE;
  private volatile long forkSize = -1;
  private final List<String> requests = java.util.Collections.synchronizedList(new ArrayList<>());

  MisbehavingLog() throws Exception {
    this(KeyFiles.generateEcdsaP256());
  }

  /** A log with the given key: two instances with one key are two views of "the same" log. */
  MisbehavingLog(KeyPair key) throws Exception {
    this.key = key;
    this.signer = Signers.forKeyPair(key);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/", this::handle);
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  KeyPair keyPair() {
    return key;
  }

  Path writePublicKey(Path file) throws Exception {
    KeyFiles.writePublicKey(file, key.getPublic());
    return file;
  }

  void mode(Mode m) {
    mode = m;
  }

  /** In FORK mode, fork the tree of this size instead of the published one. */
  void forkAt(long size) {
    forkSize = size;
  }

  void tiles(boolean enabled) {
    tilesEnabled = enabled;
  }

  void v1(boolean enabled) {
    v1Enabled = enabled;
  }

  /** After {@code n} more tile requests, answer every tile request with 503 (-1: never). */
  void failTilesAfter(int n) {
    tileBudget = n < 0 ? Integer.MAX_VALUE : n;
  }

  /** The request paths seen so far. */
  List<String> requests() {
    return List.copyOf(requests);
  }

  /** Appends entries and publishes the new tree. */
  synchronized void append(List<byte[]> bodies) throws IOException {
    List<Hash> leaves = new ArrayList<>();
    for (byte[] b : bodies) {
      leaves.add(Rfc6962.hashLeaf(b));
    }
    TreeIntegrator.Integration in = TreeIntegrator.integrate(reader(), entries.size(), leaves);
    for (Map.Entry<TileId, HashTile> t : in.changedTiles().entrySet()) {
      tiles.put(t.getKey().level() + "/" + t.getKey().index(), t.getValue());
    }
    entries.addAll(bodies);
    published = entries.size();
  }

  /** Appends {@code n} entries signed by {@code signer}. */
  void append(TestEntries signer, String prefix, int n) throws Exception {
    List<byte[]> bodies = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      bodies.add(signer.body(prefix + "-" + (entries.size() + i)));
    }
    append(bodies);
  }

  long size() {
    return published;
  }

  private TileReader reader() {
    return ids -> {
      List<HashTile> out = new ArrayList<>();
      for (TileId id : ids) {
        HashTile t = tiles.get(id.level() + "/" + id.index());
        if (t == null || t.width() < id.width()) {
          throw new IOException("no tile " + id.path());
        }
        out.add(t);
      }
      return out;
    };
  }

  Hash root(long size) throws IOException {
    return TileProofBuilder.root(reader(), size);
  }

  /** The signed note for a tree of {@code size} with {@code root}. */
  String sign(long size, Hash root) throws Exception {
    String text = new Checkpoint(Checkpoint.rekorOrigin(NAME, TREE_ID), size, root).text();
    return SignedNote.sign(text, List.of(NoteKeys.rekorSigner(NAME, signer))).format();
  }

  /** The checkpoint this log serves now, after its misbehaviour. */
  synchronized String servedCheckpoint() throws Exception {
    long size = published;
    switch (mode) {
      case FORK: {
        size = forkSize > 0 ? forkSize : size;
        List<byte[]> forked = new ArrayList<>(entries.subList(0, (int) size));
        forked.set(forked.size() - 1, "a different last entry".getBytes(StandardCharsets.UTF_8));
        return sign(size, rootOf(forked));
      }
      case ROLLBACK:
      case RESTORED_FROM_BACKUP: {
        long older = Math.max(1, size / 2);
        return sign(older, root(older));
      }
      case BAD_SIGNATURE: {
        SignedNote good = SignedNote.parse(sign(size, root(size)));
        NoteSignature s = good.signatures().get(0);
        byte[] sig = s.signature();
        sig[sig.length / 2] ^= 0x01;
        return new SignedNote(good.text(), List.of(new NoteSignature(s.name(), s.keyId(), sig))).format();
      }
      default:
        return sign(size, size == 0 ? Rfc6962.EMPTY_ROOT : root(size));
    }
  }

  private static Hash rootOf(List<byte[]> bodies) throws IOException {
    List<Hash> leaves = new ArrayList<>();
    for (byte[] b : bodies) {
      leaves.add(Rfc6962.hashLeaf(b));
    }
    return TreeIntegrator.integrate(ids -> List.of(), 0, leaves).root();
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String query = ex.getRequestURI().getQuery();
    requests.add(path + (query == null ? "" : "?" + query));
    try {
      if (path.startsWith("/api/v1/") && !v1Enabled || (path.equals("/checkpoint") || path.startsWith("/tile/"))
          && !tilesEnabled) {
        send(ex, 404, "not served here".getBytes(StandardCharsets.UTF_8));
      } else if (path.equals("/api/v1/log")) {
        SignedNote note = SignedNote.parse(servedCheckpoint());
        Checkpoint cp = Checkpoint.parse(note.text());
        long claimed = mode == Mode.LYING_TREE_HEAD ? cp.size() + 1 : cp.size();
        send(ex, 200, RekorJson.writeLogInfo(new TreeInfo(cp.root(), claimed, note, TREE_ID, List.of())));
      } else if (path.equals("/api/v1/log/proof")) {
        Map<String, String> q = params(query);
        long first = Long.parseLong(q.get("firstSize"));
        long last = Long.parseLong(q.get("lastSize"));
        long observable = mode == Mode.RESTORED_FROM_BACKUP ? Math.max(1, published / 2) : published;
        if (first < 1 || first > last || last > observable) {
          send(ex, 400, RekorJson.writeError(400, "bad sizes " + first + ", " + last));
          return;
        }
        List<Hash> hashes = first == last ? List.of()
            : new ArrayList<>(TileProofBuilder.consistency(reader(), first, last).hashes());
        if (mode == Mode.LYING_PROOF && !hashes.isEmpty()) {
          byte[] h = hashes.get(0).bytes();
          h[0] ^= 0x01;
          hashes.set(0, Hash.of(h));
        }
        send(ex, 200, RekorJson.writeConsistencyProof(root(last), hashes));
      } else if (path.equals("/api/v1/log/entries/retrieve")) {
        RekorJson.SearchLogQuery q = ProtocolJson.mapper().readValue(ex.getRequestBody().readAllBytes(),
            RekorJson.SearchLogQuery.class);
        List<LoggedEntry> out = new ArrayList<>();
        SignedNote note = SignedNote.parse(sign(published, root(published)));
        for (long i : q.logIndexes()) {
          if (i < published) {
            out.add(entry(i, note));
          }
        }
        send(ex, 200, RekorJson.writeEntries(out));
      } else if (path.equals("/checkpoint")) {
        send(ex, 200, servedCheckpoint().getBytes(StandardCharsets.UTF_8));
      } else if (path.startsWith("/tile/")) {
        if (tileBudget != Integer.MAX_VALUE && tileBudget-- <= 0) {
          send(ex, 503, "unavailable".getBytes(StandardCharsets.UTF_8));
          return;
        }
        tile(ex, TilePath.parse(path));
      } else {
        send(ex, 404, new byte[0]);
      }
    } catch (Exception e) {
      send(ex, 500, ("error: " + e).getBytes(StandardCharsets.UTF_8));
    }
  }

  private LoggedEntry entry(long i, SignedNote note) throws IOException {
    byte[] body = entries.get((int) i);
    Hash leaf = Rfc6962.hashLeaf(body);
    InclusionProof proof = TileProofBuilder.inclusion(reader(), i, published);
    return new LoggedEntry(EntryId.of(TREE_ID, leaf), body, 1_700_000_000L, PublicKeys.logId(key.getPublic()), i,
        Optional.empty(), Optional.of(new Inclusion(proof, root(published), note)), Optional.empty());
  }

  private synchronized void tile(HttpExchange ex, TilePath p) throws IOException {
    TileId id = p.tile();
    long row = published >>> (TileId.HEIGHT * id.level());
    if (row == 0 || id.index() > (row - 1) >>> TileId.HEIGHT
        || Math.min(TileId.FULL_WIDTH, row - (id.index() << TileId.HEIGHT)) < id.width()) {
      send(ex, 404, new byte[0]);
      return;
    }
    if (p.entries()) {
      int start = (int) (id.index() << TileId.HEIGHT);
      List<byte[]> bundle = new ArrayList<>(entries.subList(start, start + id.width()));
      if (mode == Mode.TAMPERED_ENTRY) {
        bundle.set(bundle.size() - 1, "tampered".getBytes(StandardCharsets.UTF_8));
      }
      send(ex, 200, EntryBundle.encode(bundle));
    } else {
      send(ex, 200, tiles.get(id.level() + "/" + id.index()).prefix(id.width()).encode());
    }
  }

  private static Map<String, String> params(String query) {
    Map<String, String> out = new HashMap<>();
    if (query != null) {
      for (String kv : query.split("&")) {
        int eq = kv.indexOf('=');
        out.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    return out;
  }

  private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    try (ex) {
      ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
