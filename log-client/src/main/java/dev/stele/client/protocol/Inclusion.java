package dev.stele.client.protocol;

import dev.stele.merkle.Hash;
import dev.stele.merkle.proof.InclusionProof;
import java.util.Objects;

/**
 * An entry's inclusion proof as the Rekor v1 API gives it (docs/protocol.md section 6): the audit path
 * (index inside the shard's tree, tree size, hashes), the root it leads to, and the signed
 * checkpoint that commits to that size and root. The checkpoint is parsed as a signed note but
 * not verified here.
 *
 * @param proof leaf index (in the shard's tree), tree size and audit path
 * @param rootHash the root hash the response claims
 * @param checkpoint the signed checkpoint
 */
public record Inclusion(InclusionProof proof, Hash rootHash, SignedNote checkpoint) {
  public Inclusion {
    Objects.requireNonNull(proof, "proof");
    Objects.requireNonNull(rootHash, "rootHash");
    Objects.requireNonNull(checkpoint, "checkpoint");
    if (proof.leafIndex() < 0 || proof.treeSize() < 0) {
      throw new IllegalArgumentException("proof index and size must be non-negative");
    }
  }
}
