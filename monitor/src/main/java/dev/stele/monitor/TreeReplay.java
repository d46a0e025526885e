package dev.stele.monitor;

import dev.stele.client.protocol.Encodings;
import dev.stele.client.protocol.FormatException;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileFormatException;
import dev.stele.merkle.tiles.TileId;
import dev.stele.merkle.tiles.TilePath;
import dev.stele.merkle.tiles.TileReader;
import dev.stele.merkle.tiles.TreeIntegrator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The monitor's own copy of a tree's right edge, grown leaf by leaf with {@link TreeIntegrator}:
 * the partial tiles at the right edge (at most one per tile level) and the root. Full tiles are
 * handed to the caller as they complete and not kept, so memory stays bounded at any tree size.
 *
 * <p>The edge is either the monitor's own (recomputed from leaf 0, or restored from its state) or,
 * for the first step only, read from the log's tiles; in the second case the root reached after
 * appending is what ties those tiles to a signed checkpoint. Not thread-safe.
 */
final class TreeReplay {
  private long size;
  private Hash root;
  /** Partial tiles by level; tiles come back to the integrator as the same objects. */
  private final Map<Integer, HashTile> edge = new TreeMap<>();
  private final Map<Integer, TileId> edgeIds = new TreeMap<>();
  /** Reads the right edge at {@link #size} when it is not known here (first step only). */
  private TileReader fallback;

  private TreeReplay(long size, Hash root) {
    this.size = size;
    this.root = root;
  }

  /** The empty tree. */
  static TreeReplay empty() {
    return new TreeReplay(0, Rfc6962.EMPTY_ROOT);
  }

  /** The tree of {@code size} leaves whose right-edge tiles are read from {@code tiles} (unverified). */
  static TreeReplay fromTiles(long size, TileReader tiles) {
    TreeReplay r = new TreeReplay(size, null);
    r.fallback = tiles;
    return r;
  }

  /**
   * Restores a replay saved with {@link #encodeEdge}.
   *
   * @throws IOException if the saved edge is malformed
   */
  static TreeReplay restore(long size, Hash root, Map<String, String> saved) throws IOException {
    TreeReplay r = new TreeReplay(size, root);
    for (Map.Entry<String, String> e : saved.entrySet()) {
      try {
        TileId id = TilePath.parse(e.getKey()).tile();
        r.edge.put(id.level(), HashTile.decode(id, Encodings.base64("the saved tile", e.getValue())));
        r.edgeIds.put(id.level(), id);
      } catch (TileFormatException | FormatException | IllegalArgumentException ex) {
        throw new IOException("saved tree edge " + e.getKey() + " is malformed: " + ex.getMessage(), ex);
      }
    }
    return r;
  }

  long size() {
    return size;
  }

  /** The root at {@link #size}; null until the first append when the edge came from the log. */
  Hash root() {
    return root;
  }

  /** The level 0 partial tile, if the edge has one. */
  HashTile dataTile() {
    return edge.get(0);
  }

  /** The partial tiles, by path, base64: what {@link #restore} reads. */
  Map<String, String> encodeEdge() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<Integer, TileId> e : edgeIds.entrySet()) {
      out.put(e.getValue().path(), Encodings.base64(edge.get(e.getKey()).encode()));
    }
    return out;
  }

  /** The partial tiles at the right edge, lowest level first. */
  List<Map.Entry<TileId, HashTile>> partialTiles() {
    List<Map.Entry<TileId, HashTile>> out = new ArrayList<>();
    for (Map.Entry<Integer, TileId> e : edgeIds.entrySet()) {
      out.add(Map.entry(e.getValue(), edge.get(e.getKey())));
    }
    return out;
  }

  /**
   * Appends leaves.
   *
   * @return the tiles completed by this call (full, 256 hashes), any level
   * @throws IOException if the right edge had to be read from the log and could not be
   */
  Map<TileId, HashTile> append(List<Hash> leaves) throws IOException {
    if (leaves.isEmpty()) {
      return Map.of();
    }
    TileReader reader = fallback != null ? fallback : this::readEdge;
    TreeIntegrator.Integration in = TreeIntegrator.integrate(reader, size, leaves);
    fallback = null;
    Map<TileId, HashTile> full = new LinkedHashMap<>();
    for (Map.Entry<TileId, HashTile> t : in.changedTiles().entrySet()) {
      TileId id = t.getKey();
      if (id.isFull()) {
        full.put(id, t.getValue());
        TileId old = edgeIds.get(id.level());
        if (old != null && old.index() == id.index()) {
          edge.remove(id.level());
          edgeIds.remove(id.level());
        }
      }
    }
    for (Map.Entry<TileId, HashTile> t : in.changedTiles().entrySet()) {
      if (!t.getKey().isFull()) {
        edge.put(t.getKey().level(), t.getValue());
        edgeIds.put(t.getKey().level(), t.getKey());
      }
    }
    size = in.newSize();
    root = in.root();
    return full;
  }

  private List<HashTile> readEdge(List<TileId> ids) throws IOException {
    List<HashTile> out = new ArrayList<>(ids.size());
    for (TileId id : ids) {
      TileId have = edgeIds.get(id.level());
      if (have == null || have.index() != id.index() || have.width() < id.width()) {
        throw new IOException("the recomputed tree lacks " + id.path() + " at size " + size);
      }
      out.add(edge.get(id.level()));
    }
    return out;
  }
}
