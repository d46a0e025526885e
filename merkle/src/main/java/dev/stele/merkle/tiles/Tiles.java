package dev.stele.merkle.tiles;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Tile arithmetic and reading shared by the integrator and the proof builder. */
final class Tiles {
  /** Tile levels that can hold a node of a tree of at most {@link Long#MAX_VALUE} leaves. */
  static final int LEVELS = (Long.SIZE + TileId.HEIGHT - 1) / TileId.HEIGHT;

  private Tiles() {}

  /**
   * The partial tiles at the right edge of the tree of {@code size} leaves, lowest level first:
   * they hold every node of the compact range {@code [0, size)}. Levels whose row ends on a tile
   * boundary have none.
   */
  static List<TileId> rightEdge(long size) {
    List<TileId> ids = new ArrayList<>(LEVELS);
    for (int level = 0; level < LEVELS; level++) {
      long row = TileId.rowLength(level, size);
      int width = (int) (row & (TileId.FULL_WIDTH - 1));
      if (width != 0) {
        ids.add(new TileId(level, row >>> TileId.HEIGHT, width));
      }
    }
    return ids;
  }

  /**
   * Reads {@code ids} and checks that the reader kept its contract: one tile per id, each at least
   * as wide as asked.
   *
   * @throws IOException from the reader, or naming the tile that is missing or too narrow
   */
  static List<HashTile> read(TileReader reader, List<TileId> ids) throws IOException {
    if (ids.isEmpty()) {
      return List.of();
    }
    List<HashTile> tiles = reader.readTiles(List.copyOf(ids));
    if (tiles == null || tiles.size() != ids.size()) {
      throw new IOException(
          "tile reader returned " + (tiles == null ? "nothing" : tiles.size() + " tiles")
              + " for " + ids.size() + " requested: " + ids);
    }
    for (int i = 0; i < ids.size(); i++) {
      HashTile t = tiles.get(i);
      if (t == null) {
        throw new IOException("tile reader lacks " + ids.get(i).path());
      }
      if (t.width() < ids.get(i).width()) {
        throw new IOException(
            "tile reader returned " + ids.get(i).path() + " with width " + t.width()
                + ", need at least " + ids.get(i).width());
      }
    }
    return tiles;
  }
}
