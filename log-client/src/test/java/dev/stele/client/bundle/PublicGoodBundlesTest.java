package dev.stele.client.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stele.client.PublicGoodCases;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.trust.TrustRoot;
import dev.stele.client.verify.Artifact;
import dev.stele.client.verify.IdentityPolicy;
import dev.stele.client.verify.VerificationException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every real Sigstore bundle of {@code vectors/rekor-public-good} through the library: parse, then {@link
 * BundleVerifier}. All failures are collected and reported together.
 */
class PublicGoodBundlesTest {
  @Test
  void everyBundle_givesTheOutcomeItsReadmeNames() throws Exception {
    List<String> failures = new ArrayList<>();
    Map<PublicGoodCases.Outcome, Integer> counts = new EnumMap<>(PublicGoodCases.Outcome.class);
    for (PublicGoodCases.Case c : PublicGoodCases.all()) {
      counts.merge(c.outcome(), 1, Integer::sum);
      String got;
      try {
        TrustRoot trust = TrustRoot.parse(Files.readAllBytes(c.trustedRoot()));
        Bundle bundle = Bundle.parse(Files.readAllBytes(c.bundle()));
        Optional<Artifact.Digest> artifact = c.artifact().isPresent()
            ? Optional.of(Artifact.digest(bundle.artifactDigestAlgorithm(),
                bundle.artifactDigestAlgorithm().digest(Files.readAllBytes(c.artifact().get()))))
            : bundle.messageSignature().flatMap(Bundle.MessageSignature::digest);
        IdentityPolicy identities = c.identity().isPresent()
            ? IdentityPolicy.exact(c.identity().get(), c.issuer().orElseThrow()) : IdentityPolicy.any();
        new BundleVerifier(trust).verify(bundle, artifact, List.of(), Optional.of(identities));
        got = "PASS";
      } catch (FormatException e) {
        got = "FORMAT " + e.getMessage();
      } catch (VerificationException e) {
        got = e.stage() + " " + e.getMessage();
      }
      String want;
      switch (c.outcome()) {
        case PASS:
          want = "PASS";
          break;
        case FORMAT:
          want = "FORMAT";
          break;
        case UNSUPPORTED:
          want = "ARTIFACT_SIGNATURE artifact signature: the entry is a Rekor v2 entry";
          break;
        default:
          want = c.stage().name();
      }
      if (c.outcome() == PublicGoodCases.Outcome.UNSUPPORTED && c.name().endsWith("_fail") && !got.equals("PASS")) {
        continue; // an invalid Rekor v2 bundle may be rejected as malformed before its kind is seen
      }
      if (!got.startsWith(want)) {
        failures.add(c.name() + ": want " + want + " (" + c.why() + "), got " + got);
      }
    }
    assertEquals(List.of(), failures);
    // The README's 41 bundles: 22 valid (7 of them Rekor v2, verified with their RFC 3161
    // timestamps; 1 valid in its tlog part only) and 19 invalid (6 of them Rekor v2; 2 malformed: a negative index, a
    // checkpoint without signature lines).
    assertEquals(21, counts.get(PublicGoodCases.Outcome.PASS), counts.toString());
    assertEquals(null, counts.get(PublicGoodCases.Outcome.UNSUPPORTED), counts.toString());
    assertEquals(18, counts.get(PublicGoodCases.Outcome.FAIL), counts.toString());
    assertEquals(2, counts.get(PublicGoodCases.Outcome.FORMAT), counts.toString());
  }
}
