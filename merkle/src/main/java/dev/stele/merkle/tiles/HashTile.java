package dev.stele.merkle.tiles;

import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable row of 1 to 256 node hashes: the content of a C2SP tlog-tiles hash tile, which is
 * the hashes concatenated, 32 bytes each, with nothing else.
 *
 * <p>A tile made by {@link TreeIntegrator} also remembers the roots of the perfect subtrees over
 * its hashes, which the integrator had computed anyway. That is a cache of a function of the
 * content, invisible to {@link #equals} and {@link #encode}: when the same tile object comes back
 * through a {@link TileReader} for the next batch, the integrator picks up where it left off
 * instead of hashing the tile's row again, so that small batches cost no more per leaf than big
 * ones. Tiles from {@link #decode} or {@link #of} carry no such cache and work the same, only
 * slower to integrate into.
 */
public final class HashTile {
  /** Holds at least {@code width} hashes; a prefix may share a longer array. */
  private final byte[] data;
  private final int width;
  /**
   * Null, or the roots of the perfect subtrees covering hashes {@code [0, width)}, largest first,
   * one per set bit of {@code width}, 32 bytes each.
   */
  private final byte[] subtreeRoots;
  /**
   * Null until first needed, then every interior node of the tile whose subtree lies within
   * {@code [0, width)}: levels 1 to 7 above the row, level by level, left to right (see {@link
   * #subtree}). A cache of a function of the content, like {@link #subtreeRoots}: computed once
   * per tile object, so that proofs built from a kept tile cost lookups instead of up to 247
   * hashes per tile level.
   */
  private volatile byte[] interior;
  /**
   * Null, or (full tiles only) the roots of its {@value #BLOCKS} blocks of {@value #BLOCK}
   * consecutive hashes, 32 bytes each, as a store keeps them beside the tile ({@link
   * #withBlockRoots}). With them a proof through a tile read once costs at most 22 hashes
   * instead of the 255 of its whole interior.
   */
  private final byte[] blockRoots;

  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Rfc6962::newSha256);

  /** Hashes per block of a full tile ({@link #blockRoots()}). */
  public static final int BLOCK = 16;
  /** Blocks per full tile. */
  public static final int BLOCKS = TileId.FULL_WIDTH / BLOCK;

  private HashTile(byte[] data, int width) {
    this(data, width, null);
  }

  private HashTile(byte[] data, int width, byte[] subtreeRoots) {
    this(data, width, subtreeRoots, null);
  }

  private HashTile(byte[] data, int width, byte[] subtreeRoots, byte[] blockRoots) {
    this.data = data;
    this.width = width;
    this.subtreeRoots = subtreeRoots;
    this.blockRoots = blockRoots;
  }

  /**
   * A tile holding {@code hashes} in order.
   *
   * @throws IllegalArgumentException unless there are 1 to 256 hashes
   */
  public static HashTile of(List<Hash> hashes) {
    checkWidth(hashes.size());
    byte[] data = new byte[hashes.size() * Hash.SIZE];
    for (int i = 0; i < hashes.size(); i++) {
      hashes.get(i).copyTo(data, i * Hash.SIZE);
    }
    return new HashTile(data, hashes.size());
  }

  /**
   * Parses a tile as served: 1 to 256 hashes of 32 bytes.
   *
   * @throws TileFormatException on any other length
   */
  public static HashTile decode(byte[] bytes) throws TileFormatException {
    if (bytes.length == 0 || bytes.length % Hash.SIZE != 0
        || bytes.length > TileId.FULL_WIDTH * Hash.SIZE) {
      throw new TileFormatException(
          "a hash tile is 1 to " + TileId.FULL_WIDTH + " hashes of " + Hash.SIZE + " bytes, got "
              + bytes.length + " bytes");
    }
    return new HashTile(bytes.clone(), bytes.length / Hash.SIZE);
  }

  /**
   * Parses the tile fetched for {@code id}, which must have exactly {@code id.width()} hashes.
   *
   * @throws TileFormatException on any other length
   */
  public static HashTile decode(TileId id, byte[] bytes) throws TileFormatException {
    if (bytes.length != id.width() * Hash.SIZE) {
      throw new TileFormatException(
          id.path() + " must be " + id.width() + " hashes (" + id.width() * Hash.SIZE
              + " bytes), got " + bytes.length + " bytes");
    }
    return decode(bytes);
  }

  /** Wraps an array nobody else holds, without copying. */
  static HashTile wrap(byte[] data, int width) {
    return new HashTile(data, width);
  }

  /**
   * Wraps arrays nobody else holds, without copying: the hashes, and the roots of the perfect
   * subtrees over them (largest first, one per set bit of {@code width}).
   */
  static HashTile wrap(byte[] data, int width, byte[] subtreeRoots) {
    return new HashTile(data, width, subtreeRoots);
  }

  /** The roots of the perfect subtrees over this tile's hashes, if it knows them, else null. */
  byte[] subtreeRoots() {
    return subtreeRoots;
  }

  /** The tile as served: the hashes concatenated. */
  public byte[] encode() {
    return Arrays.copyOf(data, width * Hash.SIZE);
  }

  /** The number of hashes. */
  public int width() {
    return width;
  }

  /**
   * The hash at {@code i}.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= i < width()}
   */
  public Hash get(int i) {
    if (i < 0 || i >= width) {
      throw new IndexOutOfBoundsException("hash " + i + " of a tile of width " + width);
    }
    return Hash.of(data, i * Hash.SIZE);
  }

  /**
   * The first {@code width} hashes: what the tile looked like when the tree was smaller.
   *
   * @throws IllegalArgumentException unless {@code 1 <= width <= width()}
   */
  public HashTile prefix(int width) {
    if (width < 1 || width > this.width) {
      throw new IllegalArgumentException(
          "prefix of width " + width + " of a tile of width " + this.width);
    }
    return width == this.width ? this : new HashTile(data, width);
  }

  /**
   * The roots of this full tile's {@value #BLOCKS} blocks of {@value #BLOCK} hashes, in order,
   * 32 bytes each: what a store keeps beside a full tile so that proofs need not rebuild the
   * tile's interior ({@link #withBlockRoots}).
   *
   * @throws IllegalStateException unless the tile is full
   */
  public byte[] blockRoots() {
    requireFull();
    byte[] out = new byte[BLOCKS * Hash.SIZE];
    boolean known = interior != null;
    for (int b = 0; b < BLOCKS; b++) {
      // 15 hashes a block, without computing (and keeping) the whole interior.
      (known ? subtree(b * BLOCK, BLOCK) : root(data, b * BLOCK, BLOCK)).copyTo(out, b * Hash.SIZE);
    }
    return out;
  }

  /**
   * This full tile, knowing the roots of its blocks as {@link #blockRoots()} gave them (read
   * back from a store; not checked here: a wrong root makes a wrong proof, which the log's own
   * proof check refuses).
   *
   * @throws IllegalStateException unless the tile is full
   * @throws IllegalArgumentException unless {@code roots} is {@value #BLOCKS} hashes
   */
  public HashTile withBlockRoots(byte[] roots) {
    requireFull();
    if (roots.length != BLOCKS * Hash.SIZE) {
      throw new IllegalArgumentException("block roots are " + BLOCKS + " hashes of " + Hash.SIZE
          + " bytes, got " + roots.length + " bytes");
    }
    return new HashTile(data, width, subtreeRoots, roots.clone());
  }

  /** Whether this tile carries the roots of its blocks ({@link #withBlockRoots}). */
  public boolean hasBlockRoots() {
    return blockRoots != null;
  }

  private void requireFull() {
    if (width != TileId.FULL_WIDTH) {
      throw new IllegalStateException("only a full tile has block roots; this one has width " + width);
    }
  }

  /**
   * The root of the perfect subtree whose bottom row is the {@code count} hashes from {@code pos}
   * ({@code count} a power of two up to 128 or the full 256, {@code pos} a multiple of it, the
   * subtree within the width). From the tile's interior if it was computed; else, with block
   * roots, from them or from the hashes of one block (at most 15 hashes); else computes and
   * keeps every interior node of the tile.
   */
  Hash subtree(int pos, int count) {
    if (count == 1) {
      return Hash.of(data, pos * Hash.SIZE);
    }
    byte[] nodes = interior;
    if (nodes == null && blockRoots != null) {
      return count >= BLOCK ? root(blockRoots, pos / BLOCK, count / BLOCK) : root(data, pos, count);
    }
    if (nodes == null) {
      nodes = computeInterior();
      interior = nodes; // benign race: every thread computes the same bytes
    }
    int level = Integer.numberOfTrailingZeros(count);
    int offset = 0;
    for (int l = 1; l < level; l++) {
      offset += width >>> l;
    }
    return Hash.of(nodes, (offset + (pos >>> level)) * Hash.SIZE);
  }

  /** The root over the {@code n} (a power of two) hashes of {@code src} from hash {@code first}. */
  private static Hash root(byte[] src, int first, int n) {
    if (n == 1) {
      return Hash.of(src, first * Hash.SIZE);
    }
    // A proof asks for up to eight of these: one digest per thread, not one per call.
    MessageDigest md = SHA256.get();
    byte[] level = new byte[n / 2 * Hash.SIZE];
    for (int i = 0; i < n / 2; i++) {
      Rfc6962.hashChildren(md, src, (first + 2 * i) * Hash.SIZE, level, i * Hash.SIZE);
    }
    for (int m = n / 2; m > 1; m /= 2) {
      for (int i = 0; i < m / 2; i++) {
        Rfc6962.hashChildren(md, level, 2 * i * Hash.SIZE, level, i * Hash.SIZE);
      }
    }
    return Hash.of(level, 0);
  }

  private byte[] computeInterior() {
    int total = 0;
    for (int l = 1; (width >>> l) > 0; l++) {
      total += width >>> l;
    }
    byte[] nodes = new byte[total * Hash.SIZE];
    MessageDigest md = Rfc6962.newSha256();
    byte[] below = data;
    int belowOffset = 0;
    int offset = 0;
    for (int l = 1; (width >>> l) > 0; l++) {
      int n = width >>> l;
      for (int i = 0; i < n; i++) {
        Rfc6962.hashChildren(md, below, (belowOffset + 2 * i) * Hash.SIZE, nodes, (offset + i) * Hash.SIZE);
      }
      below = nodes;
      belowOffset = offset;
      offset += n;
    }
    return nodes;
  }

  /** The backing bytes, {@code width() * 32} of them in use; callers in this package only read. */
  byte[] array() {
    return data;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HashTile
        && width == ((HashTile) o).width
        && Arrays.equals(data, 0, width * Hash.SIZE, ((HashTile) o).data, 0, width * Hash.SIZE);
  }

  @Override
  public int hashCode() {
    return 31 * width + (width == 0 ? 0 : get(width - 1).hashCode());
  }

  @Override
  public String toString() {
    return "HashTile[width " + width + "]";
  }

  private static void checkWidth(int width) {
    if (width < 1 || width > TileId.FULL_WIDTH) {
      throw new IllegalArgumentException(
          "a hash tile holds 1 to " + TileId.FULL_WIDTH + " hashes, got " + width);
    }
  }
}
