package dev.stele.merkle.proof;

import static dev.stele.merkle.TestVectors.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.merkle.Hash;
import dev.stele.merkle.TestVectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * All 196 probes of {@code merkle-rfc6962/transparency-dev-probes}: each must verify when {@code
 * wantErr} is false and be rejected when it is true.
 *
 * <p>A probe whose root, leaf hash or proof element is not 32 bytes cannot be turned into {@link
 * Hash} values, so it is rejected where it is parsed, as network input would be. That decides one
 * probe differently from upstream, which does not look at the roots when the sizes are equal: {@code
 * sizes-are-equal-one-and-proof-is-empty} carries 12-byte "roots" and expects success; here it is
 * rejected, deliberately (see {@link ProofVerifier}).
 */
class TransparencyDevProbesTest {
  private static final Set<String> REJECTED_ON_PURPOSE =
      Set.of("consistency/additional/sizes-are-equal-one-and-proof-is-empty.json");

  @Test
  void everyProbeHasTheExpectedOutcome() throws IOException {
    Path root = TestVectors.path("merkle-rfc6962/transparency-dev-probes");
    List<Path> files;
    try (Stream<Path> s = Files.walk(root)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList());
    }
    List<String> failures = new ArrayList<>();
    int verified = 0;
    int rejected = 0;
    int wantOk = 0;
    int deviations = 0;
    for (Path file : files) {
      String name = root.relativize(file).toString().replace('\\', '/');
      JsonNode p = TestVectors.json(file);
      boolean wantErr = p.get("wantErr").asBoolean();
      if (!wantErr) {
        wantOk++;
      }
      String error = run(name.startsWith("inclusion/"), p);
      if (error == null) {
        verified++;
      } else {
        rejected++;
      }
      boolean expectErr = wantErr || REJECTED_ON_PURPOSE.contains(name);
      if (!wantErr && REJECTED_ON_PURPOSE.contains(name)) {
        deviations++;
      }
      if (expectErr && error == null) {
        failures.add(name + " (" + p.get("desc").asText() + "): verified, must be rejected");
      } else if (!expectErr && error != null) {
        failures.add(name + " (" + p.get("desc").asText() + "): rejected: " + error);
      }
    }
    report("merkle-rfc6962/transparency-dev-probes (" + verified + " verified, " + rejected
        + " rejected, of which " + deviations + " on purpose against upstream)", files.size());
    assertEquals(196, files.size(), "probe files under " + root);
    assertEquals(12, wantOk, "probes upstream expects to verify");
    assertEquals(1, deviations, "deliberate deviations");
    assertTrue(failures.isEmpty(), failures.size() + " probes:\n" + String.join("\n", failures));
  }

  /** Runs one probe; returns null if it verified, else why it was rejected. */
  private static String run(boolean inclusion, JsonNode p) {
    try {
      if (inclusion) {
        ProofVerifier.verifyInclusion(p.get("leafIdx").asLong(), p.get("treeSize").asLong(),
            hash(p, "leafHash"), proof(p), hash(p, "root"));
      } else {
        ProofVerifier.verifyConsistency(p.get("size1").asLong(), p.get("size2").asLong(),
            proof(p), hash(p, "root1"), hash(p, "root2"));
      }
      return null;
    } catch (MalformedHash e) {
      return "parse: " + e.getMessage();
    } catch (ProofException e) {
      return e.getMessage();
    }
  }

  private static List<Hash> proof(JsonNode p) throws MalformedHash {
    List<Hash> out = new ArrayList<>();
    JsonNode proof = p.get("proof");
    if (proof != null && !proof.isNull()) {
      for (JsonNode h : proof) {
        out.add(decode(h.asText()));
      }
    }
    return out;
  }

  private static Hash hash(JsonNode p, String field) throws MalformedHash {
    return decode(p.get(field).asText());
  }

  private static Hash decode(String b64) throws MalformedHash {
    byte[] b = Base64.getDecoder().decode(b64);
    if (b.length != Hash.SIZE) {
      throw new MalformedHash("hash of " + b.length + " bytes");
    }
    return Hash.of(b);
  }

  private static final class MalformedHash extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedHash(String message) {
      super(message);
    }
  }
}
