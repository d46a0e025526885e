package dev.stele.merkle.tiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.merkle.InMemoryTree;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.TestLeaves;
import dev.stele.merkle.proof.ProofException;
import java.io.IOException;
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
