package dev.stele.merkle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompactRangeTest {
  private static final int N = 1100;
  private static final List<Hash> LEAVES = TestLeaves.leaves(0, N);
  private static final InMemoryTree TREE = new InMemoryTree(LEAVES);

  @Test
  void appendReportsExactlyThePerfectNodesInsideTheRange() {
    for (int begin : new int[] {0, 1, 3, 4, 7, 64, 100, 511, 512, 777}) {
      Map<NodeId, Hash> seen = new HashMap<>();
      CompactRange r = build(begin, N, seen);
      Map<NodeId, Hash> want = perfectNodesInside(begin, N);
      assertEquals(want, seen, "nodes reported while building [" + begin + ", " + N + ")");
      assertEquals(rangeFromTree(begin, N), r, "range [" + begin + ", " + N + ")");
    }
  }

  @Test
  void appendRangeMergesLikeAppendingEveryLeaf() {
    long seed = Long.getLong("stele.seed", System.nanoTime());
    Random rnd = new Random(seed);
    for (int i = 0; i < 300; i++) {
      int a = rnd.nextInt(N);
      int b = a + rnd.nextInt(N - a + 1);
      int c = b + rnd.nextInt(N - b + 1);
      Map<NodeId, Hash> seen = new HashMap<>();
      CompactRange left = build(a, b, seen);
      CompactRange right = build(b, c, seen);
      CompactRange rightBefore = right.copy();
      left.appendRange(right, (id, h) -> {
        if (seen.put(id, h) != null) {
          throw new AssertionError("merge reported " + id + " twice (seed " + seed + ")");
        }
      });
      String what = "[" + a + ", " + b + ") + [" + b + ", " + c + ") (seed " + seed + ")";
      assertEquals(rangeFromTree(a, c), left, what);
      assertEquals(perfectNodesInside(a, c), seen, "nodes reported for " + what);
      assertEquals(rightBefore, right, "appended range unchanged: " + what);
    }
  }

  @Test
  void rootOfRangesFromZero() {
    CompactRange r = CompactRange.empty(0);
    assertEquals(Rfc6962.EMPTY_ROOT, r.root());
    for (int n = 1; n <= N; n++) {
      r.append(LEAVES.get(n - 1), null);
      assertEquals(TREE.root(n), r.root(), "root of size " + n);
      assertEquals(r, CompactRange.of(0, n, r.hashes()), "of(hashes()) of size " + n);
    }
  }

  @Test
  void ofChecksTheNodeCount() {
    List<Hash> hashes = rangeFromTree(3, 7).hashes();
    assertEquals(3, hashes.size(), "[3, 7) is (0,3) (1,2) (0,6)");
    assertEquals(List.of(TREE.node(0, 3), TREE.node(1, 2), TREE.node(0, 6)), hashes);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CompactRange.of(3, 7, hashes.subList(0, 2)));
    assertTrue(e.getMessage().contains("has 3 nodes, got 2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CompactRange.of(7, 3, List.of()));
    assertThrows(IllegalArgumentException.class, () -> CompactRange.of(-1, 3, hashes));
    assertThrows(IllegalArgumentException.class, () -> CompactRange.empty(-1));
  }

  @Test
  void rootNeedsBeginZeroAndRangesMustBeAdjacent() {
    CompactRange r = build(5, 9, null);
    assertThrows(IllegalStateException.class, r::root);
    CompactRange gap = build(10, 12, null);
    assertThrows(IllegalArgumentException.class, () -> r.appendRange(gap, null));
  }

  @Test
  void copyIsIndependent() {
    CompactRange r = build(0, 10, null);
    CompactRange c = r.copy();
    c.append(LEAVES.get(10), null);
    assertEquals(10, r.end());
    assertEquals(TREE.root(10), r.root());
    assertEquals(TREE.root(11), c.root());
    assertNotEquals(r, c);
  }

  @Test
  void nodeIdAddressing() {
    NodeId n = new NodeId(3, 5);
    assertEquals(40, n.coverageBegin());
    assertEquals(48, n.coverageEnd());
    assertEquals(new NodeId(4, 2), n.parent());
    assertEquals(new NodeId(3, 4), n.sibling());
    assertEquals(new NodeId(3, 5), n.sibling().sibling());
    assertEquals(Long.MAX_VALUE - 1, new NodeId(0, Long.MAX_VALUE - 1).coverageBegin());
    assertEquals(1L << 62, new NodeId(62, 0).coverageEnd());
    assertThrows(IllegalArgumentException.class, () -> new NodeId(0, Long.MAX_VALUE));
    assertThrows(IllegalArgumentException.class, () -> new NodeId(62, 1));
    assertThrows(IllegalArgumentException.class, () -> new NodeId(63, 0));
    assertThrows(IllegalArgumentException.class, () -> new NodeId(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> new NodeId(0, -1));
  }

  private static CompactRange build(int begin, int end, Map<NodeId, Hash> seen) {
    CompactRange r = CompactRange.empty(begin);
    for (int i = begin; i < end; i++) {
      r.append(LEAVES.get(i), seen == null ? null : (id, h) -> {
        if (seen.put(id, h) != null) {
          throw new AssertionError("reported " + id + " twice");
        }
      });
    }
    return r;
  }

  /** Every perfect node whose leaves all lie in [begin, end), with its hash. */
  private static Map<NodeId, Hash> perfectNodesInside(long begin, long end) {
    Map<NodeId, Hash> out = new HashMap<>();
    for (int level = 0; (1L << level) <= end - begin; level++) {
      long first = (begin + (1L << level) - 1) >>> level;
      for (long i = first; (i + 1) << level <= end; i++) {
        out.put(new NodeId(level, i), TREE.node(level, i));
      }
    }
    return out;
  }

  /** The range [begin, end) from the stored nodes: greedy largest aligned nodes from the left. */
  private static CompactRange rangeFromTree(long begin, long end) {
    List<Hash> hashes = new ArrayList<>();
    long pos = begin;
    while (pos < end) {
      int level = pos == 0 ? 62 : Long.numberOfTrailingZeros(pos);
      while (pos + (1L << level) > end) {
        level--;
      }
      hashes.add(TREE.node(level, pos >>> level));
      pos += 1L << level;
    }
    return CompactRange.of(begin, end, hashes);
  }
}
