package dev.stele.merkle.tiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.merkle.InMemoryTree;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.TestLeaves;
import dev.stele.merkle.proof.ProofException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Proofs and roots from tiles against the same proofs from a store of every node (itself
 * cross-checked against the RFC 6962 recursion in ReferenceCrossCheckTest).
 */
class TileProofBuilderTest {
  @Test
  void everyProofUpTo300() throws IOException, ProofException {
    InMemoryTree tree = TestLeaves.bigTree();
    int inclusions = 0;
    int consistencies = 0;
    assertEquals(Rfc6962.EMPTY_ROOT, TileProofBuilder.root(TileStore.fromTree(tree, 0), 0));
    for (int n = 1; n <= 300; n++) {
      TileReader tiles = TileStore.fromTree(tree, n);
      assertEquals(tree.root(n), TileProofBuilder.root(tiles, n), "root of size " + n);
      for (int m = 0; m < n; m++) {
        assertEquals(tree.inclusion(m, n), TileProofBuilder.inclusion(tiles, m, n), m + "/" + n);
        inclusions++;
      }
      // Consistency from every size for a third of the sizes, and all sizes near tile edges.
      if (n % 3 == 0 || Math.abs(n - 256) < 3) {
        for (int m = 1; m <= n; m++) {
          assertEquals(tree.consistency(m, n), TileProofBuilder.consistency(tiles, m, n), m + "->" + n);
          consistencies++;
        }
      }
    }
    System.out.println("[tile proofs] sizes 1..300: " + inclusions + " inclusion, "
        + consistencies + " consistency proofs");
  }

  @Test
  void randomSizesUpTo1M() throws IOException, ProofException {
    long seed = Long.getLong("stele.seed", System.nanoTime());
    System.out.println("[tile proofs] random sizes up to " + TestLeaves.BIG + ", seed " + seed);
    Random rnd = new Random(seed);
    InMemoryTree tree = TestLeaves.bigTree();
    for (int i = 0; i < 200; i++) {
      long n = i == 0 ? TestLeaves.BIG : 1 + rnd.nextInt(TestLeaves.BIG);
      TileReader tiles = TileStore.fromTree(tree, n);
      String what = " in tree of size " + n + " (seed " + seed + ")";
      assertEquals(tree.root(n), TileProofBuilder.root(tiles, n), "root" + what);
      long m = (long) (rnd.nextDouble() * n);
      assertEquals(tree.inclusion(m, n), TileProofBuilder.inclusion(tiles, m, n), "inclusion of " + m + what);
      TileProofBuilder.inclusion(tiles, m, n).verify(TestLeaves.bigLeaves().get((int) m), tree.root(n));
      long m1 = 1 + (long) (rnd.nextDouble() * n);
      assertEquals(tree.consistency(m1, n), TileProofBuilder.consistency(tiles, m1, n),
          "consistency from " + m1 + what);
      TileProofBuilder.consistency(tiles, m1, n).verify(tree.root(m1), tree.root(n));
    }
  }

  /**
   * Full tiles read with their stored block roots (as the log's store keeps them) give the same
   * proofs as tiles that rebuild their interior, without computing it.
   */
  @Test
  void proofsThroughTilesWithBlockRoots_areTheSame() throws IOException, ProofException {
    InMemoryTree tree = TestLeaves.bigTree();
    Random rnd = new Random(Long.getLong("stele.seed", 16));
    long[] sizes = {256, 257, 511, 512, 600, 65_536, 65_537, 70_000, TestLeaves.BIG};
    int proofs = 0;
    for (long n : sizes) {
      TileReader plain = TileStore.fromTree(tree, n);
      List<HashTile> seen = new ArrayList<>();
      TileReader withRoots = ids -> {
        List<HashTile> out = new ArrayList<>();
        for (HashTile t : plain.readTiles(ids)) {
          // Fresh tile objects, as read from a store: no interior computed yet.
          HashTile read = t.width() == TileId.FULL_WIDTH
              ? HashTile.wrap(t.encode(), t.width()).withBlockRoots(HashTile.wrap(t.encode(), t.width()).blockRoots())
              : t;
          seen.add(read);
          out.add(read);
        }
        return out;
      };
      for (int i = 0; i < 300; i++) {
        // Every place in the first tile (each height of sibling), then anywhere.
        long m = i < 256 ? i : (long) (rnd.nextDouble() * n);
        assertEquals(tree.inclusion(m, n), TileProofBuilder.inclusion(withRoots, m, n), m + "/" + n);
        long m1 = 1 + (long) (rnd.nextDouble() * n);
        assertEquals(tree.consistency(m1, n), TileProofBuilder.consistency(withRoots, m1, n), m1 + "->" + n);
        proofs += 2;
      }
      assertTrue(seen.stream().anyMatch(HashTile::hasBlockRoots), "full tiles were read at size " + n);
    }
    System.out.println("[tile proofs] " + proofs + " proofs through tiles with block roots");
  }

  @Test
  void blockRoots_areTheRootsOfEachSixteenHashes_andOnlyForFullTiles() throws Exception {
    InMemoryTree tree = TestLeaves.bigTree();
    HashTile full = TileStore.fromTree(tree, 512).readTiles(List.of(new TileId(0, 1, 256))).get(0);
    byte[] roots = HashTile.decode(full.encode()).blockRoots();
    for (int b = 0; b < HashTile.BLOCKS; b++) {
      assertEquals(tree.node(4, 16 + b), dev.stele.merkle.Hash.of(roots, b * 32), "block " + b);
    }
    HashTile partial = TileStore.fromTree(tree, 300).readTiles(List.of(new TileId(0, 1, 44))).get(0);
    assertThrows(IllegalStateException.class, partial::blockRoots);
    assertThrows(IllegalStateException.class, () -> partial.withBlockRoots(roots));
    assertThrows(IllegalArgumentException.class, () -> full.withBlockRoots(new byte[31]));
  }

  @Test
  void argumentsAndMissingTiles() {
    TileStore empty = new TileStore();
    assertThrows(IllegalArgumentException.class, () -> TileProofBuilder.inclusion(empty, 5, 5));
    assertThrows(IllegalArgumentException.class, () -> TileProofBuilder.consistency(empty, 0, 5));
    assertThrows(IllegalArgumentException.class, () -> TileProofBuilder.root(empty, -1));
    IOException e = assertThrows(IOException.class, () -> TileProofBuilder.inclusion(empty, 3, 70_000));
    assertTrue(e.getMessage().contains("tile/0/000"), e.getMessage());
  }
}
