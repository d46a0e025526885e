package dev.stele.monitor;

import dev.stele.client.protocol.Encodings;
import dev.stele.client.protocol.FormatException;
import dev.stele.merkle.Hash;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.RightEdge;
import dev.stele.merkle.tiles.TileFormatException;
import dev.stele.merkle.tiles.TileId;
import dev.stele.merkle.tiles.TilePath;
import dev.stele.merkle.tiles.TileReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The monitor's own copy of a tree's right edge ({@link RightEdge}, the same type the log's
 * sequencer grows), advanced leaf by leaf. Full tiles are handed to the caller as they complete and
 * not kept, so memory stays bounded at any tree size.
 *
 * <p>The edge is either the monitor's own (recomputed from leaf 0, or restored from its state) or,
 * for the first step only, read from the log's tiles; in the second case the root reached after
 * appending is what ties those tiles to a signed checkpoint. Not thread-safe.
 */
final class TreeReplay {
  /** The edge; null until the first append when it is to be read from the log. */
  private RightEdge edge;
  /** The size of the tree the log's tiles are read at, while {@link #edge} is null. */
  private final long fallbackSize;
  /** Reads the right edge at {@link #fallbackSize} (first step only). */
  private TileReader fallback;

  private TreeReplay(RightEdge edge, long fallbackSize, TileReader fallback) {
    this.edge = edge;
    this.fallbackSize = fallbackSize;
    this.fallback = fallback;
  }

  /** The empty tree. */
  static TreeReplay empty() {
    return new TreeReplay(RightEdge.empty(), 0, null);
  }

  /** The tree of {@code size} leaves whose right-edge tiles are read from {@code tiles} (unverified). */
  static TreeReplay fromTiles(long size, TileReader tiles) {
    return new TreeReplay(null, size, tiles);
  }

  /**
   * Restores a replay saved with {@link #encodeEdge}.
   *
   * @throws IOException if the saved edge is malformed, lacks a tile of the tree of {@code size},
   *     or does not give the saved {@code root}
   */
  static TreeReplay restore(long size, Hash root, Map<String, String> saved) throws IOException {
    Map<TileId, HashTile> tiles = new HashMap<>();
    for (Map.Entry<String, String> e : saved.entrySet()) {
      try {
        TileId id = TilePath.parse(e.getKey()).tile();
        tiles.put(id, HashTile.decode(id, Encodings.base64("the saved tile", e.getValue())));
      } catch (TileFormatException | FormatException | IllegalArgumentException ex) {
        throw new IOException("saved tree edge " + e.getKey() + " is malformed: " + ex.getMessage(), ex);
      }
    }
    RightEdge edge;
    try {
      edge = RightEdge.load(ids -> {
        List<HashTile> out = new ArrayList<>(ids.size());
        for (TileId id : ids) {
          HashTile t = tiles.get(id);
          if (t == null) {
            throw new IOException("the saved tree edge of size " + size + " lacks " + id.path());
          }
          out.add(t);
        }
        return out;
      }, size);
    } catch (IllegalArgumentException e) {
      throw new IOException("saved tree size " + size + " is invalid: " + e.getMessage(), e);
    }
    if (!edge.root().equals(root)) {
      throw new IOException("the saved tree edge of size " + size + " gives root " + edge.root().hex()
          + ", but the saved root is " + root.hex());
    }
    return new TreeReplay(edge, size, null);
  }

  long size() {
    return edge != null ? edge.size() : fallbackSize;
  }

  /** The root at {@link #size}; null until the first append when the edge came from the log. */
  Hash root() {
    return edge != null ? edge.root() : null;
  }

  /** The level 0 partial tile, if the edge has one. */
  HashTile dataTile() {
    if (edge == null) {
      return null;
    }
    for (Map.Entry<TileId, HashTile> t : edge.tiles().entrySet()) {
      if (t.getKey().level() == 0) {
        return t.getValue();
      }
    }
    return null;
  }

  /** The partial tiles, by path, base64: what {@link #restore} reads. */
  Map<String, String> encodeEdge() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<TileId, HashTile> e : partialTiles()) {
      out.put(e.getKey().path(), Encodings.base64(e.getValue().encode()));
    }
    return out;
  }

  /** The partial tiles at the right edge, lowest level first. */
  List<Map.Entry<TileId, HashTile>> partialTiles() {
    return edge == null ? List.of() : new ArrayList<>(edge.tiles().entrySet());
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
    if (edge == null) {
      edge = RightEdge.load(fallback, fallbackSize);
      fallback = null;
    }
    RightEdge.Growth g = edge.append(leaves);
    edge = g.edge();
    Map<TileId, HashTile> full = new LinkedHashMap<>();
    for (Map.Entry<TileId, HashTile> t : g.changedTiles().entrySet()) {
      if (t.getKey().isFull()) {
        full.put(t.getKey(), t.getValue());
      }
    }
    return full;
  }
}
