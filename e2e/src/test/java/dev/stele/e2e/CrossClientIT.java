package dev.stele.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stele.client.cli.Cli;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Stele CLI and the Sigstore JavaScript clients (the conformance harness's pinned
 * {@code @sigstore/sign} and {@code @sigstore/verify}) agree on what the real Stele log writes:
 * a bundle sigstore-js recorded verifies with {@code stele verify-blob}, and a bundle
 * {@code stele sign-blob} recorded verifies with sigstore-js; tampered copies fail in both.
 */
class CrossClientIT {
  private static final Map<String, String> ENV = Map.of("STELE_KEY_PASSWORD", "cross-client key");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;

  private static Harness harness;
  private static LogProcess log;
  private static Path logKey;

  @BeforeAll
  static void start() throws Exception {
    harness = Harness.install();
    log = LogProcess.start(dir.resolve("log"));
    logKey = log.writePublicKey(dir.resolve("log.pub"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (log != null) log.close();
  }

  @Test
  void aBundleSigstoreJsRecorded_verifiesWithTheSteleCli_andTamperedCopiesFail() throws Exception {
    Path out = dir.resolve("harness-out");
    Harness.Result run = harness.node("harness.mjs", log.url().toString(), "--out", out.toString());
    assertEquals(0, run.code(), "the harness (sigstore-js) records and verifies against the log: " + run);
    assertTrue(run.output().contains(", 0 failed,"), run.toString());

    Path artifact = out.resolve("hashedrekord.artifact");
    Path bundle = out.resolve("hashedrekord.bundle.json");
    Path signerKey = out.resolve("signer_key.pem");
    for (String trust : new String[] {"--log-key", "--trusted-root"}) {
      Path trustFile = trust.equals("--log-key") ? logKey : out.resolve("trusted_root.json");
      Cli.Run ok = Stele.inProcess(ENV, "verify-blob", artifact.toString(), "--bundle", bundle.toString(),
          "--key", signerKey.toString(), trust, trustFile.toString(), "--log-url", log.url().toString());
      assertEquals(Stele.OK, ok.code(), "hashedrekord bundle from sigstore-js, " + trust + ": " + ok);
    }
    Cli.Run dsse = Stele.inProcess(ENV, "verify-blob", "--bundle", out.resolve("dsse.bundle.json").toString(),
        "--key", signerKey.toString(), "--log-key", logKey.toString(), "--log-url", log.url().toString());
    assertEquals(Stele.OK, dsse.code(), "dsse bundle from sigstore-js: " + dsse);

    Path otherArtifact = dir.resolve("other.artifact");
    Files.writeString(otherArtifact, "not what sigstore-js signed");
    Cli.Run wrongArtifact = Stele.inProcess(ENV, "verify-blob", otherArtifact.toString(), "--bundle",
        bundle.toString(), "--key", signerKey.toString(), "--log-key", logKey.toString(), "--log-url", log.url().toString());
    assertEquals(Stele.ARTIFACT_SIGNATURE, wrongArtifact.code(), wrongArtifact.toString());

    Path badProof = tampered(bundle, "bad-proof.json", CrossClientIT::flipFirstProofHash);
    Cli.Run proof = Stele.inProcess(ENV, "verify-blob", artifact.toString(), "--bundle", badProof.toString(),
        "--key", signerKey.toString(), "--log-key", logKey.toString(), "--log-url", log.url().toString());
    assertEquals(Stele.INCLUSION, proof.code(), proof.toString());
  }

  @Test
  void aBundleTheSteleCliRecorded_verifiesWithSigstoreJs_andTamperedCopiesFail() throws Exception {
    Cli.Run keygen = Stele.inProcess(ENV, "keygen", "--output-key-prefix", dir.resolve("signer").toString());
    assertEquals(Stele.OK, keygen.code(), keygen.toString());
    Path artifact = dir.resolve("release.tar");
    Files.writeString(artifact, "a release, signed by the Stele CLI");
    // A first entry, so that the one under test has a proof with hashes in it.
    Path filler = dir.resolve("filler.txt");
    Files.writeString(filler, "filler");
    assertEquals(Stele.OK, signBlob(filler, dir.resolve("filler.bundle.json")).code());
    Path bundle = dir.resolve("release.tar.sigstore.json");
    Cli.Run signed = signBlob(artifact, bundle);
    assertEquals(Stele.OK, signed.code(), signed.toString());
    assertTrue(signed.out().contains("verified: true"), signed.toString());

    Harness.Result ok = sigstoreJs(bundle, artifact);
    assertEquals(0, ok.code(), "sigstore-js verifies the Stele bundle: " + ok);
    assertTrue(ok.output().contains("VERIFIED"), ok.toString());

    Path other = dir.resolve("other.tar");
    Files.writeString(other, "another release");
    Harness.Result wrongArtifact = sigstoreJs(bundle, other);
    assertEquals(1, wrongArtifact.code(), "sigstore-js rejects another artifact: " + wrongArtifact);

    Path badProof = tampered(bundle, "bad-proof.sigstore.json", CrossClientIT::flipFirstProofHash);
    Harness.Result proof = sigstoreJs(badProof, artifact);
    assertEquals(1, proof.code(), "sigstore-js rejects a tampered proof: " + proof);
    assertTrue(proof.output().contains("REJECTED"), proof.toString());
  }

  private static Cli.Run signBlob(Path file, Path bundle) {
    return Stele.inProcess(ENV, "sign-blob", file.toString(), "--key", dir.resolve("signer.key").toString(),
        "--bundle", bundle.toString(), "--log-url", log.url().toString(), "--log-key", logKey.toString());
  }

  private static Harness.Result sigstoreJs(Path bundle, Path artifact) throws Exception {
    return harness.node(Harness.script("verify-with-sigstore-js.mjs").toString(), harness.dir().toString(),
        log.url().toString(), logKey.toString(), dir.resolve("signer.pub").toString(), bundle.toString(),
        artifact.toString());
  }

  private static void flipFirstProofHash(ObjectNode bundle) {
    ObjectNode proof = (ObjectNode) bundle.get("verificationMaterial").get("tlogEntries").get(0).get("inclusionProof");
    ArrayNode hashes = (ArrayNode) proof.get("hashes");
    byte[] h = java.util.Base64.getDecoder().decode(hashes.get(0).asText());
    h[0] ^= 1;
    hashes.set(0, JSON.getNodeFactory().textNode(java.util.Base64.getEncoder().encodeToString(h)));
  }

  private static Path tampered(Path bundle, String name, Consumer<ObjectNode> change) throws Exception {
    ObjectNode json = (ObjectNode) JSON.readTree(Files.readString(bundle, StandardCharsets.UTF_8));
    change.accept(json);
    Path out = dir.resolve(name);
    Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
    return out;
  }
}
