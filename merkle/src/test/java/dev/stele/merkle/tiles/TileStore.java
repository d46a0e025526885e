package dev.stele.merkle.tiles;

import dev.stele.merkle.Hash;
import dev.stele.merkle.InMemoryTree;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tiles in memory, keyed by level and index, each kept at its latest (widest) width, as a server
 * keeps them. Records every id it is asked for.
 */
final class TileStore implements TileReader {
  record Key(int level, long index) {}

  final Map<Key, HashTile> tiles = new HashMap<>();
  final List<TileId> requested = new ArrayList<>();

  @Override
  public List<HashTile> readTiles(List<TileId> ids) throws IOException {
    List<HashTile> out = new ArrayList<>(ids.size());
    for (TileId id : ids) {
      requested.add(id);
      HashTile t = tiles.get(new Key(id.level(), id.index()));
      if (t == null) {
        throw new IOException("no tile " + id.path());
      }
      out.add(t);
    }
    return out;
  }

  /** Stores changed tiles, checking that each only grows and keeps its old hashes as a prefix. */
  void apply(TreeIntegrator.Integration result) {
    for (Map.Entry<TileId, HashTile> e : result.changedTiles().entrySet()) {
      TileId id = e.getKey();
      HashTile t = e.getValue();
      if (t.width() != id.width()) {
        throw new AssertionError(id + " carries a tile of width " + t.width());
      }
      HashTile old = tiles.put(new Key(id.level(), id.index()), t);
      if (old != null && (old.width() >= t.width() || !t.prefix(old.width()).equals(old))) {
        throw new AssertionError(id + " changed from width " + old.width() + " without growing from it");
      }
    }
  }

  /** The tiles of the tree of {@code size} leaves built from the stored nodes of {@code tree}. */
  static TileReader fromTree(InMemoryTree tree, long size) {
    Map<TileId, HashTile> cache = new HashMap<>();
    return ids -> {
      List<HashTile> out = new ArrayList<>();
      for (TileId id : ids) {
        TileId want = TileId.atSize(id.level(), id.index(), size);
        if (!want.equals(id)) {
          throw new IOException("asked for " + id + " but the tree of size " + size + " has " + want);
        }
        out.add(cache.computeIfAbsent(id, i -> tile(tree, i)));
      }
      return out;
    };
  }

  /** A tile computed from the stored nodes: node hashes at level 8 * id.level(). */
  static HashTile tile(InMemoryTree tree, TileId id) {
    List<Hash> hashes = new ArrayList<>();
    for (int i = 0; i < id.width(); i++) {
      hashes.add(tree.node(TileId.HEIGHT * id.level(), id.index() * TileId.FULL_WIDTH + i));
    }
    return HashTile.of(hashes);
  }
}
