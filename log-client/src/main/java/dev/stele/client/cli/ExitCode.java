package dev.stele.client.cli;

import dev.stele.client.verify.Stage;

/** The CLI's exit codes: one per kind of problem, and one per verification stage. */
enum ExitCode {
  OK(0, "success"),
  INTERNAL(1, "internal error (a bug: please report it)"),
  USAGE(2, "usage: unknown, missing or conflicting options or arguments"),
  INPUT(3, "input: a file (key, bundle, trusted root) missing or malformed"),
  NETWORK(4, "network: the log or registry unreachable (after retries)"),
  REFUSED(5, "the log or registry answered with an error or a bad answer"),
  NO_SIGNATURE(6, "no signature stored for the image"),
  ARTIFACT_SIGNATURE(10, "failed: artifact signature, or signer not trusted"),
  LOG(11, "failed: log not trusted, or its key not valid at that time"),
  INCLUSION(12, "failed: inclusion proof"),
  CHECKPOINT(13, "failed: checkpoint signature, origin, or size/root vs proof"),
  TIMESTAMP(14, "failed: signed entry timestamp (SET) missing or invalid"),
  CERTIFICATE(15, "failed: signing certificate chain or validity"),
  IDENTITY(16, "failed: signer identity or OIDC issuer"),
  CONSISTENCY(17, "failed: not consistent with the checkpoint seen before"),
  INCONSISTENT_LOG(18, "the log forked or split its view (evidence)"),
  ROLLBACK(19, "the log rolled back to a smaller tree than the checkpoint kept (evidence)"),
  WITNESS(20, "failed: the checkpoint lacks a quorum of --witness-policy's witnesses, or a cosignature is forged");

  final int code;
  final String description;

  ExitCode(int code, String description) {
    this.code = code;
    this.description = description;
  }

  static ExitCode of(Stage stage) {
    return valueOf(stage.name());
  }

  /** The table, for help footers. */
  static String table() {
    StringBuilder sb = new StringBuilder("Exit codes:%n");
    for (ExitCode c : values()) {
      sb.append(String.format("  %2d  %s%%n", c.code, c.description));
    }
    return sb.toString();
  }
}
