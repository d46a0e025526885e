package dev.stele.merkle.proof;

import dev.stele.merkle.Hash;
import dev.stele.merkle.NodeId;
import dev.stele.merkle.Rfc6962;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Which perfect nodes a proof is made of, and how to turn their hashes into the proof.
 *
 * <p>Every hash in an RFC 6962 proof is the hash of a subtree. Most of those subtrees are perfect
 * nodes, which a store keeps. At most one is not: the right neighbour of the path where the tree's
 * right edge is still incomplete. That <em>ephemeral</em> node is rebuilt from the perfect nodes
 * that cover it, which appear consecutively in {@link #ids()}; {@link #rehash} folds them into
 * one.
 *
 * <p>Building a proof from any node source is therefore: look up {@link #ids()}, then call {@link
 * #rehash} on the hashes found.
 */
public final class ProofNodes {
  private final List<NodeId> ids;
  /** {@code ids[ephemBegin, ephemEnd)} fold into one proof hash; empty or one node means none. */
  private final int ephemBegin;
  private final int ephemEnd;

  private ProofNodes(List<NodeId> ids, int ephemBegin, int ephemEnd) {
    this.ids = Collections.unmodifiableList(ids);
    this.ephemBegin = ephemBegin;
    this.ephemEnd = ephemEnd;
  }

  /**
   * The nodes of the inclusion proof (RFC 6962 {@code PATH(index, D[size])}) for the leaf {@code
   * index} in the tree of {@code size} leaves.
   *
   * @throws IllegalArgumentException unless {@code 0 <= index < size}
   */
  public static ProofNodes inclusion(long index, long size) {
    if (index < 0 || size < 0 || index >= size) {
      throw new IllegalArgumentException(
          "inclusion proof needs 0 <= index < size, got index " + index + ", size " + size);
    }
    List<NodeId> ids = new ArrayList<>(64);
    int[] ephem = path(0, index, size, ids);
    return new ProofNodes(ids, ephem[0], ephem[1]);
  }

  /**
   * The nodes of the consistency proof (RFC 6962 {@code PROOF(size1, D[size2])}) between the
   * trees of {@code size1} and {@code size2} leaves. Empty when the sizes are equal.
   *
   * @throws IllegalArgumentException unless {@code 0 < size1 <= size2}
   */
  public static ProofNodes consistency(long size1, long size2) {
    if (size1 <= 0 || size2 < size1) {
      throw new IllegalArgumentException(
          "consistency proof needs 0 < size1 <= size2, got size1 " + size1 + ", size2 " + size2);
    }
    List<NodeId> ids = new ArrayList<>(64);
    if (size1 == size2) {
      return new ProofNodes(ids, 0, 0);
    }
    // The largest perfect node that ends at size1: the old tree is the hashes to its left (which
    // are also in the proof) plus this node. The proof is this node followed by its audit path in
    // the new tree; when size1 is a power of two, the node is the old root itself, which the
    // verifier already has, so it is left out.
    int level = Long.numberOfTrailingZeros(size1);
    long index = (size1 - 1) >>> level;
    if (index != 0) {
      ids.add(new NodeId(level, index));
    }
    int[] ephem = path(level, index, size2, ids);
    return new ProofNodes(ids, ephem[0], ephem[1]);
  }

  /** The nodes to look up, in order. */
  public List<NodeId> ids() {
    return ids;
  }

  /** How many hashes the finished proof has: {@code ids().size()} less the folded ones. */
  public int proofSize() {
    return ephemEnd - ephemBegin > 1 ? ids.size() - (ephemEnd - ephemBegin) + 1 : ids.size();
  }

  /**
   * Turns the hashes of {@link #ids()} (same order) into the proof hashes, folding the nodes of the
   * ephemeral node, if any, into its hash.
   *
   * @throws IllegalArgumentException unless exactly one hash per id is given
   */
  public List<Hash> rehash(List<Hash> hashes) {
    if (hashes.size() != ids.size()) {
      throw new IllegalArgumentException(
          "proof needs " + ids.size() + " node hashes, got " + hashes.size());
    }
    if (ephemEnd - ephemBegin <= 1) {
      return List.copyOf(hashes);
    }
    List<Hash> out = new ArrayList<>(proofSize());
    out.addAll(hashes.subList(0, ephemBegin));
    // The covering nodes are left to right; the subtree hash folds them from the right.
    Hash folded = hashes.get(ephemEnd - 1);
    for (int i = ephemEnd - 2; i >= ephemBegin; i--) {
      folded = Rfc6962.hashChildren(hashes.get(i), folded);
    }
    out.add(folded);
    out.addAll(hashes.subList(ephemEnd, hashes.size()));
    return Collections.unmodifiableList(out);
  }

  @Override
  public String toString() {
    return "ProofNodes" + ids + (ephemEnd - ephemBegin > 1
        ? " folding [" + ephemBegin + ", " + ephemEnd + ")" : "");
  }

  /**
   * Appends to {@code ids} the audit path from the perfect node {@code (level, index)} to the root
   * of the tree of {@code size} leaves, ordered bottom-up, and returns the range of {@code ids}
   * that covers the ephemeral node.
   *
   * <p>Let {@code last} be the node at {@code level} above the tree's last leaf. Below the level
   * where the paths to {@code index} and {@code last} meet, every sibling is perfect, except the
   * right child of the meeting node, which spans to the end of the tree and may be incomplete.
   * Above it the path follows the right edge of the tree, where only left siblings exist, all
   * perfect.
   */
  private static int[] path(int level, long index, long size, List<NodeId> ids) {
    long last = (size - 1) >>> level;
    // The level of the node where the two paths meet.
    int meet = level + 64 - Long.numberOfLeadingZeros(index ^ last);
    for (int l = level; l < meet - 1; l++) {
      ids.add(new NodeId(l, (index >>> (l - level)) ^ 1));
    }
    int ephemBegin = ids.size();
    if (meet > level) {
      // index is in the meeting node's left child; its right child covers [start, size).
      int l = meet - 1;
      long start = ((index >>> (l - level)) | 1) << l;
      long remaining = size - start;
      if (remaining == 1L << l) {
        ids.add(new NodeId(l, start >>> l));
      } else {
        for (long bits = remaining; bits != 0; bits &= ~Long.highestOneBit(bits)) {
          int j = 63 - Long.numberOfLeadingZeros(bits);
          ids.add(new NodeId(j, start >>> j));
          start += 1L << j;
        }
      }
    }
    int ephemEnd = ids.size();
    long edge = (size - 1) >>> meet;
    for (int l = meet; edge != 0; l++, edge >>>= 1) {
      if ((edge & 1) == 1) {
        ids.add(new NodeId(l, edge - 1));
      }
    }
    return new int[] {ephemBegin, ephemEnd};
  }
}
