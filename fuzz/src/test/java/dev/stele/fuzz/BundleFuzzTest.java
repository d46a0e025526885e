package dev.stele.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stele.client.bundle.Bundle;
import dev.stele.client.bundle.BundleVerifier;
import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.trust.TrustRoot;
import dev.stele.client.verify.Artifact;
import dev.stele.client.verify.IdentityPolicy;
import dev.stele.client.verify.VerificationException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** Sigstore bundles and trusted roots (protobuf JSON). */
class BundleFuzzTest {
  private static final BundleVerifier VERIFIER = new BundleVerifier(Fixtures.PRODUCTION);

  /** A bundle as a verifier receives it; what parses writes a bundle that reads back the same. */
  @FuzzTest
  void bundle(byte[] input) throws FormatException {
    Bundle bundle;
    try {
      bundle = Bundle.parse(input);
    } catch (FormatException e) {
      Contract.refused(e);
      return;
    }
    String json = bundle.toJson();
    assertEquals(json, Bundle.parse(json.getBytes(StandardCharsets.UTF_8)).toJson());
  }

  /**
   * A bundle verified against the production trusted root, for any signer identity and the
   * digest the bundle itself names: every stage (certificate chain, SET, inclusion proof,
   * checkpoint, signature) sees hostile data and may only refuse with VerificationException.
   */
  @FuzzTest
  void bundleVerify(byte[] input) {
    Bundle bundle;
    try {
      bundle = Bundle.parse(input);
    } catch (FormatException e) {
      Contract.refused(e);
      return;
    }
    Optional<Artifact.Digest> artifact = bundle.messageSignature().isPresent()
        ? Optional.of(bundle.messageSignature().get().digest()
            .orElse(Artifact.digest(HashAlgorithm.SHA256, HashAlgorithm.SHA256.digest(new byte[0]))))
        : Optional.empty();
    try {
      VERIFIER.verify(bundle, artifact, List.of(), Optional.of(IdentityPolicy.any()));
    } catch (VerificationException e) {
      Contract.refused(e);
    }
  }

  /** A Sigstore trusted root (TUF target {@code trusted_root.json}). */
  @FuzzTest
  void trustedRoot(byte[] input) {
    try {
      TrustRoot.parse(input);
    } catch (FormatException e) {
      Contract.refused(e);
    }
  }
}
