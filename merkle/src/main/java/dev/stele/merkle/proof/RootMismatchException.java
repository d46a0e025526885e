package dev.stele.merkle.proof;

import dev.stele.merkle.Hash;

/**
 * A well-formed proof led to a root other than the one it was checked against. Carries both, so
 * that the caller can keep them as evidence.
 */
public final class RootMismatchException extends ProofException {
  private static final long serialVersionUID = 1L;

  private final transient Hash expected;
  private final transient Hash calculated;

  public RootMismatchException(String what, Hash expected, Hash calculated) {
    super(what + ": calculated root " + calculated + ", expected " + expected);
    this.expected = expected;
    this.calculated = calculated;
  }

  /** The root the proof was checked against. */
  public Hash expected() {
    return expected;
  }

  /** The root the proof leads to. */
  public Hash calculated() {
    return calculated;
  }
}
