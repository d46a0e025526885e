package dev.stele.merkle.proof;

/**
 * A proof did not verify: a precondition on the sizes or indices failed, the proof has the wrong
 * number of hashes, or it leads to a different root ({@link RootMismatchException}). The message
 * carries the numbers.
 */
public class ProofException extends Exception {
  private static final long serialVersionUID = 1L;

  public ProofException(String message) {
    super(message);
  }
}
