package dev.stele.merkle.proof;

import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.util.List;
import java.util.Objects;

/**
 * Verification of RFC 6962 inclusion and consistency proofs, following RFC 9162 sections 2.1.3.2
 * and 2.1.4.2.
 *
 * <p>Every check of sizes, indices and proof length happens before any hashing. A proof that fails
 * throws {@link ProofException} (or {@link RootMismatchException} when it is well-formed but leads
 * elsewhere) with the numbers in the message; nothing here returns a boolean.
 *
 * <p>Policy where implementations differ:
 *
 * <ul>
 *   <li>A consistency proof from {@code size1 == 0} is always rejected. The empty tree is a prefix
 *       of every tree, so such a proof proves nothing, and accepting whatever hashes come with it
 *       would hide a misbehaving server; a client that has no earlier checkpoint simply has nothing
 *       to check.
 *   <li>With {@code size1 == size2} the proof must be empty and the roots equal; a non-empty proof
 *       is rejected, not ignored.
 *   <li>Hashes are {@link Hash} values, always 32 bytes: a proof with a hash of another length
 *       cannot even be represented, so it fails when it is parsed.
 * </ul>
 */
public final class ProofVerifier {
  private ProofVerifier() {}

  /**
   * The root that the inclusion proof leads to from {@code leafHash} at {@code index} in the tree
   * of {@code size} leaves. Requires {@code 0 <= index < size} and exactly as many hashes as the
   * audit path for that index and size has.
   *
   * @throws ProofException if a requirement does not hold
   */
  public static Hash rootFromInclusion(long index, long size, Hash leafHash, List<Hash> proof)
      throws ProofException {
    Objects.requireNonNull(leafHash, "leafHash");
    Objects.requireNonNull(proof, "proof");
    if (index < 0 || size < 0) {
      throw new ProofException(
          "inclusion proof with negative leaf index " + index + " or tree size " + size);
    }
    if (index >= size) {
      throw new ProofException(
          "leaf index " + index + " is not below tree size " + size + ": nothing to prove");
    }
    // Below level `inner` the paths to the leaf and to the last leaf differ and the leaf's
    // position decides the side; above it the path runs along the right edge of the tree, where
    // only left siblings exist, one per set bit.
    int inner = 64 - Long.numberOfLeadingZeros(index ^ (size - 1));
    int border = Long.bitCount((size - 1) >>> inner);
    if (proof.size() != inner + border) {
      throw new ProofException(
          "inclusion proof for leaf " + index + " in tree of size " + size + " has "
              + proof.size() + " hashes, want " + (inner + border));
    }
    Hash h = leafHash;
    for (int i = 0; i < inner; i++) {
      Hash p = Objects.requireNonNull(proof.get(i), "proof hash");
      h = ((index >>> i) & 1) == 0 ? Rfc6962.hashChildren(h, p) : Rfc6962.hashChildren(p, h);
    }
    for (int i = inner; i < proof.size(); i++) {
      h = Rfc6962.hashChildren(Objects.requireNonNull(proof.get(i), "proof hash"), h);
    }
    return h;
  }

  /**
   * Checks that {@code proof} shows the leaf with {@code leafHash} at {@code index} in the tree of
   * {@code size} leaves whose root is {@code root}.
   *
   * @throws RootMismatchException if the proof leads to another root
   * @throws ProofException if the index, size or proof length is wrong
   */
  public static void verifyInclusion(
      long index, long size, Hash leafHash, List<Hash> proof, Hash root) throws ProofException {
    Objects.requireNonNull(root, "root");
    Hash calculated = rootFromInclusion(index, size, leafHash, proof);
    if (!calculated.equals(root)) {
      throw new RootMismatchException(
          "inclusion proof for leaf " + index + " in tree of size " + size, root, calculated);
    }
  }

  /**
   * Checks that the tree of {@code size1} leaves with root {@code root1} is a prefix of the tree of
   * {@code size2} leaves with root {@code root2}. Requires {@code 0 < size1 <= size2} and exactly
   * as many hashes as the proof for those sizes has (none when the sizes are equal).
   *
   * @throws RootMismatchException if the proof leads to another first or second root
   * @throws ProofException if a size or the proof length is wrong
   */
  public static void verifyConsistency(
      long size1, long size2, List<Hash> proof, Hash root1, Hash root2) throws ProofException {
    Objects.requireNonNull(proof, "proof");
    Objects.requireNonNull(root1, "root1");
    Objects.requireNonNull(root2, "root2");
    if (size1 < 0 || size2 < 0) {
      throw new ProofException(
          "consistency proof with negative size1 " + size1 + " or size2 " + size2);
    }
    if (size2 < size1) {
      throw new ProofException(
          "consistency proof from size " + size1 + " to the smaller size " + size2);
    }
    if (size1 == 0) {
      throw new ProofException(
          "consistency proof from the empty tree to size " + size2
              + " proves nothing; it needs 0 < size1");
    }
    String what = "consistency proof from size " + size1 + " to " + size2;
    if (size1 == size2) {
      if (!proof.isEmpty()) {
        throw new ProofException(what + " has " + proof.size() + " hashes, want 0");
      }
      if (!root1.equals(root2)) {
        throw new RootMismatchException(what, root2, root1);
      }
      return;
    }

    // The proof starts at the largest perfect node that ends at size1 (omitted when that node is
    // the whole old tree, i.e. size1 is a power of two) and continues with that node's audit path
    // in the new tree. Along it, left siblings belong to both trees and right siblings only to the
    // new one.
    int level = Long.numberOfTrailingZeros(size1);
    long index = (size1 - 1) >>> level;
    int inner = 64 - Long.numberOfLeadingZeros(index ^ ((size2 - 1) >>> level));
    int border = Long.bitCount((size2 - 1) >>> (level + inner));
    int seed = index == 0 ? 0 : 1;
    int want = seed + inner + border;
    if (proof.size() != want) {
      throw new ProofException(what + " has " + proof.size() + " hashes, want " + want);
    }
    for (Hash p : proof) {
      Objects.requireNonNull(p, "proof hash");
    }

    Hash h1 = seed == 0 ? root1 : proof.get(0);
    Hash h2 = h1;
    for (int i = 0; i < inner; i++) {
      Hash p = proof.get(seed + i);
      if (((index >>> i) & 1) == 1) {
        h1 = Rfc6962.hashChildren(p, h1);
        h2 = Rfc6962.hashChildren(p, h2);
      } else {
        h2 = Rfc6962.hashChildren(h2, p);
      }
    }
    for (int i = seed + inner; i < want; i++) {
      Hash p = proof.get(i);
      h1 = Rfc6962.hashChildren(p, h1);
      h2 = Rfc6962.hashChildren(p, h2);
    }
    if (!h1.equals(root1)) {
      throw new RootMismatchException(what + " (first tree)", root1, h1);
    }
    if (!h2.equals(root2)) {
      throw new RootMismatchException(what + " (second tree)", root2, h2);
    }
  }
}
