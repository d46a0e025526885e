package dev.stele.client.verify;

/**
 * The checks of entry verification, in the fixed order {@link EntryVerifier} runs them. A
 * {@link VerificationException} names the stage that failed; the CLI maps each stage to its own
 * exit code.
 */
public enum Stage {
  /** The logged body names the artifact, and its signature verifies under an accepted signer. */
  ARTIFACT_SIGNATURE("artifact signature"),
  /** The entry's log ID names a trusted log whose key is valid at the entry's integrated time. */
  LOG("transparency log"),
  /** The inclusion proof leads from the entry's leaf hash to the proof's root. */
  INCLUSION("inclusion proof"),
  /** The checkpoint is signed by the log, and its size and root are the proof's. */
  CHECKPOINT("checkpoint"),
  /**
   * The checkpoint carries verified cosignatures from a quorum of the witnesses of the caller's
   * policy (c2sp.org/tlog-policy, c2sp.org/tlog-cosignature), and none that is forged.
   */
  WITNESS("witness cosignatures"),
  /** The signed entry timestamp (SET) verifies under the log's key. */
  TIMESTAMP("signed entry timestamp"),
  /** The signing certificate chains to a trusted certificate authority at the signed time. */
  CERTIFICATE("signing certificate"),
  /** The signing certificate names the identity and OIDC issuer the verifier asked for. */
  IDENTITY("signer identity"),
  /** The entry's checkpoint is consistent with the last checkpoint the caller saw. */
  CONSISTENCY("consistency");

  private final String description;

  Stage(String description) {
    this.description = description;
  }

  /** A short human-readable name, e.g. {@code "inclusion proof"}. */
  public String description() {
    return description;
  }
}
