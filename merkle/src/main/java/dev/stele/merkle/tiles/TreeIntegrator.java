package dev.stele.merkle.tiles;

import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Appends leaf hashes to a tree stored as C2SP tlog-tiles: a pure function from (the tiles of the
 * tree at {@code fromSize}, new leaf hashes) to (new size, new root, the tiles that changed). It
 * stores nothing; the caller persists the changed tiles.
 *
 * <p>It reads only the partial tiles at the right edge of the tree at {@code fromSize} (at most one
 * per tile level, all in one {@link TileReader#readTiles} call), because they hold every node that
 * new leaves can combine with. From each it rebuilds the perfect subtrees of its row, then appends
 * leaf after leaf: a row that reaches 256 hashes is a full tile, and the root of that tile's subtree
 * becomes the next hash in the row one tile level up.
 *
 * <p>The work per leaf is one node hash on average, done in place in preallocated buffers.
 * Rebuilding a partial tile's subtrees costs up to 247 hashes per tile level and call; a caller
 * that hands back the very tile objects of the previous result skips it (see {@link HashTile}).
 */
public final class TreeIntegrator {
  private TreeIntegrator() {}

  /**
   * The result: the tree's new size and root, and every tile whose content changed, each at its new
   * width (which its key carries). Full tiles completed by this call appear once, full; the right
   * edge appears as partial tiles. Map order is unspecified.
   */
  public record Integration(long newSize, Hash root, Map<TileId, HashTile> changedTiles) {
    public Integration {
      changedTiles = Collections.unmodifiableMap(new LinkedHashMap<>(changedTiles));
    }
  }

  /**
   * Integrates {@code leafHashes} as the leaves {@code fromSize, fromSize + 1, ...}.
   *
   * @param reader reads the tiles of the tree at {@code fromSize}; not called when it is empty
   * @throws IOException if the reader fails, or lacks a tile of the tree at {@code fromSize}
   * @throws IllegalArgumentException if {@code fromSize} is negative or the tree would grow past
   *     {@link Long#MAX_VALUE} leaves
   */
  public static Integration integrate(TileReader reader, long fromSize, List<Hash> leafHashes)
      throws IOException {
    Objects.requireNonNull(reader, "reader");
    Objects.requireNonNull(leafHashes, "leafHashes");
    if (fromSize < 0) {
      throw new IllegalArgumentException("tree size " + fromSize + " is negative");
    }
    if (fromSize > Long.MAX_VALUE - leafHashes.size()) {
      throw new IllegalArgumentException(
          "tree of size " + fromSize + " cannot grow by " + leafHashes.size() + " leaves");
    }
    List<TileId> edge = TileMath.rightEdge(fromSize);
    List<HashTile> tiles = Tiles.read(reader, edge);

    Builder b = new Builder(fromSize);
    for (int i = 0; i < edge.size(); i++) {
      b.load(edge.get(i), tiles.get(i));
    }
    for (Hash leaf : leafHashes) {
      b.addLeaf(leaf);
    }
    return b.finish(fromSize + leafHashes.size());
  }

  /** The right edge of every tile level, while leaves are added. */
  private static final class Builder {
    private final MessageDigest md = Rfc6962.newSha256();
    private final Row[] rows = new Row[TileMath.LEVELS];
    private final Map<TileId, HashTile> changed = new LinkedHashMap<>();

    Builder(long size) {
      for (int level = 0; level < TileMath.LEVELS; level++) {
        long row = TileMath.rowLength(level, size);
        if (level > 0 && row == 0) {
          break;
        }
        rows[level] = new Row(level, row >>> TileId.HEIGHT);
      }
    }

    void load(TileId id, HashTile tile) {
      Row row = rows[id.level()];
      byte[] src = tile.array();
      byte[] roots = tile.subtreeRoots();
      if (roots != null && tile.width() == id.width()) {
        // A tile this class made: its subtree roots come with it.
        System.arraycopy(src, 0, row.hashes, 0, id.width() * Hash.SIZE);
        System.arraycopy(roots, 0, row.stack, 0, roots.length);
        row.width = id.width();
        row.depth = roots.length / Hash.SIZE;
      } else {
        for (int i = 0; i < id.width(); i++) {
          row.add(src, i * Hash.SIZE);
        }
      }
      row.dirty = false;
    }

    void addLeaf(Hash leaf) {
      rows[0].addLeaf(leaf);
    }

    Integration finish(long newSize) {
      for (Row row : rows) {
        if (row != null && row.dirty && row.width > 0) {
          changed.put(
              new TileId(row.level, row.tileIndex, row.width),
              HashTile.wrap(Arrays.copyOf(row.hashes, row.width * Hash.SIZE), row.width,
                  Arrays.copyOf(row.stack, row.depth * Hash.SIZE)));
        }
      }
      return new Integration(newSize, root(newSize), changed);
    }

    /**
     * Folds the perfect subtrees held by all rows, right to left: level 0's stack from the top
     * down, then level 1's, and so on. Together they are the compact range {@code [0, size)}.
     */
    private Hash root(long size) {
      if (size == 0) {
        return Rfc6962.EMPTY_ROOT;
      }
      byte[] scratch = new byte[2 * Hash.SIZE];
      boolean first = true;
      for (Row row : rows) {
        if (row == null) {
          break;
        }
        for (int i = row.depth - 1; i >= 0; i--) {
          if (first) {
            System.arraycopy(row.stack, i * Hash.SIZE, scratch, Hash.SIZE, Hash.SIZE);
            first = false;
          } else {
            System.arraycopy(row.stack, i * Hash.SIZE, scratch, 0, Hash.SIZE);
            Rfc6962.hashChildren(md, scratch, 0, scratch, Hash.SIZE);
          }
        }
      }
      return Hash.of(scratch, Hash.SIZE);
    }

    /**
     * The tile being filled at one tile level: its hashes so far, and the perfect subtrees over
     * them (at most one per tree level inside the tile, highest first).
     */
    private final class Row {
      final int level;
      long tileIndex;
      int width;
      boolean dirty;
      final byte[] hashes = new byte[TileId.FULL_WIDTH * Hash.SIZE];
      /** Subtree roots, left to right; one more slot than levels, for the hash being merged. */
      final byte[] stack = new byte[(TileId.HEIGHT + 1) * Hash.SIZE];
      int depth;

      Row(int level, long tileIndex) {
        this.level = level;
        this.tileIndex = tileIndex;
      }

      void addLeaf(Hash leaf) {
        leaf.copyTo(hashes, width * Hash.SIZE);
        pushed();
      }

      void add(byte[] src, int off) {
        System.arraycopy(src, off, hashes, width * Hash.SIZE, Hash.SIZE);
        pushed();
      }

      /** Accounts for the hash just written at {@code width}. */
      private void pushed() {
        System.arraycopy(hashes, width * Hash.SIZE, stack, depth * Hash.SIZE, Hash.SIZE);
        depth++;
        // The new hash closes one perfect subtree per trailing 1 bit of its position.
        for (int pos = width; (pos & 1) == 1; pos >>>= 1) {
          depth--;
          int off = (depth - 1) * Hash.SIZE;
          Rfc6962.hashChildren(md, stack, off, stack, off);
        }
        width++;
        dirty = true;
        if (width == TileId.FULL_WIDTH) {
          completed();
        }
      }

      /** The tile is full: emit it, and hand its subtree root (stack[0]) to the level above. */
      private void completed() {
        changed.put(new TileId(level, tileIndex, TileId.FULL_WIDTH),
            HashTile.wrap(hashes.clone(), TileId.FULL_WIDTH));
        if (level + 1 >= TileMath.LEVELS) {
          throw new IllegalStateException("tree outgrew " + TileMath.LEVELS + " tile levels");
        }
        if (rows[level + 1] == null) {
          rows[level + 1] = new Row(level + 1, 0);
        }
        rows[level + 1].add(stack, 0);
        tileIndex++;
        width = 0;
        depth = 0;
        dirty = false;
      }
    }
  }
}
