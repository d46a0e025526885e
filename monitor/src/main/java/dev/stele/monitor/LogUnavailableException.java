package dev.stele.monitor;

import java.io.IOException;

/**
 * The log gave no usable answer: it could not be reached, answered with an error status, or sent
 * something that does not parse as the document asked for. Not an alarm by itself; it becomes
 * one ({@link AlarmKind#UNREACHABLE}) when it lasts longer than the threshold.
 */
public class LogUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public LogUnavailableException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  public LogUnavailableException(String message) {
    this(message, 0, null);
  }

  /** The HTTP status of the answer, or 0 if there was none. */
  public int status() {
    return status;
  }
}
