package dev.stele.client.protocol;

/**
 * Bytes or text that do not follow the format they claim to be in: a checkpoint, a signed note,
 * a PEM block, an identifier, a Rekor JSON record. The message says what is wrong and where.
 */
public class FormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public FormatException(String message) {
    super(message);
  }

  public FormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
