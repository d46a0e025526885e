package dev.stele.merkle.tiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.merkle.NodeId;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Tile arithmetic against its definition written out with {@link BigInteger} (no shifts, no
 * overflow): row length {@code floor(size / 256^L)}, {@code ceil(row / 256)} tiles, tile {@code i}
 * of width {@code clamp(row - 256 i, 0, 256)}. Every size up to 2,000, sizes around every power of 256, and every level, then
 * random sizes up to {@link Long#MAX_VALUE} (seed printed; rerun one with {@code
 * -Dstele.seed=<seed>}). Every failure is collected and reported together.
 */
class TileMathTest {
  private static final BigInteger B256 = BigInteger.valueOf(256);

  private static BigInteger row(int level, long size) {
    return BigInteger.valueOf(size).divide(B256.pow(level));
  }

  private static int width(int level, BigInteger index, long size) {
    BigInteger left = row(level, size).subtract(index.multiply(B256));
    return left.signum() <= 0 ? 0 : left.min(B256).intValueExact();
  }

  private static long tiles(int level, long size) {
    BigInteger[] qr = row(level, size).divideAndRemainder(B256);
    return qr[0].longValueExact() + (qr[1].signum() == 0 ? 0 : 1);
  }

  private static List<TileId> edge(long size) {
    List<TileId> out = new ArrayList<>();
    for (int level = 0; level <= TileId.MAX_LEVEL; level++) {
      BigInteger[] qr = row(level, size).divideAndRemainder(B256);
      if (qr[1].signum() != 0) {
        out.add(new TileId(level, qr[0].longValueExact(), qr[1].intValueExact()));
      }
    }
    return out;
  }

  /** Sizes to check: every one up to 2,000, boundaries at every tile level, random large ones. */
  private static List<Long> sizes() {
    long seed = Long.getLong("stele.seed", System.nanoTime());
    System.out.println("[tile math] seed " + seed);
    Random rnd = new Random(seed);
    TreeSet<Long> out = new TreeSet<>();
    for (long s = 0; s <= 2_000; s++) {
      out.add(s);
    }
    for (int level = 1; level < TileMath.LEVELS; level++) {
      long p = 1L << (8 * level);
      for (long d = -2; d <= 2; d++) {
        out.add(p + d);
        out.add(3 * p + d);
      }
    }
    out.add(Long.MAX_VALUE);
    out.add(Long.MAX_VALUE - 1);
    out.add(Long.MAX_VALUE - 255);
    out.add(Long.MAX_VALUE - 256);
    for (int i = 0; i < 2000; i++) {
      out.add((rnd.nextLong() >>> 1) >>> rnd.nextInt(63));
    }
    return new ArrayList<>(out);
  }

  @Test
  void rowLengthTileCountWidthAndRightEdge_matchTheDefinition() {
    List<String> failures = new ArrayList<>();
    for (long size : sizes()) {
      for (int level = 0; level <= TileId.MAX_LEVEL; level++) {
        long row = TileMath.rowLength(level, size);
        if (!BigInteger.valueOf(row).equals(row(level, size))) {
          failures.add("rowLength(" + level + ", " + size + ") = " + row + ", want " + row(level, size));
        }
        long count = TileMath.tileCount(level, size);
        if (count != tiles(level, size)) {
          failures.add("tileCount(" + level + ", " + size + ") = " + count + ", want " + tiles(level, size));
        }
        for (long index : new long[] {0, 1, count - 1, count, count + 1, Long.MAX_VALUE >>> 8,
            Long.MAX_VALUE}) {
          if (index < 0) {
            continue;
          }
          int w = TileMath.width(level, index, size);
          int want = width(level, BigInteger.valueOf(index), size);
          if (w != want) {
            failures.add("width(" + level + ", " + index + ", " + size + ") = " + w + ", want " + want);
          }
        }
      }
      if (!TileMath.rightEdge(size).equals(edge(size))) {
        failures.add("rightEdge(" + size + ") = " + TileMath.rightEdge(size) + ", want " + edge(size));
      }
    }
    assertEquals(List.of(), failures.subList(0, Math.min(20, failures.size())),
        failures.size() + " failures, the first shown");
  }

  @Test
  void levelsFromEightUp_areEmptyAtEverySize() {
    // Java takes shift distances modulo 64: a hand-written size >>> (8 * 8) is size >>> 0.
    for (long size : new long[] {1, 256, 1L << 56, Long.MAX_VALUE}) {
      for (int level = TileMath.LEVELS; level <= TileId.MAX_LEVEL; level++) {
        assertEquals(0, TileMath.rowLength(level, size), "level " + level + " of size " + size);
        assertEquals(0, TileMath.width(level, 0, size), "level " + level + " of size " + size);
        assertFalse(TileMath.serves(new TileId(level, 0, 1), size), "level " + level + " of size " + size);
      }
    }
    assertEquals(1, TileMath.width(TileMath.LEVELS - 1, 0, 1L << 56), "the highest level that holds nodes");
  }

  @Test
  void serves_everyWidthUpToTheTilesOwn_andNothingBeyondTheTree() {
    long size = 256 * 3 + 17;
    assertTrue(TileMath.serves(new TileId(0, 0, 256), size));
    assertTrue(TileMath.serves(new TileId(0, 3, 17), size));
    assertTrue(TileMath.serves(new TileId(0, 3, 1), size), "an older width of the partial tile");
    assertFalse(TileMath.serves(new TileId(0, 3, 18), size), "wider than the tree has it");
    assertFalse(TileMath.serves(new TileId(0, 4, 1), size));
    assertTrue(TileMath.serves(new TileId(1, 0, 3), size));
    assertFalse(TileMath.serves(new TileId(1, 0, 4), size));
    assertFalse(TileMath.serves(new TileId(2, 0, 1), size));
    assertFalse(TileMath.serves(new TileId(0, 0, 1), 0), "the empty tree has no tiles");
  }

  @Test
  void dataTileAndFirstIndex_placeEveryLeaf() {
    for (long size : new long[] {1, 255, 256, 257, 600, 65_536, 65_537}) {
      for (long leaf = 0; leaf < size; leaf += leaf < 600 ? 1 : 997) {
        TileId t = TileMath.dataTile(leaf, size);
        assertEquals(0, t.level());
        assertEquals(leaf / 256, t.index(), "leaf " + leaf);
        assertEquals(width(0, BigInteger.valueOf(leaf / 256), size), t.width(), "leaf " + leaf + " of " + size);
        long first = TileMath.firstIndex(t);
        assertTrue(first <= leaf && leaf < first + t.width(), "leaf " + leaf + " in " + t);
      }
    }
    assertEquals(Long.MAX_VALUE - 255, TileMath.firstIndex(new TileId(0, Long.MAX_VALUE >>> 8, 1)));
    ArithmeticException e = assertThrows(ArithmeticException.class,
        () -> TileMath.firstIndex(new TileId(0, (Long.MAX_VALUE >>> 8) + 1, 1)));
    assertTrue(e.getMessage().contains(Long.toString(Long.MAX_VALUE)), e.getMessage());
  }

  @Test
  void tileOf_everyPerfectNode_isTheTileHoldingItsSubtree() {
    List<String> failures = new ArrayList<>();
    for (long size : new long[] {1, 2, 255, 256, 257, 511, 512, 600, 65_535, 65_536, 65_537, 70_000}) {
      for (int level = 0; (1L << level) <= size; level++) {
        long nodes = size >>> level;
        for (long index = 0; index < nodes; index += nodes < 600 ? 1 : 97) {
          TileId t = TileMath.tileOf(new NodeId(level, index), size);
          // The node's descendants at tree level 8 * (level / 8): [index * 2^(level % 8), +2^(level % 8)).
          int sub = level % 8;
          BigInteger first = BigInteger.valueOf(index).shiftLeft(sub);
          int tileLevel = level / 8;
          BigInteger tileIndex = first.divide(B256);
          int w = width(tileLevel, tileIndex, size);
          TileId want = new TileId(tileLevel, tileIndex.longValueExact(), w);
          int pos = first.mod(B256).intValueExact();
          if (!t.equals(want) || pos + (1 << sub) > w) {
            failures.add("node (" + level + ", " + index + ") of " + size + " in " + t + ", want " + want);
          }
        }
      }
    }
    assertEquals(List.of(), failures);
  }

  @Test
  void preconditions_areCheckedFirst_withTheNumbers() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TileMath.rowLength(0, -5));
    assertTrue(e.getMessage().contains("-5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TileMath.width(-1, 0, 10));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TileMath.width(0, -7, 10));
    assertTrue(e.getMessage().contains("-7"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TileMath.dataTile(10, 10));
    assertTrue(e.getMessage().contains("leaf 10") && e.getMessage().contains("size 10"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TileMath.dataTile(-1, 10));
    e = assertThrows(IllegalArgumentException.class, () -> TileMath.tileOf(new NodeId(1, 5), 11));
    assertTrue(e.getMessage().contains("size 11"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TileMath.rightEdge(-1));
    e = assertThrows(IllegalArgumentException.class, () -> TileId.atSize(0, 3, 768));
    assertTrue(e.getMessage().contains("768") && e.getMessage().contains("index 3"), e.getMessage());
  }
}
