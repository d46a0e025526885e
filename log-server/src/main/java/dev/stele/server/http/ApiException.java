package dev.stele.server.http;

/**
 * A request the server refuses, with the HTTP status to answer and a message a person can act on.
 * The message is sent to the client, so it must never carry key material or internal state.
 */
public final class ApiException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int status;

  public ApiException(int status, String message) {
    super(message, null, false, false);
    if (status < 400 || status > 599) throw new IllegalArgumentException("not an error status: " + status);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, message);
  }
}
