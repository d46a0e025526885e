/**
 * Inclusion and consistency proofs: which perfect nodes a proof consists of ({@link
 * dev.stele.merkle.proof.ProofNodes}), so that any node store can build one, and their
 * verification ({@link dev.stele.merkle.proof.ProofVerifier}), which checks every precondition
 * before hashing and fails with a checked {@link dev.stele.merkle.proof.ProofException}.
 */
package dev.stele.merkle.proof;
