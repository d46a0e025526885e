package dev.stele.monitor;

import java.io.IOException;
import java.util.Optional;

/**
 * The log gave no usable answer: it could not be reached, answered with an error status, or sent
 * something that does not parse as the document asked for. Not an alarm by itself; it becomes
 * one ({@link AlarmKind#UNREACHABLE}) when it lasts longer than the threshold, or ({@link
 * AlarmKind#SPLIT_VIEW}) when it is the log's only answer, check after check, to a proof that a
 * checkpoint shown elsewhere is consistent with ours.
 */
public class LogUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final transient byte[] body;

  public LogUnavailableException(String message, int status, Throwable cause) {
    this(message, status, null, cause);
  }

  /**
   * @param status the HTTP status of the answer, or 0 if there was none
   * @param body the answer's body exactly as served, or null if there was none
   */
  public LogUnavailableException(String message, int status, byte[] body, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.body = body == null ? null : body.clone();
  }

  public LogUnavailableException(String message) {
    this(message, 0, null, null);
  }

  /** The HTTP status of the answer, or 0 if there was none. */
  public int status() {
    return status;
  }

  /** The answer's body exactly as served, if an answer came (evidence of what the log said). */
  public Optional<byte[]> body() {
    return Optional.ofNullable(body).map(byte[]::clone);
  }
}
