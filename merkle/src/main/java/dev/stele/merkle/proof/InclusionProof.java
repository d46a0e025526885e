package dev.stele.merkle.proof;

import dev.stele.merkle.Hash;
import java.util.List;

/**
 * An RFC 6962 audit path (RFC 9162 inclusion proof) for the leaf {@code leafIndex} in the tree of
 * {@code treeSize} leaves; {@code hashes} are ordered from the leaf towards the root.
 */
public record InclusionProof(long leafIndex, long treeSize, List<Hash> hashes) {
  public InclusionProof {
    hashes = List.copyOf(hashes);
  }

  /**
   * Checks that this proof leads from {@code leafHash} to {@code root}; see {@link
   * ProofVerifier#verifyInclusion}.
   */
  public void verify(Hash leafHash, Hash root) throws ProofException {
    ProofVerifier.verifyInclusion(leafIndex, treeSize, leafHash, hashes, root);
  }
}
