package dev.stele.monitor;

import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.Encodings;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.Inclusion;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.proof.ProofException;
import dev.stele.merkle.proof.ProofVerifier;
import dev.stele.merkle.tiles.EntryBundle;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileFormatException;
import dev.stele.merkle.tiles.TileId;
import dev.stele.merkle.tiles.TileMath;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;

/**
 * Reads a log's entries in order, from where a {@link TreeReplay} stands up to a verified
 * checkpoint, and checks that they are that checkpoint's tree: each entry hashes to its leaf in
 * the served level 0 tile, and the recomputed root equals the signed one. An audit also compares
 * every higher tile the log serves with the recomputed one, and the root at every earlier
 * verified checkpoint on the way.
 *
 * <p>Entries come from tlog-tiles entry bundles when the log has them, else from the v1 API ten at
 * a time. Requests run a few at a time ahead of the checks, on the given pool.
 */
final class EntryWalker {
  /** Receives each entry, in log order. */
  interface Visitor {
    void entry(long index, byte[] body, Hash leafHash) throws IOException;
  }

  /** Told how far the walk has come, after each tile (or each v1 chunk). */
  interface Progress {
    void at(TreeReplay replay) throws IOException;
  }

  private static final int V1_CHUNK = 10;

  private final LogSource source;
  private final CheckpointVerifier verifier;
  private final String log;
  private final ExecutorService pool;
  private final int depth;

  EntryWalker(LogSource source, CheckpointVerifier verifier, String log, ExecutorService pool, int depth) {
    this.source = source;
    this.verifier = verifier;
    this.log = log;
    this.pool = pool;
    this.depth = depth;
  }

  /**
   * Walks from {@code replay.size()} to {@code target}'s size.
   *
   * @param replay the recomputed tree so far; for a v1 log it may be null, and then each entry is
   *     checked by the inclusion proof the log sends with it instead
   * @param audit whether to compare every tile with the recomputed one
   * @param earlier verified checkpoints whose roots must be met on the way
   * @throws AlarmException {@link AlarmKind#BAD_DATA} if an entry, tile or root disagrees
   * @throws LogUnavailableException if the log stops answering
   */
  void walk(TreeReplay replay, CheckpointVerifier.Verified target, boolean audit,
      List<MonitorState.Seen> earlier, Visitor visitor, Progress progress)
      throws AlarmException, IOException {
    long to = target.checkpoint().size();
    if (replay != null && replay.size() >= to) {
      return;
    }
    if (source.hasTiles()) {
      if (replay == null) {
        throw new IllegalArgumentException("a walk over tiles needs a tree to replay");
      }
      walkTiles(replay, target, audit, earlier, visitor, progress);
    } else {
      walkV1(replay, target, earlier, visitor, progress);
    }
    if (replay != null && !replay.root().equals(target.checkpoint().root())) {
      throw bad("the entries up to " + to + " give root " + replay.root().hex() + ", but the checkpoint signs "
          + target.checkpoint().root().hex(), target, source.url(), null, Map.of());
    }
    if (audit && replay != null && source.hasTiles()) {
      for (Map.Entry<TileId, HashTile> t : replay.partialTiles()) {
        if (t.getKey().level() > 0) {
          compareTile(t.getKey(), t.getValue(), target);
        }
      }
    }
  }

  private record Fetched(TileId id, byte[] bundle, byte[] tile) {}

  private void walkTiles(TreeReplay replay, CheckpointVerifier.Verified target, boolean audit,
      List<MonitorState.Seen> earlier, Visitor visitor, Progress progress) throws AlarmException, IOException {
    long to = target.checkpoint().size();
    long firstTile = replay.size() >>> TileId.HEIGHT;
    long endTile = TileMath.tileCount(0, to);
    Deque<CompletableFuture<Fetched>> ahead = new ArrayDeque<>();
    long next = firstTile;
    for (long t = firstTile; t < endTile; t++) {
      while (next < endTile && ahead.size() < depth) {
        TileId id = TileId.atSize(0, next, to);
        ahead.add(CompletableFuture.supplyAsync(() -> fetch(id), pool));
        next++;
      }
      Fetched f = await(ahead.removeFirst());
      TileId id = f.id();
      long start = TileMath.firstIndex(id);
      String bundleUrl = source.http().url("/" + id.entriesPath());
      List<byte[]> entries;
      HashTile row;
      try {
        entries = EntryBundle.decode(f.bundle());
      } catch (TileFormatException e) {
        throw bad(bundleUrl + ": " + e.getMessage(), target, bundleUrl, f.bundle(), Map.of());
      }
      if (entries.size() != id.width()) {
        throw bad(bundleUrl + " holds " + entries.size() + " entries, want " + id.width(), target, bundleUrl,
            f.bundle(), Map.of());
      }
      String tileUrl = source.http().url("/" + id.path());
      try {
        row = HashTile.decode(id, f.tile());
      } catch (TileFormatException e) {
        throw bad(tileUrl + ": " + e.getMessage(), target, tileUrl, f.tile(), Map.of());
      }
      int skip = (int) (replay.size() - start);
      HashTile known = replay.dataTile();
      List<Hash> leaves = new ArrayList<>(id.width() - skip);
      for (int i = 0; i < id.width(); i++) {
        Hash leaf = Rfc6962.hashLeaf(entries.get(i));
        if (!leaf.equals(row.get(i))) {
          throw bad("entry " + (start + i) + " in " + bundleUrl + " hashes to " + leaf.hex() + ", but " + tileUrl
              + " has " + row.get(i).hex(), target, bundleUrl, f.bundle(),
              Map.of("entry", Long.toString(start + i), "tile", tileUrl,
                  "tileBase64", Encodings.base64(f.tile())));
        }
        if (i < skip) {
          if (known != null && known.width() > i && !known.get(i).equals(leaf)) {
            throw bad("entry " + (start + i) + " changed: it hashes to " + leaf.hex() + " now, "
                + known.get(i).hex() + " when it was read before", target, bundleUrl, f.bundle(), Map.of());
          }
          continue;
        }
        visitor.entry(start + i, entries.get(i), leaf);
        leaves.add(leaf);
      }
      append(replay, leaves, target, audit, earlier);
      progress.at(replay);
    }
  }

  private Fetched fetch(TileId id) {
    try {
      return new Fetched(id, source.raw(id.entriesPath()), source.raw(id.path()));
    } catch (LogUnavailableException e) {
      throw new CompletionException(e);
    }
  }

  private void walkV1(TreeReplay replay, CheckpointVerifier.Verified target, List<MonitorState.Seen> earlier,
      Visitor visitor, Progress progress) throws AlarmException, IOException {
    long to = target.checkpoint().size();
    long from = replay != null ? replay.size() : watchStart;
    Deque<CompletableFuture<List<LoggedEntry>>> ahead = new ArrayDeque<>();
    long next = from;
    Set<String> verifiedNotes = new HashSet<>();
    for (long i = from; i < to; ) {
      while (next < to && ahead.size() < depth) {
        List<Long> indexes = new ArrayList<>();
        for (long j = next; j < Math.min(to, next + V1_CHUNK); j++) {
          indexes.add(j);
        }
        ahead.add(CompletableFuture.supplyAsync(() -> {
          try {
            return source.entries(indexes);
          } catch (LogUnavailableException e) {
            throw new CompletionException(e);
          }
        }, pool));
        next += indexes.size();
      }
      List<LoggedEntry> chunk = await(ahead.removeFirst());
      int want = (int) Math.min(V1_CHUNK, to - i);
      String url = source.http().url("/api/v1/log/entries/retrieve");
      if (chunk.size() != want) {
        throw new LogUnavailableException(url + " returned " + chunk.size() + " entries for indexes " + i
            + ".." + (i + want - 1) + ", want " + want);
      }
      List<Hash> leaves = new ArrayList<>(want);
      for (LoggedEntry e : chunk) {
        byte[] body = e.body();
        Hash leaf = Rfc6962.hashLeaf(body);
        if (e.logIndex() != i) {
          throw new LogUnavailableException(url + ": asked for entry " + i + ", got index " + e.logIndex());
        }
        if (!e.id().uuid().equals(leaf)) {
          throw bad("entry " + i + " has UUID " + e.id().uuid().hex() + " but its body hashes to " + leaf.hex(),
              target, url, body, Map.of());
        }
        if (replay == null) {
          checkInclusion(e, leaf, target, verifiedNotes, url);
        }
        visitor.entry(i, body, leaf);
        leaves.add(leaf);
        i++;
      }
      if (replay != null) {
        append(replay, leaves, target, false, earlier);
        progress.at(replay);
      } else {
        watchStart = i;
        progress.at(null);
      }
    }
  }

  /** Where a v1 walk without a replay starts; set by {@link #startAt}. */
  private long watchStart;

  /** For a v1 walk without a replay: the first index to read. */
  EntryWalker startAt(long index) {
    this.watchStart = index;
    return this;
  }

  /** The entry's inclusion proof must lead to the root of a checkpoint signed by the log. */
  private void checkInclusion(LoggedEntry e, Hash leaf, CheckpointVerifier.Verified target,
      Set<String> verifiedNotes, String url) throws AlarmException {
    Inclusion inc = e.inclusion().orElseThrow(() -> new AlarmException(AlarmKind.BAD_DATA,
        "entry " + e.logIndex() + " from " + url + " comes without an inclusion proof",
        Evidence.of(log, target.note(), url, null, e.body(), null, Map.of())));
    String note = inc.checkpoint().format();
    try {
      ProofVerifier.verifyInclusion(e.logIndex(), inc.proof().treeSize(), leaf, inc.proof().hashes(),
          inc.rootHash());
      if (!verifiedNotes.contains(note)) {
        CheckpointVerifier.Verified v = verifier.verify(new LogSource.Served(url, note.getBytes(
            java.nio.charset.StandardCharsets.UTF_8), note, inc.proof().treeSize(), inc.rootHash(),
            "the inclusion proof's"), target.note());
        Checkpoint cp = v.checkpoint();
        if (cp.size() == target.checkpoint().size() && !cp.root().equals(target.checkpoint().root())) {
          throw new AlarmException(AlarmKind.FORK, "entry " + e.logIndex() + " is proven against a checkpoint"
              + " with root " + cp.root().hex() + " for size " + cp.size() + ", verified with root "
              + target.checkpoint().root().hex(),
              verifier.conflict(target.note(), new LogSource.Served(url, null, note), note, "fork"));
        }
        verifiedNotes.add(note);
      }
    } catch (ProofException ex) {
      throw bad("the inclusion proof of entry " + e.logIndex() + " fails: " + ex.getMessage(), target, url,
          e.body(), Map.of());
    }
  }

  private void append(TreeReplay replay, List<Hash> leaves, CheckpointVerifier.Verified target, boolean audit,
      List<MonitorState.Seen> earlier) throws AlarmException, IOException {
    int done = 0;
    while (done < leaves.size()) {
      long end = replay.size() + (leaves.size() - done);
      MonitorState.Seen stop = null;
      for (MonitorState.Seen s : earlier) {
        if (s.size() > replay.size() && s.size() < end && (stop == null || s.size() < stop.size())) {
          stop = s;
        }
      }
      int n = stop == null ? leaves.size() - done : (int) (stop.size() - replay.size());
      Map<TileId, HashTile> full = replay.append(leaves.subList(done, done + n));
      done += n;
      if (audit) {
        for (Map.Entry<TileId, HashTile> t : full.entrySet()) {
          if (t.getKey().level() > 0) {
            compareTile(t.getKey(), t.getValue(), target);
          }
        }
      }
      if (stop != null && !replay.root().hex().equals(stop.root())) {
        throw bad("the entries up to " + stop.size() + " give root " + replay.root().hex()
            + ", but the checkpoint verified earlier for that size signs " + stop.root(), target, source.url(),
            null, Map.of("earlierCheckpoint", stop.checkpoint()));
      }
    }
  }

  private void compareTile(TileId id, HashTile expected, CheckpointVerifier.Verified target)
      throws AlarmException, LogUnavailableException {
    String url = source.http().url("/" + id.path());
    byte[] served = source.raw(id.path());
    if (!java.util.Arrays.equals(served, expected.encode())) {
      throw bad(url + " differs from the tile recomputed from the entries", target, url, served,
          Map.of("expectedBase64", Encodings.base64(expected.encode())));
    }
  }

  private AlarmException bad(String problem, CheckpointVerifier.Verified target, String source, byte[] body,
      Map<String, String> details) {
    Map<String, String> d = new java.util.TreeMap<>(details);
    d.put("problem", problem);
    return new AlarmException(AlarmKind.BAD_DATA, problem,
        Evidence.of(log, target.note(), source, null, body, null, d));
  }

  private static <T> T await(CompletableFuture<T> f) throws LogUnavailableException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause() instanceof CompletionException ? e.getCause().getCause() : e.getCause();
      if (c instanceof LogUnavailableException) {
        throw (LogUnavailableException) c;
      }
      throw new IllegalStateException("fetch failed: " + c, c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LogUnavailableException("interrupted while reading the log", 0, e);
    }
  }
}
