package dev.stele.client.track;

import dev.stele.client.protocol.Checkpoint;
import dev.stele.merkle.proof.ConsistencyProof;
import java.util.Objects;
import java.util.Optional;

/**
 * The log showed two validly signed checkpoints that cannot both be true of one append-only log,
 * or went back to a smaller tree. It carries the evidence: both signed checkpoints as the log sent
 * them, and the consistency proof it gave, if any. Anyone holding the log's public key can check
 * the evidence.
 */
public class InconsistencyException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The three ways a new checkpoint can disagree with the one seen before. */
  public enum Kind {
    /** A larger tree whose consistency proof from the previous tree does not verify: a fork. */
    FORK,
    /** The same size with another root: a split view. */
    SAME_SIZE_DIFFERENT_ROOT,
    /** A smaller tree than the one seen before (consistent or not, the log went back). */
    ROLLBACK
  }

  private final Kind kind;
  private final String previousNote;
  private final String newNote;
  private final transient Checkpoint previous;
  private final transient Checkpoint next;
  private final transient ConsistencyProof proof;

  public InconsistencyException(Kind kind, String message, String previousNote, Checkpoint previous,
      String newNote, Checkpoint next, ConsistencyProof proof) {
    super(message);
    this.kind = Objects.requireNonNull(kind);
    this.previousNote = Objects.requireNonNull(previousNote);
    this.previous = Objects.requireNonNull(previous);
    this.newNote = Objects.requireNonNull(newNote);
    this.next = Objects.requireNonNull(next);
    this.proof = proof;
  }

  public Kind kind() {
    return kind;
  }

  /** The signed checkpoint seen before, as the log sent it. */
  public String previousNote() {
    return previousNote;
  }

  /** The new signed checkpoint, as the log sent it. */
  public String newNote() {
    return newNote;
  }

  public Checkpoint previous() {
    return previous;
  }

  public Checkpoint next() {
    return next;
  }

  /** The consistency proof the log gave between the two sizes, if one was asked for. */
  public Optional<ConsistencyProof> proof() {
    return Optional.ofNullable(proof);
  }
}
