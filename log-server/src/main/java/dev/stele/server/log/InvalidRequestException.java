package dev.stele.server.log;

/**
 * A request the log cannot answer because of what it asks for: an entry that does not pass
 * admission, tree sizes outside the tree, another tree's ID. The message says what is wrong, with
 * the numbers, and is shown to the client, so it never carries key material or internal state.
 * The HTTP layer answers 400.
 */
public final class InvalidRequestException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message) {
    super(message, null, false, false);
  }
}
