package dev.stele.server.log;

/**
 * Under a fail-closed witness policy: what was asked for is in the log, but no checkpoint covering
 * it has reached the witnesses' quorum yet, so the log does not hand it out. The HTTP layer
 * answers 503 with {@code Retry-After}: asked again later, the log may have the quorum.
 */
public final class UnwitnessedException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int retryAfterSeconds;

  public UnwitnessedException(String message, int retryAfterSeconds) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
