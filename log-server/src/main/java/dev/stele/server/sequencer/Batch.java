package dev.stele.server.sequencer;

import dev.stele.merkle.Hash;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileId;
import dev.stele.server.log.StoredEntry;
import dev.stele.server.log.TreeState;
import java.util.List;
import java.util.Map;

/**
 * Everything one sequenced batch changes, written in one atomic commit: the new entries with their
 * leaf-index and search-index keys, the hash tiles that changed, and the new tree state with its
 * signed checkpoint.
 */
public record Batch(List<Appended> entries, Map<TileId, HashTile> tiles, TreeState state) {
  public Batch {
    entries = List.copyOf(entries);
    tiles = Map.copyOf(tiles);
  }

  /** One new entry: what is stored, its leaf hash (dedup key) and its search keys. */
  public record Appended(StoredEntry entry, Hash leafHash, List<String> searchKeys) {
    public Appended {
      searchKeys = List.copyOf(searchKeys);
    }
  }
}
