package dev.stele.monitor;

import java.util.Objects;

/** The log misbehaved: what kind of alarm, and the evidence. The message carries the numbers. */
public final class AlarmException extends Exception {
  private static final long serialVersionUID = 1L;

  private final AlarmKind kind;
  private final transient Evidence evidence;

  public AlarmException(AlarmKind kind, String message, Evidence evidence) {
    super(message);
    this.kind = Objects.requireNonNull(kind);
    this.evidence = Objects.requireNonNull(evidence);
  }

  public AlarmKind kind() {
    return kind;
  }

  public Evidence evidence() {
    return evidence;
  }
}
