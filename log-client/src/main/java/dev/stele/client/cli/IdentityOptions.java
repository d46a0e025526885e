package dev.stele.client.cli;

import dev.stele.client.verify.IdentityPolicy;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Which certificate signers are accepted, with cosign's flags. */
final class IdentityOptions {
  @Option(names = "--certificate-identity", paramLabel = "ID",
      description = "The signer's identity in the certificate (e-mail or URI subject alternative name).")
  String identity;

  @Option(names = "--certificate-identity-regexp", paramLabel = "REGEX",
      description = "A regular expression the whole identity must match.")
  String identityRegexp;

  @Option(names = "--certificate-oidc-issuer", paramLabel = "URL",
      description = "The OIDC issuer that vouched for the identity (Fulcio issuer extension).")
  String issuer;

  @Option(names = "--certificate-oidc-issuer-regexp", paramLabel = "REGEX",
      description = "A regular expression the whole issuer must match.")
  String issuerRegexp;

  @Option(names = "--any-identity",
      description = "Accept any certificate signer from a trusted certificate authority. Without it,"
          + " certificate signers need an identity and an issuer.")
  boolean any;

  /** The policy, if certificate signers are accepted at all. */
  Optional<IdentityPolicy> policy() throws CliException {
    boolean someFlag = identity != null || identityRegexp != null || issuer != null || issuerRegexp != null;
    if (any) {
      if (someFlag) {
        throw new CliException(ExitCode.USAGE, "--any-identity excludes the --certificate-* identity flags");
      }
      return Optional.of(IdentityPolicy.any());
    }
    if (!someFlag) {
      return Optional.empty();
    }
    IdentityPolicy.Builder b = IdentityPolicy.builder();
    try {
      if (identity != null) {
        b.identity(identity);
      }
      if (identityRegexp != null) {
        b.identityRegexp(identityRegexp);
      }
      if (issuer != null) {
        b.issuer(issuer);
      }
      if (issuerRegexp != null) {
        b.issuerRegexp(issuerRegexp);
      }
      return Optional.of(b.build());
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, e.getMessage() + ": give --certificate-identity (or"
          + " --certificate-identity-regexp) and --certificate-oidc-issuer (or --certificate-oidc-issuer-regexp)");
    }
  }
}
