package dev.stele.client.rekor;

import dev.stele.client.http.HttpException;
import dev.stele.client.http.HttpTransport;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.RekorJson;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A call to the log failed: it could not be reached ({@link Kind#NETWORK}), it answered with an
 * error status ({@link Kind#STATUS}, with the status and the server's {@code message}), or its
 * answer was malformed or not what was asked for ({@link Kind#RESPONSE}). An {@link IOException}:
 * talking to the log failed, whichever way. Both faces of a log report this way: the Rekor v1 API
 * and tlog-tiles.
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

  /**
   * A call the {@link HttpTransport} could not complete, said the same way for every read of a
   * log: no answer is {@link Kind#NETWORK}; {@code 429}/{@code 5xx} after retries and a refused
   * redirect are {@link Kind#STATUS}; an answer over the size cap is {@link Kind#RESPONSE}.
   *
   * @param what what the call was for, e.g. {@code "get the log info"}
   * @param log the log's URL, for the message
   */
  public static LogClientException of(String what, URI log, HttpException e) {
    switch (e.reason()) {
      case STATUS: {
        HttpTransport.Response r = e.response().orElseThrow();
        String serverMessage = serverMessage(r);
        if (e.refusedRetryAfter().isPresent()) {
          return new LogClientException(Kind.STATUS, r.status(), serverMessage, "cannot " + what + ": the log answered "
              + r.status() + " and asks to retry after " + e.refusedRetryAfter().get().toSeconds()
              + " s, longer than this client waits", e);
        }
        return new LogClientException(Kind.STATUS, r.status(), serverMessage, "cannot " + what + ": the log answered "
            + r.status() + (serverMessage == null ? "" : ": " + serverMessage) + " (after " + e.attempts()
            + " attempts)", e);
      }
      case REDIRECT:
        return new LogClientException(Kind.STATUS, e.status().orElse(0), null, "cannot " + what + ": " + e.getMessage(), e);
      case TOO_LARGE:
        return new LogClientException(Kind.RESPONSE, e.status().orElse(0), null, "cannot " + what + ": "
            + e.getMessage(), e);
      default: {
        if (Thread.currentThread().isInterrupted()) {
          return new LogClientException(Kind.NETWORK, 0, null, "interrupted while trying to " + what, e);
        }
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String m = cause.getMessage();
        return new LogClientException(Kind.NETWORK, 0, null, "cannot " + what + " at " + log + " (" + e.attempts()
            + " attempts): " + cause.getClass().getSimpleName() + (m == null || m.isEmpty() ? "" : ": " + m), e);
      }
    }
  }

  /** An answer that does not parse as what was asked for. */
  public static LogClientException malformed(String what, int status, Exception cause) {
    return new LogClientException(Kind.RESPONSE, status, null, "the log's answer with " + what + " is malformed: "
        + cause.getMessage(), cause);
  }

  /** An answer whose status the call does not accept (not retried: the log said no). */
  public static LogClientException status(String what, HttpTransport.Response r) {
    String serverMessage = serverMessage(r);
    return new LogClientException(Kind.STATUS, r.status(), serverMessage, "cannot " + what + ": the log answered "
        + r.status() + (serverMessage == null ? "" : ": " + serverMessage), null);
  }

  /** The {@code message} of a JSON error body (Rekor's {@code {"code", "message"}}), if there is one. */
  private static String serverMessage(HttpTransport.Response r) {
    byte[] body = r.body();
    if (body.length == 0 || !r.header("Content-Type").orElse("").contains("json")) {
      return null;
    }
    try {
      return RekorJson.read(body, RekorJson.ErrorBody.class).message();
    } catch (FormatException e) {
      return null;
    }
  }
}
