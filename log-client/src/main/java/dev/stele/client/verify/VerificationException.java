package dev.stele.client.verify;

import java.util.Objects;

/**
 * Verification failed at one {@link Stage}. The message says what failed, with the numbers and
 * names involved, and never contains key material beyond public key hints.
 */
public class VerificationException extends Exception {
  private static final long serialVersionUID = 1L;

  private final Stage stage;
  private final String reason;

  public VerificationException(Stage stage, String message) {
    super(Objects.requireNonNull(stage).description() + ": " + message);
    this.stage = stage;
    this.reason = message;
  }

  public VerificationException(Stage stage, String message, Throwable cause) {
    super(Objects.requireNonNull(stage).description() + ": " + message, cause);
    this.stage = stage;
    this.reason = message;
  }

  /** The stage that failed. */
  public Stage stage() {
    return stage;
  }

  /** What failed, without the stage's name in front (for callers that add their own context). */
  public String reason() {
    return reason;
  }
}
