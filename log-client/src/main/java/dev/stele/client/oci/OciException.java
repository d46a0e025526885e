package dev.stele.client.oci;

/**
 * Something about an image, a registry answer or a stored signature is not what it must be:
 * a malformed image reference, a manifest that does not parse, a payload that is not the
 * simple-signing format. Always carries a message a person can act on.
 */
public class OciException extends Exception {
  private static final long serialVersionUID = 1L;

  public OciException(String message) {
    super(message);
  }

  public OciException(String message, Throwable cause) {
    super(message, cause);
  }
}
