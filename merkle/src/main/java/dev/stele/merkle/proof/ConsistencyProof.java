package dev.stele.merkle.proof;

import dev.stele.merkle.Hash;
import java.util.List;

/**
 * An RFC 6962 / RFC 9162 consistency proof that the tree of {@code size1} leaves is a prefix of the
 * tree of {@code size2} leaves.
 */
public record ConsistencyProof(long size1, long size2, List<Hash> hashes) {
  public ConsistencyProof {
    hashes = List.copyOf(hashes);
  }

  /**
   * Checks this proof against the two roots; see {@link ProofVerifier#verifyConsistency}.
   */
  public void verify(Hash root1, Hash root2) throws ProofException {
    ProofVerifier.verifyConsistency(size1, size2, hashes, root1, root2);
  }
}
