package dev.stele.server.sequencer;

import dev.stele.merkle.Hash;

/** The submitted entry is already in the log (or was committed while this copy was in flight). */
public final class DuplicateEntryException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient Hash leafHash;
  private final long index;

  public DuplicateEntryException(Hash leafHash, long index) {
    super("an equivalent entry already exists in the transparency log at index " + index);
    this.leafHash = leafHash;
    this.index = index;
  }

  public Hash leafHash() {
    return leafHash;
  }

  public long index() {
    return index;
  }
}
