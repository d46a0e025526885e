package dev.stele.admission.policy;

/**
 * The policy cannot be used: not YAML, a field missing, unknown or of the wrong kind, a key that
 * does not parse, a file that cannot be read. The message names each problem's line and field
 * ({@code line 12, rules[0].signers[1].publicKey: ...}), all problems at once.
 */
public class PolicyException extends Exception {
  private static final long serialVersionUID = 1L;

  public PolicyException(String message) {
    super(message);
  }
}
