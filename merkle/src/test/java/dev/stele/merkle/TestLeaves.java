package dev.stele.merkle;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Deterministic leaves for tests: leaf i is the hash of the 8-byte big-endian i. */
public final class TestLeaves {
  /** The size of {@link #bigTree()}. */
  public static final int BIG = 1_000_000;

  private static InMemoryTree big;
  private static List<Hash> bigLeaves;

  private TestLeaves() {}

  /** Leaves 0 .. {@link #BIG}-1, computed once per test JVM. */
  public static synchronized List<Hash> bigLeaves() {
    if (bigLeaves == null) {
      bigLeaves = java.util.Collections.unmodifiableList(leaves(0, BIG));
    }
    return bigLeaves;
  }

  /** A tree of {@link #bigLeaves()} with every perfect node stored, built once per test JVM. */
  public static synchronized InMemoryTree bigTree() {
    if (big == null) {
      big = new InMemoryTree(bigLeaves());
    }
    return big;
  }

  public static Hash leaf(long i) {
    return Rfc6962.hashLeaf(ByteBuffer.allocate(8).putLong(i).array());
  }

  public static List<Hash> leaves(long from, int n) {
    List<Hash> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(leaf(from + i));
    }
    return out;
  }
}
