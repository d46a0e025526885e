package dev.stele.merkle;

import dev.stele.merkle.proof.ConsistencyProof;
import dev.stele.merkle.proof.InclusionProof;
import dev.stele.merkle.proof.ProofNodes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A tree that keeps every perfect node, filled through {@link CompactRange}'s visitor: the node
 * source for building proofs in tests, and the ground truth for tiles.
 */
public final class InMemoryTree {
  private final CompactRange range = CompactRange.empty(0);
  private final byte[][] levels = new byte[NodeId.MAX_LEVEL + 1][];
  private final long[] counts = new long[NodeId.MAX_LEVEL + 1];

  public InMemoryTree() {}

  public InMemoryTree(List<Hash> leaves) {
    for (Hash h : leaves) {
      append(h);
    }
  }

  public void append(Hash leafHash) {
    range.append(leafHash, this::store);
  }

  private void store(NodeId id, Hash hash) {
    int l = id.level();
    if (id.index() != counts[l]) {
      throw new AssertionError("visitor reported " + id + " out of order; expected index " + counts[l]);
    }
    if (levels[l] == null) {
      levels[l] = new byte[64 * Hash.SIZE];
    } else if ((counts[l] + 1) * Hash.SIZE > levels[l].length) {
      levels[l] = Arrays.copyOf(levels[l], levels[l].length * 2);
    }
    hash.copyTo(levels[l], (int) (counts[l] * Hash.SIZE));
    counts[l]++;
  }

  public long size() {
    return range.end();
  }

  /** The number of perfect nodes stored at a level. */
  public long count(int level) {
    return counts[level];
  }

  public Hash node(int level, long index) {
    if (index >= counts[level]) {
      throw new IllegalArgumentException("no perfect node " + level + "." + index + " in tree of size " + size());
    }
    return Hash.of(levels[level], (int) (index * Hash.SIZE));
  }

  public List<Hash> nodes(List<NodeId> ids) {
    List<Hash> out = new ArrayList<>(ids.size());
    for (NodeId id : ids) {
      out.add(node(id.level(), id.index()));
    }
    return out;
  }

  public Hash root() {
    return range.root();
  }

  /** The root of the tree's first {@code n} leaves, from the stored nodes. */
  public Hash root(long n) {
    if (n == 0) {
      return Rfc6962.EMPTY_ROOT;
    }
    List<Hash> nodes = new ArrayList<>();
    long begin = 0;
    for (long bits = n; bits != 0; bits &= ~Long.highestOneBit(bits)) {
      int level = 63 - Long.numberOfLeadingZeros(bits);
      nodes.add(node(level, begin >>> level));
      begin += 1L << level;
    }
    Hash h = nodes.get(nodes.size() - 1);
    for (int i = nodes.size() - 2; i >= 0; i--) {
      h = Rfc6962.hashChildren(nodes.get(i), h);
    }
    return h;
  }

  public InclusionProof inclusion(long index, long size) {
    ProofNodes p = ProofNodes.inclusion(index, size);
    return new InclusionProof(index, size, p.rehash(nodes(p.ids())));
  }

  public ConsistencyProof consistency(long size1, long size2) {
    ProofNodes p = ProofNodes.consistency(size1, size2);
    return new ConsistencyProof(size1, size2, p.rehash(nodes(p.ids())));
  }

  /** The compact range [0, size()) as it stands. */
  public CompactRange range() {
    return range.copy();
  }
}
