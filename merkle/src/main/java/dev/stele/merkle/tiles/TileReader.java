package dev.stele.merkle.tiles;

import java.io.IOException;
import java.util.List;

/** Where the tree's hash tiles come from: a store, a cache, or HTTP. */
@FunctionalInterface
public interface TileReader {
  /**
   * Returns the tiles with these ids, in order, one per id. A returned tile MUST hold at least the
   * requested width: it may be a wider version of the same partial tile, or the full tile, of
   * which callers use only the prefix. A tile that cannot be found MUST be reported with an
   * exception, not left out or returned as {@code null} (callers check, and fail with an {@link
   * IOException} naming the tile).
   *
   * @throws IOException if a tile cannot be read
   */
  List<HashTile> readTiles(List<TileId> ids) throws IOException;
}
