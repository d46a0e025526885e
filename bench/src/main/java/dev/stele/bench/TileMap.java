package dev.stele.bench;

import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileId;
import dev.stele.merkle.tiles.TileReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Tiles in a hash map, each at its latest width: the server's in-memory right edge, and more. */
final class TileMap implements TileReader {
  private record Key(int level, long index) {}

  private final Map<Key, HashTile> tiles = new HashMap<>();

  @Override
  public List<HashTile> readTiles(List<TileId> ids) throws IOException {
    List<HashTile> out = new ArrayList<>(ids.size());
    for (TileId id : ids) {
      HashTile t = tiles.get(new Key(id.level(), id.index()));
      if (t == null) {
        throw new IOException("no tile " + id.path());
      }
      out.add(t);
    }
    return out;
  }

  void putAll(Map<TileId, HashTile> changed) {
    for (Map.Entry<TileId, HashTile> e : changed.entrySet()) {
      tiles.put(new Key(e.getKey().level(), e.getKey().index()), e.getValue());
    }
  }

  int size() {
    return tiles.size();
  }
}
