package dev.stele.server.http;

import java.util.concurrent.Callable;

/**
 * An unchecked exception that a parser threw while reading a request: a fault of the input (or
 * of a parser that should have said so with a checked exception), never of the log. {@link
 * ErrorMapper} answers 400 with what could not be read and logs the cause, so that the parser
 * gets fixed; a client never sees a 5xx for what it sent.
 */
public final class UnreadableInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String what;

  private UnreadableInputException(String what, RuntimeException cause) {
    super(what + " could not be read: " + cause, cause);
    this.what = what;
  }

  /** What could not be read, e.g. {@code "the retrieve request"}. */
  public String what() {
    return what;
  }

  /**
   * Runs a parser over request input; an unchecked exception it throws becomes an {@link
   * UnreadableInputException} naming {@code what}. Checked exceptions pass unchanged.
   */
  public static <T> T reading(String what, Callable<T> parser) throws Exception {
    try {
      return parser.call();
    } catch (RuntimeException e) {
      throw new UnreadableInputException(what, e);
    }
  }
}
