package dev.stele.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.protocol.Vectors;
import dev.stele.client.verify.Stage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Sigstore bundles of {@code vectors/rekor-public-good}, each with the outcome its entry in
 * {@code manifest.json} names (the set's PROVENANCE.md summarizes them):
 *
 * <ul>
 *   <li>"valid" bundles pass;
 *   <li>"invalid" ones fail at the first check the collection's re-verification found false, in
 *       this verifier's order (negative index: a format error; body not matching the bundle:
 *       artifact signature; unknown log; inclusion; checkpoint signature or checkpoint/proof
 *       agreement; SET); the one case PROVENANCE.md names as a non-tlog failure
 *       ({@code integrated-time-in-future}) fails at the certificate;
 *   <li>Rekor v2 entries ({@code hashedrekord 0.0.2}, no SET: time from the RFC 3161 timestamp)
 *       are verified like the others; the invalid ones fail at the check the manifest names;
 *   <li>{@code bundle_v3_no_signed_time} is valid in its tlog part only, as the manifest says: it
 *       has no SET and no timestamp, so a certificate signer has no trusted time and it fails at
 *       the signed entry timestamp.
 * </ul>
 *
 * <p>Where the manifest gives no artifact (single-file bundles without one in the manifest), the
 * artifact is the bundle's own message digest (the signature over it is still verified), and a
 * DSSE bundle is verified without a subject. Identities are the case's {@code identity} and
 * {@code issuer} files where present, otherwise any identity (explicitly).
 */
public final class PublicGoodCases {
  /** What a case must give. */
  public enum Outcome { PASS, FORMAT, UNSUPPORTED, FAIL }

  /**
   * One bundle.
   *
   * @param stage for {@link Outcome#FAIL} the stage that must fail (and for {@link
   *     Outcome#UNSUPPORTED}, {@link Stage#ARTIFACT_SIGNATURE}, where the kind is rejected)
   */
  public record Case(String name, Path bundle, Path trustedRoot, Optional<Path> artifact,
      Optional<String> identity, Optional<String> issuer, Outcome outcome, Stage stage, String why) {
    @Override
    public String toString() {
      return name;
    }
  }

  private PublicGoodCases() {}

  public static List<Case> all() {
    Path base = Vectors.path("rekor-public-good");
    JsonNode manifest = Vectors.json("rekor-public-good/manifest.json");
    List<Case> out = new ArrayList<>();
    for (JsonNode b : manifest.get("bundles")) {
      String dir = b.path("dir").asText(null);
      Path bundle = dir != null ? base.resolve(dir).resolve("bundle.sigstore.json") : base.resolve(b.get("file").asText());
      String name = dir != null ? dir.substring(dir.lastIndexOf('/') + 1) : bundle.getFileName().toString();
      String tr = b.get("trusted_root").asText();
      Path trustedRoot = tr.contains("in dir") ? base.resolve(dir).resolve("trusted_root.json") : base.resolve(tr);
      Optional<Path> artifact = Optional.empty();
      Optional<String> identity = Optional.empty();
      Optional<String> issuer = Optional.empty();
      if (dir != null) {
        artifact = Optional.of(base.resolve(dir).resolve("artifact"));
        if (Files.exists(base.resolve(dir).resolve("identity"))) {
          identity = Optional.of(read(base.resolve(dir).resolve("identity")));
          issuer = Optional.of(read(base.resolve(dir).resolve("issuer")));
        }
      } else if (b.has("artifact")) {
        artifact = Optional.of(base.resolve(b.get("artifact").asText()));
      }
      for (Path p : new Path[] {bundle, trustedRoot, artifact.orElse(bundle)}) {
        if (!Files.isRegularFile(p)) {
          throw new AssertionError("missing test vector " + p);
        }
      }
      out.add(classify(name, bundle, trustedRoot, artifact, identity, issuer, b));
    }
    if (out.size() != 41) {
      throw new AssertionError("expected the 41 bundles of PROVENANCE.md, the manifest lists " + out.size());
    }
    return out;
  }

  private static Case classify(String name, Path bundle, Path trustedRoot, Optional<Path> artifact,
      Optional<String> identity, Optional<String> issuer, JsonNode b) {
    String expect = b.get("expect").asText();
    JsonNode check = b.get("collection_check");
    String kind = b.get("kind").asText();
    if (expect.startsWith("valid (tlog part)")) {
      return new Case(name, bundle, trustedRoot, artifact, identity, issuer, Outcome.FAIL, Stage.TIMESTAMP,
          "valid in its tlog part only: no SET, so no trusted time for the certificate");
    }
    if (expect.startsWith("valid")) {
      return new Case(name, bundle, trustedRoot, artifact, identity, issuer, Outcome.PASS, null, expect);
    }
    String why = b.get("tlog_check").asText();
    if (!check.path("log_index_nonneg").asBoolean(true)
        || b.path("upstream_readme").asText().contains("should cause a parsing or verification failure")) {
      // A negative index, or a checkpoint without any signature line (not a signed note at all):
      // refused when the bundle is read, as the README allows.
      return new Case(name, bundle, trustedRoot, artifact, identity, issuer, Outcome.FORMAT, null, why);
    }
    String[][] order = {
      {"body_matches_bundle", "ARTIFACT_SIGNATURE"}, {"log_known", "LOG"}, {"inclusion", "INCLUSION"},
      {"checkpoint_sig", "CHECKPOINT"}, {"checkpoint_matches_proof", "CHECKPOINT"}, {"set", "TIMESTAMP"}};
    for (String[] o : order) {
      if (check.has(o[0]) && !check.get(o[0]).isNull() && !check.get(o[0]).asBoolean()) {
        return new Case(name, bundle, trustedRoot, artifact, identity, issuer, Outcome.FAIL, Stage.valueOf(o[1]), why);
      }
    }
    if (name.equals("integrated-time-in-future_fail")) {
      return new Case(name, bundle, trustedRoot, artifact, identity, issuer, Outcome.FAIL, Stage.CERTIFICATE, why);
    }
    throw new AssertionError("the manifest names no failing check for invalid bundle " + name);
  }

  private static String read(Path p) {
    try {
      return new String(Files.readAllBytes(p), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
