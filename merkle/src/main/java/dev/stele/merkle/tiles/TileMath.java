package dev.stele.merkle.tiles;

import dev.stele.merkle.NodeId;
import java.util.ArrayList;
import java.util.List;

/**
 * The arithmetic of C2SP tlog-tiles, as pure functions of a tree size: which tiles a tree has, how
 * wide each is, where a node or a leaf lives. Every other class (the integrator, the proof
 * builder, the server's tile routes and start-up check, the monitor) asks here rather than
 * shifting by 8 itself.
 *
 * <p>Tile level {@code L} holds the nodes of tree level {@code 8L}, 256 to a tile: tile {@code
 * (L, N)} holds nodes {@code N*256 .. N*256 + width - 1} of that tree level. In a tree of {@code
 * size} leaves, tree level {@code 8L} has {@code size >>> 8L} perfect nodes (the "row" of tile
 * level {@code L}); the last tile of a row is partial unless the row length is a multiple of 256.
 * A tree of at most {@link Long#MAX_VALUE} leaves has nodes in tile levels 0 to {@value #LEVELS}
 * - 1 only; higher levels are empty at every size.
 *
 * <p>Preconditions, checked first: tree sizes and indices are non-negative, tile levels are
 * non-negative. A level or index beyond the tree is not an error: it has width 0.
 */
public final class TileMath {
  /** Tile levels that can hold a node of a tree of at most {@link Long#MAX_VALUE} leaves. */
  public static final int LEVELS = (Long.SIZE + TileId.HEIGHT - 1) / TileId.HEIGHT;

  private TileMath() {}

  /**
   * The number of hashes tile level {@code level} has over all its tiles in the tree of {@code
   * treeSize} leaves: the perfect nodes at tree level {@code 8 * level}.
   *
   * @throws IllegalArgumentException if {@code level} or {@code treeSize} is negative
   */
  public static long rowLength(int level, long treeSize) {
    checkLevel(level);
    checkSize(treeSize);
    // Java takes shift distances modulo 64: level 8 would shift by 0, not empty the row.
    int shift = TileId.HEIGHT * level;
    return shift >= Long.SIZE ? 0 : treeSize >>> shift;
  }

  /**
   * The number of tiles, full or partial, at tile level {@code level} of the tree of {@code
   * treeSize} leaves: {@code ceil(rowLength / 256)}.
   *
   * @throws IllegalArgumentException if {@code level} or {@code treeSize} is negative
   */
  public static long tileCount(int level, long treeSize) {
    long row = rowLength(level, treeSize);
    // (row + 255) / 256 without overflow near Long.MAX_VALUE.
    return (row >>> TileId.HEIGHT) + ((row & (TileId.FULL_WIDTH - 1)) == 0 ? 0 : 1);
  }

  /**
   * The width of tile {@code (level, index)} in the tree of {@code treeSize} leaves: 256 for a full
   * tile, 1 to 255 for the partial tile at the right edge, 0 if the tree has no such tile.
   *
   * @throws IllegalArgumentException if {@code level}, {@code index} or {@code treeSize} is negative
   */
  public static int width(int level, long index, long treeSize) {
    checkIndex(index);
    long row = rowLength(level, treeSize);
    if (row == 0 || index > (row - 1) >>> TileId.HEIGHT) {
      return 0;
    }
    // index <= (row - 1) / 256, so index * 256 < row: no overflow.
    return (int) Math.min(TileId.FULL_WIDTH, row - (index << TileId.HEIGHT));
  }

  /**
   * Whether the tree of {@code treeSize} leaves can serve {@code tile}: it has that tile at the
   * requested width or wider (a partial tile is a prefix of every wider version of it, so a tree
   * serves every width its tile has passed through).
   *
   * @throws IllegalArgumentException if {@code treeSize} is negative
   */
  public static boolean serves(TileId tile, long treeSize) {
    return width(tile.level(), tile.index(), treeSize) >= tile.width();
  }

  /**
   * The index, among the nodes of its tree level, of a tile's first hash: {@code index * 256}. For
   * a level 0 tile, the index of its first leaf, which is also the first entry of the entry bundle
   * with the same index.
   *
   * @throws ArithmeticException if the tile lies beyond any tree of at most {@link Long#MAX_VALUE}
   *     leaves (its first index does not fit in a {@code long})
   */
  public static long firstIndex(TileId tile) {
    if (tile.index() > Long.MAX_VALUE >>> TileId.HEIGHT) {
      throw new ArithmeticException(tile.path() + " starts beyond index " + Long.MAX_VALUE);
    }
    return tile.index() << TileId.HEIGHT;
  }

  /**
   * The level 0 tile holding leaf {@code leafIndex}, at its width in the tree of {@code treeSize}
   * leaves.
   *
   * @throws IllegalArgumentException unless {@code 0 <= leafIndex < treeSize}
   */
  public static TileId dataTile(long leafIndex, long treeSize) {
    checkSize(treeSize);
    if (leafIndex < 0 || leafIndex >= treeSize) {
      throw new IllegalArgumentException(
          "leaf " + leafIndex + " is not in a tree of size " + treeSize);
    }
    return TileId.atSize(0, leafIndex >>> TileId.HEIGHT, treeSize);
  }

  /**
   * The tile, at its width in the tree of {@code treeSize} leaves, whose row holds the subtree of
   * {@code node}: a node at tree level {@code l} is a hash of tile level {@code l / 8} when
   * {@code l} is a multiple of 8, otherwise the root of {@code 2^(l % 8)} consecutive hashes of
   * that tile.
   *
   * @throws IllegalArgumentException unless {@code node} is a perfect node of that tree
   */
  public static TileId tileOf(NodeId node, long treeSize) {
    checkSize(treeSize);
    if (node.coverageEnd() > treeSize) {
      throw new IllegalArgumentException(node + " is not a perfect node of a tree of size " + treeSize);
    }
    int sub = node.level() % TileId.HEIGHT;
    // The node's leftmost descendant at the tile's row, then that hash's tile.
    long first = node.index() << sub;
    return TileId.atSize(node.level() / TileId.HEIGHT, first >>> TileId.HEIGHT, treeSize);
  }

  /**
   * The partial tiles at the right edge of the tree of {@code treeSize} leaves, lowest level first:
   * they hold every node of the compact range {@code [0, treeSize)}, so they are all that new
   * leaves can combine with. A level whose row ends on a tile boundary has none.
   *
   * @throws IllegalArgumentException if {@code treeSize} is negative
   */
  public static List<TileId> rightEdge(long treeSize) {
    checkSize(treeSize);
    List<TileId> ids = new ArrayList<>(LEVELS);
    for (int level = 0; level < LEVELS; level++) {
      long row = rowLength(level, treeSize);
      int width = (int) (row & (TileId.FULL_WIDTH - 1));
      if (width != 0) {
        ids.add(new TileId(level, row >>> TileId.HEIGHT, width));
      }
    }
    return ids;
  }

  private static void checkLevel(int level) {
    if (level < 0) {
      throw new IllegalArgumentException("tile level " + level + " is negative");
    }
  }

  private static void checkIndex(long index) {
    if (index < 0) {
      throw new IllegalArgumentException("tile index " + index + " is negative");
    }
  }

  private static void checkSize(long treeSize) {
    if (treeSize < 0) {
      throw new IllegalArgumentException("tree size " + treeSize + " is negative");
    }
  }
}
