package dev.stele.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stele.client.External;
import dev.stele.client.TestWitnesses;
import dev.stele.client.cli.Cli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Stele CLI and the Sigstore JavaScript clients ({@code @sigstore/sign} and
 * {@code @sigstore/verify}, pinned by {@code src/test/node/package-lock.json}) agree on what the
 * real Stele log writes: bundles sigstore-js recorded (hashedrekord and dsse) verify with
 * {@code stele verify-blob}, and a bundle {@code stele sign-blob} recorded verifies with
 * sigstore-js; tampered copies fail in both. Both sides sign with the same key file, written by
 * {@code stele keygen}.
 */
@External
class CrossClientIT {
  private static final Map<String, String> ENV = Map.of("STELE_KEY_PASSWORD", "cross-client key");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;

  private static SigstoreJs sigstoreJs;
  static LogProcess log;
  private static Path logKey;
  private static Path signer;

  /** Starts the log under test in its data directory. */
  interface LogStarter {
    LogProcess start(Path dataDir, String... args) throws Exception;
  }

  /**
   * The checks' fixtures, on a log on the embedded store, or for {@link CrossClientOnPostgresIT}
   * on the distributed driver. (One method: JUnit also runs a superclass's static {@code
   * BeforeAll} that a subclass hides.)
   */
  @BeforeAll
  static void start(TestInfo test) throws Exception {
    boolean postgres = CrossClientOnPostgresIT.class.isAssignableFrom(test.getTestClass().orElseThrow());
    startWith(postgres ? LogProcess::startOnPostgres : LogProcess::start);
  }

  private static void startWith(LogStarter starter) throws Exception {
    sigstoreJs = SigstoreJs.install();
    // Every checkpoint in the log's answers carries two signature lines, the log's ECDSA and Ed25519
    // ones: the clients must pick the line of the key they trust.
    log = starter.start(dir.resolve("log"), "--v1-signature-lines", "all");
    logKey = log.writePublicKey(dir.resolve("log.pub"));
    signer = dir.resolve("signer");
    Cli.Run keygen = Stele.inProcess(ENV, "keygen", "--output-key-prefix", signer.toString());
    assertEquals(Stele.OK, keygen.code(), keygen.toString());
    // A first entry, so that every entry under test has a proof with hashes in it to tamper with.
    Path filler = write("filler.txt", "filler");
    SigstoreJs.Result first = record("hashedrekord", filler, dir.resolve("filler.bundle.json"));
    assertEquals(0, first.code(), first.toString());
  }

  @AfterAll
  static void stop() throws Exception {
    if (log != null) log.close();
  }

  @Test
  void bundlesSigstoreJsRecorded_verifyWithTheSteleCli_andTamperedCopiesFail() throws Exception {
    Path artifact = write("js.artifact", "recorded by sigstore-js");
    Path other = write("js.other", "not what sigstore-js signed");
    Path hashedrekord = dir.resolve("js-hashedrekord.bundle.json");
    Path dsse = dir.resolve("js-dsse.bundle.json");
    for (Object[] kind : new Object[][] {{"hashedrekord", hashedrekord}, {"dsse", dsse}}) {
      SigstoreJs.Result r = record((String) kind[0], artifact, (Path) kind[1]);
      assertEquals(0, r.code(), "sigstore-js records a " + kind[0] + " entry in the Stele log: " + r);
      assertTrue(r.output().contains("RECORDED " + kind[0]), r.toString());
    }
    // A trusted root written by sigstore-js's side, for the CLI's --trusted-root.
    Path trustedRoot = dir.resolve("js-trusted_root.json");
    SigstoreJs.Result root = sigstoreJs.run(ENV, "trusted-root", "--url", log.url().toString(),
        "--log-key", logKey.toString(), "--out", trustedRoot.toString());
    assertEquals(0, root.code(), root.toString());

    for (Path bundle : List.of(hashedrekord, dsse)) {
      for (String trust : List.of("--log-key", "--trusted-root")) {
        Path trustFile = trust.equals("--log-key") ? logKey : trustedRoot;
        Cli.Run ok = verifyBlob(artifact, bundle, trust, trustFile);
        assertEquals(Stele.OK, ok.code(), bundle.getFileName() + " from sigstore-js, " + trust + ": " + ok);
      }
      Cli.Run wrongArtifact = verifyBlob(other, bundle, "--log-key", logKey);
      assertEquals(Stele.ARTIFACT_SIGNATURE, wrongArtifact.code(), bundle.getFileName() + ": " + wrongArtifact);
      Cli.Run badProof = verifyBlob(artifact, tampered(bundle, CrossClientIT::flipFirstProofHash), "--log-key", logKey);
      assertEquals(Stele.INCLUSION, badProof.code(), bundle.getFileName() + ": " + badProof);
      Cli.Run badSet = verifyBlob(artifact, tampered(bundle, CrossClientIT::corruptSet), "--log-key", logKey);
      assertEquals(Stele.TIMESTAMP, badSet.code(), bundle.getFileName() + ": " + badSet);
    }
    // The DSSE bundle also verifies without the artifact (the envelope is what was signed).
    Cli.Run dsseAlone = Stele.inProcess(ENV, "verify-blob", "--bundle", dsse.toString(), "--key", signer + ".pub",
        "--log-key", logKey.toString(), "--log-url", log.url().toString());
    assertEquals(Stele.OK, dsseAlone.code(), dsseAlone.toString());
  }

  @Test
  void aBundleTheSteleCliRecorded_verifiesWithSigstoreJs_andTamperedCopiesFail() throws Exception {
    Path artifact = write("release.tar", "a release, signed by the Stele CLI");
    Path bundle = dir.resolve("release.tar.sigstore.json");
    Cli.Run signed = Stele.inProcess(ENV, "sign-blob", artifact.toString(), "--key", signer + ".key",
        "--bundle", bundle.toString(), "--log-url", log.url().toString(), "--log-key", logKey.toString());
    assertEquals(Stele.OK, signed.code(), signed.toString());
    assertTrue(signed.out().contains("verified: true"), signed.toString());

    Path trustedRoot = dir.resolve("cli-trusted_root.json");
    assertEquals(0, sigstoreJs.run(ENV, "trusted-root", "--url", log.url().toString(), "--log-key",
        logKey.toString(), "--out", trustedRoot.toString()).code());
    for (List<String> trust : List.of(List.of("--log-key", logKey.toString(), "--url", log.url().toString()),
        List.of("--trusted-root", trustedRoot.toString()))) {
      SigstoreJs.Result ok = jsVerify(bundle, artifact, trust);
      assertEquals(0, ok.code(), "sigstore-js verifies the Stele bundle with " + trust.get(0) + ": " + ok);
      assertTrue(ok.output().contains("VERIFIED"), ok.toString());
    }
    List<String> byLogKey = List.of("--log-key", logKey.toString(), "--url", log.url().toString());

    SigstoreJs.Result wrongArtifact = jsVerify(bundle, write("other.tar", "another release"), byLogKey);
    assertEquals(1, wrongArtifact.code(), "sigstore-js rejects another artifact: " + wrongArtifact);
    assertTrue(wrongArtifact.output().contains("REJECTED"), wrongArtifact.toString());

    SigstoreJs.Result proof = jsVerify(tampered(bundle, CrossClientIT::flipFirstProofHash), artifact, byLogKey);
    assertEquals(1, proof.code(), "sigstore-js rejects a tampered proof: " + proof);
    assertTrue(proof.output().contains("REJECTED TLOG_INCLUSION_PROOF_ERROR"), proof.toString());

    SigstoreJs.Result set = jsVerify(tampered(bundle, CrossClientIT::corruptSet), artifact, byLogKey);
    assertEquals(1, set.code(), "sigstore-js rejects a corrupted SET: " + set);
    assertTrue(set.output().contains("REJECTED TLOG_INCLUSION_PROMISE_ERROR"), set.toString());
  }

  /**
   * Checkpoints with more signature lines than the log's (its Ed25519 line, and witness
   * cosignatures, c2sp.org/tlog-cosignature) are what a log with witnesses answers: sigstore-js
   * ignores the lines of keys it does not know, and the Stele CLI checks the cosignatures against
   * a witness policy when given one.
   */
  @Test
  void cosignedCheckpoints_verifyWithSigstoreJs_andWithTheSteleCliUnderAWitnessPolicy() throws Exception {
    Path artifact = write("witnessed.tar", "a release, cosigned by witnesses");
    Path bundle = dir.resolve("witnessed.sigstore.json");
    Cli.Run signed = Stele.inProcess(ENV, "sign-blob", artifact.toString(), "--key", signer + ".key",
        "--bundle", bundle.toString(), "--log-url", log.url().toString(), "--log-key", logKey.toString());
    assertEquals(Stele.OK, signed.code(), signed.toString());
    String envelope = tlogEntry((ObjectNode) JSON.readTree(Files.readString(bundle, StandardCharsets.UTF_8)))
        .get("inclusionProof").get("checkpoint").get("envelope").asText();
    assertEquals(2, envelope.split("\u2014 ", -1).length - 1, "the log's two lines: " + envelope);

    List<TestWitnesses.Witness> witnesses = TestWitnesses.create("witness.example/w", 3);
    Path cosigned = tampered(bundle, b -> ((ObjectNode) tlogEntry(b).get("inclusionProof").get("checkpoint"))
        .put("envelope", TestWitnesses.cosign(envelope, witnesses)));
    Path oneCosignature = tampered(bundle, b -> ((ObjectNode) tlogEntry(b).get("inclusionProof").get("checkpoint"))
        .put("envelope", TestWitnesses.cosign(envelope, witnesses.subList(0, 1))));

    List<String> byLogKey = List.of("--log-key", logKey.toString(), "--url", log.url().toString());
    for (Path b : List.of(bundle, cosigned, oneCosignature)) {
      SigstoreJs.Result js = jsVerify(b, artifact, byLogKey);
      assertEquals(0, js.code(), "sigstore-js verifies " + b.getFileName() + ": " + js);
      assertTrue(js.output().contains("VERIFIED"), js.toString());
    }

    Path policy = write("witnesses.policy", TestWitnesses.policy(witnesses, 2, null));
    Cli.Run ok = Stele.inProcess(ENV, "verify-blob", artifact.toString(), "--bundle", cosigned.toString(), "--key",
        signer + ".pub", "--log-key", logKey.toString(), "--log-url", log.url().toString(),
        "--witness-policy", policy.toString());
    assertEquals(Stele.OK, ok.code(), ok.toString());
    Cli.Run refused = Stele.inProcess(ENV, "verify-blob", artifact.toString(), "--bundle", oneCosignature.toString(),
        "--key", signer + ".pub", "--log-key", logKey.toString(), "--log-url", log.url().toString(),
        "--witness-policy", policy.toString());
    assertEquals(20, refused.code(), refused.toString());
  }

  private static SigstoreJs.Result record(String kind, Path artifact, Path bundle) throws Exception {
    return sigstoreJs.run(ENV, "record", "--url", log.url().toString(), "--key", signer + ".key", "--kind", kind,
        "--artifact", artifact.toString(), "--bundle", bundle.toString());
  }

  private static SigstoreJs.Result jsVerify(Path bundle, Path artifact, List<String> trust) throws Exception {
    List<String> args = new ArrayList<>(List.of("verify", "--bundle", bundle.toString(), "--artifact",
        artifact.toString(), "--key", signer + ".pub"));
    args.addAll(trust);
    return sigstoreJs.run(ENV, args.toArray(String[]::new));
  }

  private static Cli.Run verifyBlob(Path artifact, Path bundle, String trust, Path trustFile) {
    return Stele.inProcess(ENV, "verify-blob", artifact.toString(), "--bundle", bundle.toString(), "--key",
        signer + ".pub", trust, trustFile.toString(), "--log-url", log.url().toString());
  }

  private static Path write(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  private static ObjectNode tlogEntry(ObjectNode bundle) {
    return (ObjectNode) bundle.get("verificationMaterial").get("tlogEntries").get(0);
  }

  private static void flipFirstProofHash(ObjectNode bundle) {
    ArrayNode hashes = (ArrayNode) tlogEntry(bundle).get("inclusionProof").get("hashes");
    hashes.set(0, JSON.getNodeFactory().textNode(flipFirstBit(hashes.get(0).asText())));
  }

  private static void corruptSet(ObjectNode bundle) {
    ObjectNode promise = (ObjectNode) tlogEntry(bundle).get("inclusionPromise");
    // The last byte of the DER signature: still a well-formed signature, no longer a valid one.
    byte[] set = Base64.getDecoder().decode(promise.get("signedEntryTimestamp").asText());
    set[set.length - 1] ^= 1;
    promise.put("signedEntryTimestamp", Base64.getEncoder().encodeToString(set));
  }

  private static String flipFirstBit(String base64) {
    byte[] b = Base64.getDecoder().decode(base64);
    b[0] ^= 1;
    return Base64.getEncoder().encodeToString(b);
  }

  private static Path tampered(Path bundle, Consumer<ObjectNode> change) throws Exception {
    ObjectNode json = (ObjectNode) JSON.readTree(Files.readString(bundle, StandardCharsets.UTF_8));
    change.accept(json);
    Path out = dir.resolve("tampered-" + System.nanoTime() + "-" + bundle.getFileName());
    Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
    return out;
  }
}
