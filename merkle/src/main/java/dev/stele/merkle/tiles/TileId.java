package dev.stele.merkle.tiles;

/**
 * The coordinates of a C2SP tlog-tiles hash tile (or, at level 0, of the entry bundle with the same
 * index): tile level, tile index and width.
 *
 * <p>The tile at level {@code L} and index {@code N} holds the hashes of the tree nodes at level
 * {@code 8L} with indices {@code N*256 .. N*256 + width - 1}; level 0 tiles hold leaf hashes. A
 * tile of width {@value #FULL_WIDTH} is full and never changes; a narrower one is a partial tile at
 * the right edge of the tree, always a prefix of the full tile it grows into.
 *
 * <p>Requires {@code 0 <= level <= 63}, {@code index >= 0} and {@code 1 <= width <= 256}.
 */
public record TileId(int level, long index, int width) {
  /** The number of tree levels one tile spans: a full tile is a perfect subtree of 2^8 nodes. */
  public static final int HEIGHT = 8;
  /** The number of hashes in a full tile. */
  public static final int FULL_WIDTH = 1 << HEIGHT;
  /** The highest tile level a path may name. */
  public static final int MAX_LEVEL = 63;

  public TileId {
    if (level < 0 || level > MAX_LEVEL) {
      throw new IllegalArgumentException("tile level " + level + " is outside 0.." + MAX_LEVEL);
    }
    if (index < 0) {
      throw new IllegalArgumentException("tile index " + index + " is negative");
    }
    if (width < 1 || width > FULL_WIDTH) {
      throw new IllegalArgumentException("tile width " + width + " is outside 1.." + FULL_WIDTH);
    }
  }

  /**
   * The tile at {@code level} and {@code index} as the tree of {@code treeSize} leaves has it: full,
   * or partial at the right edge (see {@link TileMath#width}).
   *
   * @throws IllegalArgumentException if that tree has no such tile (it would be empty)
   */
  public static TileId atSize(int level, long index, long treeSize) {
    int width = TileMath.width(level, index, treeSize);
    if (width == 0) {
      throw new IllegalArgumentException(
          "a tree of size " + treeSize + " has no tile at level " + level + ", index " + index);
    }
    return new TileId(level, index, width);
  }

  /** Whether this tile holds all {@value #FULL_WIDTH} hashes. */
  public boolean isFull() {
    return width == FULL_WIDTH;
  }

  /** This tile with another width. */
  public TileId withWidth(int newWidth) {
    return new TileId(level, index, newWidth);
  }

  /** The tile's path: {@code tile/<L>/<N>[.p/<W>]}. */
  public String path() {
    return "tile/" + level + "/" + indexPath();
  }

  /**
   * The path of the entry bundle with this index and width: {@code tile/entries/<N>[.p/<W>]}.
   *
   * @throws IllegalStateException unless this is a level 0 tile
   */
  public String entriesPath() {
    if (level != 0) {
      throw new IllegalStateException("entry bundles exist only at level 0, not at level " + level);
    }
    return "tile/entries/" + indexPath();
  }

  @Override
  public String toString() {
    return path();
  }

  /**
   * {@code <N>[.p/<W>]}: the index in zero-padded groups of three digits, every group but the last
   * prefixed with {@code x} (1234067 is {@code x001/x234/067}), and the width of a partial tile.
   */
  private String indexPath() {
    String digits = Long.toString(index);
    int groups = (digits.length() + 2) / 3;
    StringBuilder sb = new StringBuilder(groups * 5 + 6);
    digits = "00".substring(0, groups * 3 - digits.length()) + digits;
    for (int g = 0; g < groups; g++) {
      if (g > 0) {
        sb.append('/');
      }
      if (g < groups - 1) {
        sb.append('x');
      }
      sb.append(digits, 3 * g, 3 * g + 3);
    }
    if (!isFull()) {
      sb.append(".p/").append(width);
    }
    return sb.toString();
  }
}
