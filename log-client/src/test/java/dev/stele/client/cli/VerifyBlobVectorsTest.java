package dev.stele.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stele.client.PublicGoodCases;
import dev.stele.client.bundle.Bundle;
import dev.stele.client.verify.Artifact;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code stele verify-blob ARTIFACT --bundle B --trusted-root T} over every bundle of
 * {@code vectors/rekor-public-good}, through the CLI entry point: valid Rekor v1 bundles exit 0,
 * tampered ones exit with the code of the stage their manifest entry names (see
 * {@link PublicGoodCases} for how the manifest's cases map to outcomes).
 */
class VerifyBlobVectorsTest {
  @Test
  void everyPublicGoodBundle_exitsWithTheCodeOfItsReadmeOutcome() throws Exception {
    List<String> failures = new ArrayList<>();
    Map<PublicGoodCases.Outcome, Integer> counts = new EnumMap<>(PublicGoodCases.Outcome.class);
    for (PublicGoodCases.Case c : PublicGoodCases.all()) {
      counts.merge(c.outcome(), 1, Integer::sum);
      List<String> args = new ArrayList<>(List.of("verify-blob"));
      if (c.artifact().isPresent()) {
        args.add(c.artifact().get().toString());
      } else {
        // No artifact in the manifest: a message signature is checked against the digest it names.
        Optional<Artifact.Digest> named = Optional.empty();
        try {
          named = Bundle.parse(Files.readAllBytes(c.bundle())).messageSignature().flatMap(Bundle.MessageSignature::digest);
        } catch (dev.stele.client.protocol.FormatException e) {
          // malformed: the CLI reports it
        }
        named.ifPresent(d -> args.addAll(List.of("--artifact-digest", d.toString())));
      }
      args.addAll(List.of("--bundle", c.bundle().toString(), "--trusted-root", c.trustedRoot().toString()));
      if (c.identity().isPresent()) {
        args.addAll(List.of("--certificate-identity", c.identity().get(), "--certificate-oidc-issuer", c.issuer().get()));
      } else {
        args.add("--any-identity");
      }
      Cli.Run run = Cli.run(args.toArray(new String[0]));
      int want;
      switch (c.outcome()) {
        case PASS:
          want = ExitCode.OK.code;
          break;
        case FORMAT:
          want = ExitCode.INPUT.code;
          break;
        case UNSUPPORTED:
          want = c.name().endsWith("_fail") && run.code() != 0 ? run.code() : ExitCode.ARTIFACT_SIGNATURE.code;
          break;
        default:
          want = ExitCode.of(c.stage()).code;
      }
      if (run.code() != want || (want != 0 && run.err().isBlank())) {
        failures.add(c.name() + ": want exit " + want + " (" + c.outcome() + " " + c.stage() + "), got " + run);
      }
    }
    assertEquals(List.of(), failures);
    assertEquals(21, counts.get(PublicGoodCases.Outcome.PASS), counts.toString());
    assertEquals(18, counts.get(PublicGoodCases.Outcome.FAIL), counts.toString());
  }
}
