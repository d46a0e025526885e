package dev.stele.merkle.tiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.merkle.CompactRange;
import dev.stele.merkle.Hash;
import dev.stele.merkle.InMemoryTree;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.TestLeaves;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Integration through tiles against an independently kept compact range and against tiles cut
 * from a tree that stores every node, over many random batch splits (seed printed; rerun one with
 * {@code -Dstele.seed=<seed>}).
 */
class TreeIntegratorTest {
  /** Enough leaves for level 2 tiles (which start at 65,536 leaves) to grow past one hash. */
  private static final int MAX = 140_000;

  @Test
  void randomBatchSplitsMatchTheCompactRange() throws IOException {
    long seed = Long.getLong("stele.seed", System.nanoTime());
    Random rnd = new Random(seed);
    List<Hash> leaves = TestLeaves.bigLeaves().subList(0, MAX);
    InMemoryTree truth = TestLeaves.bigTree();
    int runs = 0;
    int batches = 0;
    // Many short runs with small batches, a few long ones with big batches.
    for (int run = 0; run < 44; run++) {
      boolean big = run >= 40;
      int total = big ? MAX - rnd.nextInt(5000) : 1 + rnd.nextInt(3000);
      int maxBatch = big ? 20_000 : new int[] {3, 40, 300, 1500}[run % 4];
      String what = "run " + run + " of " + total + " leaves (seed " + seed + ")";
      TileStore store = new TileStore();
      CompactRange range = CompactRange.empty(0);
      long size = 0;
      while (size < total) {
        int k = rnd.nextInt(10) == 0 ? 0 : 1 + rnd.nextInt(Math.min(maxBatch, (int) (total - size)));
        List<Hash> batch = leaves.subList((int) size, (int) size + k);
        store.requested.clear();
        TreeIntegrator.Integration result = TreeIntegrator.integrate(store, size, batch);
        String step = what + ", batch " + size + " + " + k;

        assertEquals(expectedReads(size), store.requested, "tiles read at " + step);
        // The same from tiles as served (decoded bytes): without the subtree roots that the
        // tiles of the previous result carry.
        assertEquals(result, TreeIntegrator.integrate(decoded(store), size, batch), "decoded, " + step);
        for (Hash leaf : batch) {
          range.append(leaf, null);
        }
        assertEquals(size + k, result.newSize(), step);
        assertEquals(range.root(), result.root(), "root after " + step);
        assertEquals(expectedChanges(size, size + k), result.changedTiles().keySet(),
            "changed tiles after " + step);
        for (Map.Entry<TileId, HashTile> e : result.changedTiles().entrySet()) {
          assertEquals(TileStore.tile(truth, e.getKey()), e.getValue(), e.getKey() + " after " + step);
        }
        store.apply(result);
        size += k;
        batches++;
      }
      // Everything stored is exactly the tiles of the final tree.
      int tiles = 0;
      for (int level = 0; TileMath.rowLength(level, size) > 0; level++) {
        for (long index = 0; index < TileMath.tileCount(level, size); index++) {
          TileId id = TileId.atSize(level, index, size);
          assertEquals(TileStore.tile(truth, id), store.tiles.get(new TileStore.Key(level, index)),
              id + " at the end of " + what);
          tiles++;
        }
      }
      assertEquals(tiles, store.tiles.size(), "tiles stored at the end of " + what);
      runs++;
    }
    System.out.println("[integrator] " + runs + " runs, " + batches + " batches, seed " + seed);
  }

  @Test
  void singleLeavesAcrossTileBoundaries() throws IOException {
    InMemoryTree truth = TestLeaves.bigTree();
    List<Hash> leaves = TestLeaves.bigLeaves();
    // Bring a store to 65,000 leaves in one call, then step one leaf at a time past 65,536.
    TileStore store = new TileStore();
    store.apply(TreeIntegrator.integrate(store, 0, leaves.subList(0, 65_000)));
    for (int size = 65_000; size < 65_800; size++) {
      TreeIntegrator.Integration r = TreeIntegrator.integrate(store, size, leaves.subList(size, size + 1));
      assertEquals(truth.root(size + 1), r.root(), "root of size " + (size + 1));
      assertEquals(expectedChanges(size, size + 1), r.changedTiles().keySet(), "changes at " + size);
      store.apply(r);
    }
  }

  @Test
  void readerMayReturnWiderTiles() throws IOException {
    List<Hash> leaves = TestLeaves.bigLeaves();
    TileStore later = new TileStore();
    later.apply(TreeIntegrator.integrate(later, 0, leaves.subList(0, 70_000)));
    for (int from : new int[] {1, 255, 256, 257, 1000, 65_535, 65_536, 65_537, 66_666}) {
      TileStore exact = new TileStore();
      exact.apply(TreeIntegrator.integrate(exact, 0, leaves.subList(0, from)));
      List<Hash> batch = leaves.subList(from, from + 777);
      TreeIntegrator.Integration want = TreeIntegrator.integrate(exact, from, batch);
      TreeIntegrator.Integration got = TreeIntegrator.integrate(later, from, batch);
      assertEquals(want, got, "integration from " + from + " with tiles of a larger tree");
    }
  }

  @Test
  void missingOrNarrowTilesFailWithTheirPath() throws IOException {
    List<Hash> leaves = TestLeaves.bigLeaves();
    TileStore store = new TileStore();
    store.apply(TreeIntegrator.integrate(store, 0, leaves.subList(0, 600)));
    List<Hash> more = leaves.subList(600, 601);

    TileStore empty = new TileStore();
    IOException e = assertThrows(IOException.class, () -> TreeIntegrator.integrate(empty, 600, more));
    assertTrue(e.getMessage().contains("tile/0/002.p/88"), e.getMessage());

    TileReader nulls = ids -> {
      List<HashTile> out = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        out.add(null);
      }
      return out;
    };
    e = assertThrows(IOException.class, () -> TreeIntegrator.integrate(nulls, 600, more));
    assertTrue(e.getMessage().contains("lacks tile/0/002.p/88"), e.getMessage());

    TileReader narrow = ids -> {
      List<HashTile> out = new ArrayList<>(store.readTiles(ids));
      out.set(0, out.get(0).prefix(out.get(0).width() - 1));
      return out;
    };
    e = assertThrows(IOException.class, () -> TreeIntegrator.integrate(narrow, 600, more));
    assertTrue(e.getMessage().contains("tile/0/002.p/88 with width 87"), e.getMessage());

    TileReader tooFew = ids -> store.readTiles(ids.subList(0, 1));
    e = assertThrows(IOException.class, () -> TreeIntegrator.integrate(tooFew, 600, more));
    assertTrue(e.getMessage().contains("returned 1 tiles for 2 requested"), e.getMessage());
  }

  @Test
  void emptyBatchesAndEmptyTrees() throws IOException {
    TileReader never = ids -> {
      throw new AssertionError("read " + ids + " of the empty tree");
    };
    TreeIntegrator.Integration r = TreeIntegrator.integrate(never, 0, List.of());
    assertEquals(Rfc6962.EMPTY_ROOT, r.root());
    assertEquals(0, r.newSize());
    assertTrue(r.changedTiles().isEmpty());

    TileStore store = new TileStore();
    store.apply(TreeIntegrator.integrate(store, 0, TestLeaves.bigLeaves().subList(0, 300)));
    r = TreeIntegrator.integrate(store, 300, List.of());
    assertEquals(TestLeaves.bigTree().root(300), r.root());
    assertTrue(r.changedTiles().isEmpty());
    assertThrows(IllegalArgumentException.class, () -> TreeIntegrator.integrate(store, -1, List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> TreeIntegrator.integrate(store, Long.MAX_VALUE, List.of(Rfc6962.EMPTY_ROOT)));
  }

  /** The reader's tiles, encoded and decoded again. */
  private static TileReader decoded(TileReader reader) {
    return ids -> {
      List<HashTile> out = new ArrayList<>();
      for (HashTile t : reader.readTiles(ids)) {
        try {
          out.add(HashTile.decode(t.encode()));
        } catch (TileFormatException e) {
          throw new AssertionError(e);
        }
      }
      return out;
    };
  }

  /** The partial tiles of the tree of {@code size}: floor(size / 256^L) mod 256 hashes at level L. */
  private static List<TileId> expectedReads(long size) {
    List<TileId> out = new ArrayList<>();
    for (int level = 0; level < 8; level++) {
      long row = level == 0 ? size : size / pow256(level);
      if (row % 256 != 0) {
        out.add(new TileId(level, row / 256, (int) (row % 256)));
      }
    }
    return out;
  }

  /** Every tile that holds a hash of level 8L created between the two sizes, at its new width. */
  private static java.util.Set<TileId> expectedChanges(long from, long to) {
    Map<TileId, Boolean> out = new HashMap<>();
    for (int level = 0; level < 8; level++) {
      long oldRow = from / pow256(level);
      long newRow = to / pow256(level);
      for (long index = oldRow / 256; newRow > oldRow && index <= (newRow - 1) / 256; index++) {
        out.put(new TileId(level, index, (int) Math.min(256, newRow - index * 256)), true);
      }
    }
    return out.keySet();
  }

  private static long pow256(int level) {
    long p = 1;
    for (int i = 0; i < level; i++) {
      p *= 256;
    }
    return p;
  }
}
