package dev.stele.merkle.proof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.merkle.CompactRange;
import dev.stele.merkle.Hash;
import dev.stele.merkle.InMemoryTree;
import dev.stele.merkle.ReferenceTree;
import dev.stele.merkle.TestLeaves;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The production roots, proof nodes and verifier against the RFC 6962 section 2.1 recursion in
 * {@link ReferenceTree}: every size, index and size pair up to 300, then random ones up to
 * 1,000,000 (seed printed; rerun one with {@code -Dstele.seed=<seed>}).
 */
class ReferenceCrossCheckTest {
  private static final int EXHAUSTIVE = 300;
  private static final int LARGE = TestLeaves.BIG;

  @Test
  void everySizeUpTo300() throws ProofException {
    List<Hash> leaves = TestLeaves.leaves(0, EXHAUSTIVE);
    ReferenceTree ref = new ReferenceTree(leaves, true);
    InMemoryTree tree = new InMemoryTree();
    CompactRange range = CompactRange.empty(0);
    assertEquals(ref.root(0), range.root(), "root of size 0");
    int roots = 1;
    for (int n = 1; n <= EXHAUSTIVE; n++) {
      tree.append(leaves.get(n - 1));
      range.append(leaves.get(n - 1), null);
      assertEquals(ref.root(n), range.root(), "compact range root of size " + n);
      assertEquals(ref.root(n), tree.root(n), "stored-node root of size " + n);
      roots++;
    }

    int inclusions = 0;
    int consistencies = 0;
    for (int n = 1; n <= EXHAUSTIVE; n++) {
      Hash root = ref.root(n);
      for (int m = 0; m < n; m++) {
        List<Hash> want = ref.path(m, n);
        ProofNodes nodes = ProofNodes.inclusion(m, n);
        assertEquals(want.size(), nodes.proofSize(), "proof size for " + m + "/" + n);
        List<Hash> proof = nodes.rehash(tree.nodes(nodes.ids()));
        assertEquals(want, proof, "PATH(" + m + ", D[" + n + "])");
        ProofVerifier.verifyInclusion(m, n, leaves.get(m), proof, root);
        if (!proof.isEmpty()) {
          List<Hash> bad = Rfc6962VectorsTest.flipBit(proof, (m + n) % proof.size());
          int mm = m;
          int nn = n;
          assertThrows(RootMismatchException.class,
              () -> ProofVerifier.verifyInclusion(mm, nn, leaves.get(mm), bad, root));
        }
        inclusions++;
      }
      for (int m = 1; m <= n; m++) {
        List<Hash> want = ref.proof(m, n);
        ProofNodes nodes = ProofNodes.consistency(m, n);
        assertEquals(want.size(), nodes.proofSize(), "proof size for " + m + "->" + n);
        List<Hash> proof = nodes.rehash(tree.nodes(nodes.ids()));
        assertEquals(want, proof, "PROOF(" + m + ", D[" + n + "])");
        Hash root1 = ref.root(m);
        ProofVerifier.verifyConsistency(m, n, proof, root1, root);
        if (!proof.isEmpty()) {
          List<Hash> bad = Rfc6962VectorsTest.flipBit(proof, (m + n) % proof.size());
          int mm = m;
          int nn = n;
          assertThrows(RootMismatchException.class,
              () -> ProofVerifier.verifyConsistency(mm, nn, bad, root1, root));
        }
        consistencies++;
      }
    }
    System.out.println("[cross-check] sizes 0.." + EXHAUSTIVE + ": " + roots + " roots, "
        + inclusions + " inclusion proofs, " + consistencies + " consistency proofs");
  }

  @Test
  void randomSizesUpTo1M() throws ProofException {
    long seed = Long.getLong("stele.seed", System.nanoTime());
    System.out.println("[cross-check] random sizes up to " + LARGE + ", seed " + seed);
    Random rnd = new Random(seed);
    List<Hash> leaves = TestLeaves.bigLeaves();
    ReferenceTree ref = new ReferenceTree(leaves, false);
    InMemoryTree tree = TestLeaves.bigTree();
    assertEquals(ref.root(LARGE), tree.root(), "root of size " + LARGE + " (seed " + seed + ")");

    // Compact range roots at random sizes along one pass.
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      sizes.add(1 + rnd.nextInt(LARGE));
    }
    sizes.sort(null);
    CompactRange range = CompactRange.empty(0);
    for (int size : sizes) {
      while (range.end() < size) {
        range.append(leaves.get((int) range.end()), null);
      }
      Hash want = ref.root(size);
      assertEquals(want, range.root(), "compact range root of size " + size + " (seed " + seed + ")");
      assertEquals(want, tree.root(size), "stored-node root of size " + size + " (seed " + seed + ")");
    }

    for (int i = 0; i < 5; i++) {
      int n = 1 + rnd.nextInt(LARGE);
      int m = rnd.nextInt(n);
      List<Hash> proof = tree.inclusion(m, n).hashes();
      assertEquals(ref.path(m, n), proof, "PATH(" + m + ", D[" + n + "]) (seed " + seed + ")");
      ProofVerifier.verifyInclusion(m, n, leaves.get(m), proof, tree.root(n));

      int m1 = 1 + rnd.nextInt(n);
      List<Hash> cproof = tree.consistency(m1, n).hashes();
      assertEquals(ref.proof(m1, n), cproof, "PROOF(" + m1 + ", D[" + n + "]) (seed " + seed + ")");
      ProofVerifier.verifyConsistency(m1, n, cproof, tree.root(m1), tree.root(n));
      System.out.println("[cross-check]   inclusion " + m + "/" + n + ", consistency " + m1 + "->" + n);
    }
  }

  @Test
  void preconditionsAreCheckedBeforeHashing() {
    Hash h = TestLeaves.leaf(0);
    ProofException e = assertThrows(ProofException.class,
        () -> ProofVerifier.verifyInclusion(5, 5, h, List.of(), h));
    assertTrue(e.getMessage().contains("5"), e.getMessage());
    e = assertThrows(ProofException.class,
        () -> ProofVerifier.verifyInclusion(-1, 5, h, List.of(), h));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
    e = assertThrows(ProofException.class,
        () -> ProofVerifier.verifyInclusion(0, 4, h, List.of(h, h, h), h));
    assertTrue(e.getMessage().contains("has 3 hashes, want 2"), e.getMessage());
    e = assertThrows(ProofException.class,
        () -> ProofVerifier.verifyConsistency(0, 4, List.of(), h, h));
    assertTrue(e.getMessage().contains("0 < size1"), e.getMessage());
    e = assertThrows(ProofException.class,
        () -> ProofVerifier.verifyConsistency(5, 4, List.of(), h, h));
    assertTrue(e.getMessage().contains("smaller"), e.getMessage());
    e = assertThrows(ProofException.class,
        () -> ProofVerifier.verifyConsistency(3, 3, List.of(h), h, h));
    assertTrue(e.getMessage().contains("has 1 hashes, want 0"), e.getMessage());
    e = assertThrows(ProofException.class,
        () -> ProofVerifier.verifyConsistency(3, 7, List.of(h), h, h));
    assertTrue(e.getMessage().contains("has 1 hashes, want 4"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ProofNodes.inclusion(3, 3));
    assertThrows(IllegalArgumentException.class, () -> ProofNodes.consistency(0, 3));
    assertThrows(IllegalArgumentException.class, () -> ProofNodes.consistency(4, 3));
  }

  @Test
  void rootMismatchCarriesBothRoots() {
    Hash leaf = TestLeaves.leaf(0);
    Hash other = TestLeaves.leaf(1);
    RootMismatchException e = assertThrows(RootMismatchException.class,
        () -> ProofVerifier.verifyInclusion(0, 1, leaf, List.of(), other));
    assertEquals(other, e.expected());
    assertEquals(leaf, e.calculated());
    assertTrue(e.getMessage().contains(other.hex()) && e.getMessage().contains(leaf.hex()),
        e.getMessage());
  }
}
