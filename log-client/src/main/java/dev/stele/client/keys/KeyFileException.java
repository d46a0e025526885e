package dev.stele.client.keys;

/**
 * A key file that cannot be used: wrong PEM type, wrong or missing password, unsupported
 * algorithm, damaged content. The message says which, and never contains key material.
 */
public class KeyFileException extends Exception {
  private static final long serialVersionUID = 1L;

  public KeyFileException(String message) {
    super(message);
  }

  public KeyFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
