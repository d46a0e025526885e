package dev.stele.client.protocol;

/**
 * A proposed log entry that the log must refuse: unknown kind or version, a missing, unknown or
 * malformed field, an unsupported key or algorithm, or a signature that does not verify. The
 * message is the reason, written for the person who sent the entry (the Rekor v1 API reports it
 * as {@code 400 {"code":400,"message":"error processing entry: <reason>"}}). It never contains
 * key material beyond what the sender supplied in public form.
 */
public class InvalidEntryException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidEntryException(String message) {
    super(message);
  }

  public InvalidEntryException(String message, Throwable cause) {
    super(message, cause);
  }
}
