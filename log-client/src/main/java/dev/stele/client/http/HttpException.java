package dev.stele.client.http;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An HTTP exchange through {@link HttpTransport} gave no usable answer. The {@link Reason} says
 * which way; the last answer, if there was one, is kept with its raw bytes (a monitor stores them
 * as evidence). The message names the request as the caller described it, never more.
 */
public final class HttpException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Why there is no usable answer, for callers that branch. */
  public enum Reason {
    /** No answer: connection refused or reset, a deadline passed, interrupted (after retries). */
    NETWORK,
    /** {@code 429} or {@code 5xx}, after retries, or with a {@code Retry-After} too long to wait. */
    STATUS,
    /** The body is larger than the call's cap; the rest was not read. */
    TOO_LARGE,
    /** A redirect to another origin, too many redirects, or one that would change a POST. */
    REDIRECT
  }

  private final Reason reason;
  private final int attempts;
  private final transient HttpTransport.Response response;
  private final Duration retryAfter;

  HttpException(Reason reason, String message, int attempts, HttpTransport.Response response,
      Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason);
    this.attempts = attempts;
    this.response = response;
    this.retryAfter = retryAfter;
  }

  public Reason reason() {
    return reason;
  }

  /** How many times the request was sent (redirects not counted). */
  public int attempts() {
    return attempts;
  }

  /** The last answer, with its headers and raw body, if one arrived whole. */
  public Optional<HttpTransport.Response> response() {
    return Optional.ofNullable(response);
  }

  /** The status of the last answer, if one arrived. */
  public OptionalInt status() {
    return response == null ? OptionalInt.empty() : OptionalInt.of(response.status());
  }

  /**
   * The {@code Retry-After} the server asked for when it was longer than this transport waits
   * (the reason the call stopped early), if that is why.
   */
  public Optional<Duration> refusedRetryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
