package dev.stele.client.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stele.client.protocol.ProtocolJson;
import dev.stele.client.protocol.Vectors;
import dev.stele.client.trust.TrustRoot;
import dev.stele.client.verify.Artifact;
import dev.stele.client.verify.IdentityPolicy;
import dev.stele.client.verify.Stage;
import dev.stele.client.verify.VerificationException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A real Rekor v2 bundle (staging, certificate signer, RFC 3161 timestamp): it verifies, and it
 * stops verifying at the timestamp when the timestamp is broken, missing, or over another
 * signature, since a v2 entry has no SET to take time from.
 */
class RekorV2BundleTest {
  private static final String DIR = "rekor-public-good/bundles/conformance/rekor2-happy-path/";

  private static void verify(Consumer<ObjectNode> change) throws Exception {
    ObjectNode json = (ObjectNode) ProtocolJson.mapper().readTree(Vectors.bytes(DIR + "bundle.sigstore.json"));
    change.accept(json);
    Bundle bundle = Bundle.parse(ProtocolJson.mapper().writeValueAsBytes(json));
    byte[] artifact = Vectors.bytes(DIR + "artifact");
    new BundleVerifier(TrustRoot.parse(Vectors.bytes(DIR + "trusted_root.json"))).verify(bundle,
        Optional.of(Artifact.digest(bundle.artifactDigestAlgorithm(), bundle.artifactDigestAlgorithm().digest(artifact))),
        List.of(), Optional.of(IdentityPolicy.any()));
  }

  private static ObjectNode timestamp(ObjectNode bundle) {
    return (ObjectNode) bundle.get("verificationMaterial").get("timestampVerificationData").get("rfc3161Timestamps").get(0);
  }

  @Test
  void happyPath_verifiesWithTheTimestampAsTheSignedTime() throws Exception {
    verify(b -> { });
  }

  @Test
  void corruptedTimestamp_failsAtTheTimestamp() {
    VerificationException e = assertThrows(VerificationException.class, () -> verify(b -> {
      byte[] ts = Base64.getDecoder().decode(timestamp(b).get("signedTimestamp").asText());
      ts[ts.length - 10] ^= 1; // inside the CMS signature
      timestamp(b).put("signedTimestamp", Base64.getEncoder().encodeToString(ts));
    }));
    assertEquals(Stage.TIMESTAMP, e.stage(), e.getMessage());
  }

  @Test
  void noTimestamp_leavesACertificateSignerWithoutTime() {
    VerificationException e = assertThrows(VerificationException.class, () -> verify(b ->
        ((ObjectNode) b.get("verificationMaterial")).remove("timestampVerificationData")));
    assertEquals(Stage.TIMESTAMP, e.stage(), e.getMessage());
    assertTrue(e.getMessage().contains("no RFC 3161 timestamp"), e.getMessage());
  }

  @Test
  void aTimestampOfAnotherBundle_isNotOverThisSignature() throws Exception {
    ObjectNode other = (ObjectNode) ProtocolJson.mapper().readTree(
        Vectors.bytes("rekor-public-good/bundles/sigstore-java/bundle.dsse.rekor-v2.sigstore.json"));
    String foreign = timestamp(other).get("signedTimestamp").asText();
    VerificationException e = assertThrows(VerificationException.class, () -> verify(b ->
        timestamp(b).put("signedTimestamp", foreign)));
    assertEquals(Stage.TIMESTAMP, e.stage(), e.getMessage());
    assertTrue(e.getMessage().contains("not over this signature"), e.getMessage());
  }
}
