package dev.stele.client.rekor;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A call to the log failed: it could not be reached ({@link Kind#NETWORK}), it answered with an
 * error status ({@link Kind#STATUS}, with the status and the server's {@code message}), or its
 * answer was malformed or not what was asked for ({@link Kind#RESPONSE}). An {@link IOException}:
 * talking to the log failed, whichever way.
 */
public class LogClientException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, for callers that branch (e.g. exit codes). */
  public enum Kind {
    /** No answer: connection refused or reset, timeout, interrupted. */
    NETWORK,
    /** An HTTP error status, after any retries. */
    STATUS,
    /** An answer that does not parse, or names another entry than the one asked for. */
    RESPONSE
  }

  private final Kind kind;
  private final int status;
  private final String serverMessage;

  LogClientException(Kind kind, int status, String serverMessage, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.status = status;
    this.serverMessage = serverMessage;
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status of the last answer, if there was one. */
  public OptionalInt status() {
    return status > 0 ? OptionalInt.of(status) : OptionalInt.empty();
  }

  /** The {@code message} of the server's JSON error body, if it sent one. */
  public Optional<String> serverMessage() {
    return Optional.ofNullable(serverMessage);
  }
}
