package dev.stele.merkle.tiles;

import java.io.IOException;
import java.util.List;

/** Reading tiles with the reader's contract checked, for the integrator, the proof builder and {@link RightEdge}. */
final class Tiles {
  private Tiles() {}

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
