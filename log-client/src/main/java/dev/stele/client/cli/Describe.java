package dev.stele.client.cli;

import dev.stele.client.protocol.KeyMaterial;
import dev.stele.client.verify.IdentityPolicy;
import dev.stele.client.verify.VerificationException;

/** Short descriptions for output. */
final class Describe {
  private Describe() {}

  /** "ECDSA P-256 key 1a2b3c4d", or the certificate's identities and issuer. */
  static String signer(KeyMaterial key) {
    if (key.certificates().isEmpty()) {
      return key.describe();
    }
    try {
      return "certificate for " + IdentityPolicy.subjectAlternativeNames(key.certificates().get(0))
          + IdentityPolicy.issuer(key.certificates().get(0)).map(i -> " from " + i).orElse("");
    } catch (VerificationException e) {
      return key.describe();
    }
  }
}
