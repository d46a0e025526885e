package dev.stele.merkle.tiles;

import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.io.IOException;
import java.security.MessageDigest;
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

  /**
   * The hash of the perfect subtree whose bottom row is {@code count} (a power of two) consecutive
   * hashes of {@code tile} from position {@code pos}. Uses {@code scratch} (at least {@code count *
   * 32} bytes) as working space.
   */
  static Hash subtreeHash(MessageDigest md, HashTile tile, int pos, int count, byte[] scratch) {
    System.arraycopy(tile.array(), pos * Hash.SIZE, scratch, 0, count * Hash.SIZE);
    // Level by level, in place: the parent of nodes 2i and 2i+1 goes to slot i, which has been
    // read by then.
    for (int n = count; n > 1; n >>>= 1) {
      for (int i = 0; i < n / 2; i++) {
        Rfc6962.hashChildren(md, scratch, 2 * i * Hash.SIZE, scratch, i * Hash.SIZE);
      }
    }
    return Hash.of(scratch, 0);
  }
}
