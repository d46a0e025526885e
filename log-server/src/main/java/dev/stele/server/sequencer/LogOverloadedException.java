package dev.stele.server.sequencer;

/**
 * Pushback: the sequencer cannot take this submission now (its queue is full, or it is shutting
 * down or stopped after a storage failure). Nothing of the submission was written; the caller
 * may retry later. The HTTP layer answers 503 with {@code Retry-After}.
 */
public final class LogOverloadedException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int retryAfterSeconds;

  public LogOverloadedException(String message, int retryAfterSeconds) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
