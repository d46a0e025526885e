package dev.stele.merkle.tiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.merkle.Hash;
import dev.stele.merkle.InMemoryTree;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.TestLeaves;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The right edge grown batch by batch against a tree that stores every node ({@link InMemoryTree},
 * itself cross-checked against the RFC 6962 recursion), against {@link TreeIntegrator} on a store
 * of every tile, and against the edge loaded back from that store. Random batch splits; seed
 * printed, rerun one with {@code -Dstele.seed=<seed>}.
 */
class RightEdgeTest {
  /** Enough leaves for level 2 tiles (which start at 65,536 leaves) to grow past one hash. */
  private static final int MAX = 140_000;

  @Test
  void growingInRandomBatches_matchesTheTree_theIntegrator_andTheEdgeLoadedFromTiles() throws IOException {
    long seed = Long.getLong("stele.seed", System.nanoTime());
    System.out.println("[right edge] seed " + seed);
    Random rnd = new Random(seed);
    List<Hash> leaves = TestLeaves.bigLeaves();
    InMemoryTree truth = TestLeaves.bigTree();
    for (int run = 0; run < 6; run++) {
      int maxBatch = new int[] {1, 7, 300, 3000, 20_000, 40_000}[run];
      int total = run < 2 ? 3_000 : MAX;
      TileStore store = new TileStore();
      RightEdge edge = RightEdge.empty();
      while (edge.size() < total) {
        long size = edge.size();
        int k = rnd.nextInt(10) == 0 ? 0 : 1 + rnd.nextInt(Math.min(maxBatch, (int) (total - size)));
        List<Hash> batch = leaves.subList((int) size, (int) size + k);
        String step = "run " + run + ", batch " + size + " + " + k + " (seed " + seed + ")";

        TreeIntegrator.Integration want = TreeIntegrator.integrate(store, size, batch);
        Hash rootBefore = edge.root();
        RightEdge.Growth g = edge.append(batch);
        assertEquals(size, edge.size(), "the edge appended to is unchanged, " + step);
        assertEquals(rootBefore, edge.root(), "the edge appended to is unchanged, " + step);
        assertEquals(want.changedTiles(), g.changedTiles(), "changed tiles, " + step);

        RightEdge next = g.edge();
        assertEquals(size + k, next.size(), step);
        assertEquals(truth.root(size + k), next.root(), "root, " + step);
        assertEquals(TileMath.rightEdge(size + k), new ArrayList<>(next.tiles().keySet()), "edge tiles, " + step);
        for (Map.Entry<TileId, HashTile> t : next.tiles().entrySet()) {
          assertEquals(TileStore.tile(truth, t.getKey()), t.getValue(), t.getKey() + ", " + step);
          assertEquals(t.getKey().width(), t.getValue().width(), t.getKey() + ", " + step);
        }
        store.apply(want);
        if (rnd.nextInt(20) == 0 || k == 0) {
          assertEquals(next, RightEdge.load(store, size + k), "loaded from the tiles, " + step);
        }
        edge = next;
      }
    }
  }

  @Test
  void load_takesThePrefixOfWiderTiles() throws IOException {
    List<Hash> leaves = TestLeaves.bigLeaves();
    TileStore later = new TileStore();
    later.apply(TreeIntegrator.integrate(later, 0, leaves.subList(0, 70_000)));
    for (int size : new int[] {1, 255, 256, 257, 1000, 65_535, 65_536, 65_537, 66_666}) {
      RightEdge grown = RightEdge.empty().append(leaves.subList(0, size)).edge();
      RightEdge loaded = RightEdge.load(later, size);
      assertEquals(grown, loaded, "size " + size + " from the tiles of a tree of 70,000");
      assertEquals(TestLeaves.bigTree().root(size), loaded.root());
      // And it grows on from there like the grown one.
      List<Hash> more = leaves.subList(size, size + 300);
      assertEquals(grown.append(more), loaded.append(more), "appending to the edge of size " + size);
    }
  }

  @Test
  void load_missingOrNarrowTile_failsNamingIt() throws IOException {
    TileStore store = new TileStore();
    store.apply(TreeIntegrator.integrate(store, 0, TestLeaves.bigLeaves().subList(0, 600)));
    IOException e = assertThrows(IOException.class, () -> RightEdge.load(new TileStore(), 600));
    assertTrue(e.getMessage().contains("tile/0/002.p/88"), e.getMessage());
    TileReader narrow = ids -> {
      List<HashTile> out = new ArrayList<>(store.readTiles(ids));
      out.set(0, out.get(0).prefix(out.get(0).width() - 1));
      return out;
    };
    e = assertThrows(IOException.class, () -> RightEdge.load(narrow, 600));
    assertTrue(e.getMessage().contains("tile/0/002.p/88 with width 87"), e.getMessage());
  }

  @Test
  void emptyTree_andEmptyBatches() throws IOException {
    RightEdge empty = RightEdge.empty();
    assertEquals(0, empty.size());
    assertEquals(Rfc6962.EMPTY_ROOT, empty.root());
    assertTrue(empty.tiles().isEmpty());
    TileReader never = ids -> {
      throw new AssertionError("read " + ids + " of the empty tree");
    };
    assertSame(empty, RightEdge.load(never, 0));
    RightEdge.Growth g = empty.append(List.of());
    assertSame(empty, g.edge());
    assertTrue(g.changedTiles().isEmpty());

    RightEdge some = empty.append(TestLeaves.bigLeaves().subList(0, 300)).edge();
    assertSame(some, some.append(List.of()).edge());
    assertThrows(IllegalArgumentException.class, () -> RightEdge.load(never, -1));
  }

  @Test
  void appendPastLongMaxValue_isRefused_andTheEdgeStaysUsable() throws IOException {
    // Any hashes of the right widths make a tree of Long.MAX_VALUE - 1 leaves as far as the edge
    // can tell.
    long size = Long.MAX_VALUE - 1;
    TileReader synthetic = ids -> {
      List<HashTile> out = new ArrayList<>();
      for (TileId id : ids) {
        out.add(HashTile.of(TestLeaves.leaves(id.level() * 1000L, id.width())));
      }
      return out;
    };
    RightEdge edge = RightEdge.load(synthetic, size);
    assertEquals(TileMath.LEVELS, edge.tiles().size(), "every tile level has a partial tile");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> edge.append(TestLeaves.leaves(0, 2)));
    assertTrue(e.getMessage().contains(Long.toString(size)), e.getMessage());
    RightEdge full = edge.append(TestLeaves.leaves(0, 1)).edge();
    assertEquals(Long.MAX_VALUE, full.size());
  }
}
