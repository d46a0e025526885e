package dev.stele.client.cli;

import dev.stele.client.oci.OciException;
import dev.stele.client.oci.RegistryException;
import dev.stele.client.rekor.LogClientException;
import dev.stele.client.verify.VerificationException;

/** Turns library exceptions into CLI failures whose message says what failed and what to do. */
final class Failures {
  private Failures() {}

  static CliException of(VerificationException e) {
    String hint;
    switch (e.stage()) {
      case ARTIFACT_SIGNATURE:
        hint = "check that the artifact is the one that was signed, and that --key names the signer's public key";
        break;
      case LOG:
        hint = "check --trusted-root or --log-key: they must name the log that recorded the entry, with a key"
            + " valid at that time";
        break;
      case INCLUSION:
      case CHECKPOINT:
      case TIMESTAMP:
        hint = "the log's evidence for the entry does not hold: do not trust this signature; if it comes"
            + " from a bundle, fetch the entry from the log again and compare";
        break;
      case CERTIFICATE:
        hint = "the signing certificate does not chain to a certificate authority in --trusted-root at the"
            + " time the log recorded the signature";
        break;
      case IDENTITY:
        hint = "compare --certificate-identity and --certificate-oidc-issuer with the certificate's";
        break;
      case WITNESS:
        hint = "the log's checkpoint is not vouched for by enough of the witnesses --witness-policy trusts:"
            + " it may be a view of the log shown to you alone; retry later, and check the policy's keys";
        break;
      default:
        hint = "the log showed two histories that cannot both be true: keep the evidence";
    }
    return new CliException(ExitCode.of(e.stage()), "verification failed: " + e.getMessage() + " (" + hint + ")", e);
  }

  static CliException of(LogClientException e) {
    if (e.kind() == LogClientException.Kind.NETWORK) {
      return new CliException(ExitCode.NETWORK, e.getMessage() + " (is --log-url right and the log running?)", e);
    }
    return new CliException(ExitCode.REFUSED, e.getMessage(), e);
  }

  static CliException of(OciException e) {
    if (e instanceof RegistryException) {
      RegistryException r = (RegistryException) e;
      switch (r.reason()) {
        case NETWORK:
          return new CliException(ExitCode.NETWORK, e.getMessage() + " (is the registry running? for a plain-HTTP"
              + " registry give --insecure-registry HOST:PORT)", e);
        case UNAUTHORIZED:
          return new CliException(ExitCode.REFUSED, e.getMessage() + " (give --registry-username and set"
              + " STELE_REGISTRY_PASSWORD)", e);
        default:
          return new CliException(ExitCode.REFUSED, e.getMessage(), e);
      }
    }
    return new CliException(ExitCode.INPUT, e.getMessage(), e);
  }
}
