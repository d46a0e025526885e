package dev.stele.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stele.client.External;
import dev.stele.client.cli.Cli;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rekor v2 on the real Stele log, judged by the unmodified Sigstore JavaScript clients (pinned by
 * {@code src/test/node/package-lock.json}): pointed at the {@code signing_config.json} that {@code
 * stele-server trust} writes, {@code @sigstore/sign} records through {@code /api/v2} and {@code
 * @sigstore/verify} verifies the bundle against the {@code trusted_root.json} it writes; the Stele
 * CLI does the same in both directions; Rekor v1 entries go on interleaving in the same tree.
 */
@External
class RekorV2IT {
  private static final Map<String, String> ENV = Map.of("STELE_KEY_PASSWORD", "rekor v2 key");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;

  private static SigstoreJs sigstoreJs;
  private static LogProcess log;
  private static Path signer;
  private static Path trust;

  @BeforeAll
  static void start() throws Exception {
    sigstoreJs = SigstoreJs.install();
    Path data = dir.resolve("log");
    log = LogProcess.start(data);
    trust = dir.resolve("trust");
    runServer("trust", "--out", trust.toString(), "--data-dir", data.toString(), "--public-url", log.url().toString());
    signer = dir.resolve("signer");
    Cli.Run keygen = Stele.inProcess(ENV, "keygen", "--output-key-prefix", signer.toString());
    assertEquals(Stele.OK, keygen.code(), keygen.toString());
  }

  @AfterAll
  static void stop() throws Exception {
    if (log != null) log.close();
  }

  @Test
  void theTrustFiles_describeTheLogForBothApis() throws Exception {
    JsonNode config = JSON.readTree(trust.resolve("signing_config.json").toFile());
    assertEquals("application/vnd.dev.sigstore.signingconfig.v0.2+json", config.get("mediaType").asText());
    List<String> logs = new ArrayList<>();
    config.get("rekorTlogUrls").forEach(t -> logs.add(t.get("majorApiVersion").asInt() + " " + t.get("url").asText()));
    assertEquals(List.of("2 " + log.url(), "1 " + log.url()), logs);
    JsonNode root = JSON.readTree(trust.resolve("trusted_root.json").toFile());
    assertEquals(log.url().toString(), root.get("tlogs").get(0).get("baseUrl").asText());
  }

  @Test
  void sigstoreJs_recordsAHashedRekordThroughV2_andVerifiesIt_andSoDoesTheSteleCli() throws Exception {
    Path artifact = write("js-v2.txt", "recorded by sigstore-js through Rekor v2");
    Path bundle = dir.resolve("js-v2.bundle.json");
    SigstoreJs.Result r = record("hashedrekord", artifact, bundle);
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.output().contains("RECORDED hashedrekord") && r.output().contains("api=2"), r.toString());
    JsonNode entry = JSON.readTree(bundle.toFile()).get("verificationMaterial").get("tlogEntries").get(0);
    assertEquals("0.0.2", entry.get("kindVersion").get("version").asText());
    assertTrue(!entry.has("inclusionPromise") || entry.get("inclusionPromise").isNull(), entry.toString());
    String note = entry.get("inclusionProof").get("checkpoint").get("envelope").asText();
    assertTrue(note.startsWith(log.url().getHost() + "\n"), "the v2 checkpoint's origin is the bare host: " + note);

    SigstoreJs.Result ok = jsVerify(bundle, artifact);
    assertEquals(0, ok.code(), "sigstore-js verifies the v2 bundle: " + ok);
    assertTrue(ok.output().contains("VERIFIED"), ok.toString());
    Cli.Run cli = verifyBlob(artifact, bundle);
    assertEquals(Stele.OK, cli.code(), "stele verify-blob verifies sigstore-js's v2 bundle: " + cli);

    SigstoreJs.Result other = jsVerify(bundle, write("js-v2.other", "something else"));
    assertEquals(1, other.code(), "sigstore-js rejects another artifact: " + other);
    Path badProof = tampered(bundle);
    assertEquals(1, jsVerify(badProof, artifact).code(), "sigstore-js rejects a tampered v2 proof");
    assertEquals(Stele.INCLUSION, verifyBlob(artifact, badProof).code(), "stele rejects a tampered v2 proof");
  }

  @Test
  void sigstoreJs_recordsADsseEnvelopeThroughV2_andVerifiesIt_andSoDoesTheSteleCli() throws Exception {
    // @sigstore/sign 4.1.1 (the newest that runs on Node 20) records a DSSE envelope through Rekor v2
    // as a dsseRequestV002 (witness/tlog/entry.js, toCreateEntryRequestDSSE), which Rekor v2 has
    // since dropped; the log takes it (docs/protocol.md 3.5) so that these clients can record
    // attestations, and @sigstore/verify 3.1.1 checks the dsse 0.0.2 entry it gets back.
    Path artifact = write("js-v2-dsse.txt", "a DSSE statement through Rekor v2");
    Path bundle = dir.resolve("js-v2-dsse.bundle.json");
    SigstoreJs.Result r = record("dsse", artifact, bundle);
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.output().contains("RECORDED dsse") && r.output().contains("api=2"), r.toString());
    JsonNode entry = JSON.readTree(bundle.toFile()).get("verificationMaterial").get("tlogEntries").get(0);
    assertEquals("dsse", entry.get("kindVersion").get("kind").asText(), entry.toString());
    assertEquals("0.0.2", entry.get("kindVersion").get("version").asText(), entry.toString());
    assertTrue(!entry.has("inclusionPromise") || entry.get("inclusionPromise").isNull(), entry.toString());

    SigstoreJs.Result ok = jsVerify(bundle, artifact);
    assertEquals(0, ok.code(), "sigstore-js verifies its v2 DSSE bundle: " + ok);
    assertTrue(ok.output().contains("VERIFIED"), ok.toString());
    Cli.Run cli = verifyBlob(artifact, bundle);
    assertEquals(Stele.OK, cli.code(), "stele verify-blob verifies sigstore-js's v2 DSSE bundle: " + cli);

    Path other = write("js-v2-dsse.other", "another subject");
    // (sigstore-js checks a DSSE bundle without the artifact: the statement's subject is the caller's.)
    assertEquals(Stele.ARTIFACT_SIGNATURE, verifyBlob(other, bundle).code(), "stele rejects another subject");
    Path badProof = tampered(bundle);
    assertEquals(1, jsVerify(badProof, artifact).code(), "sigstore-js rejects a tampered v2 proof");
    assertEquals(Stele.INCLUSION, verifyBlob(artifact, badProof).code(), "stele rejects a tampered v2 proof");
  }

  @Test
  void theSteleCli_recordsThroughV2FromTheSigningConfig_andSigstoreJsVerifies() throws Exception {
    Path artifact = write("cli-v2.tar", "a release recorded by the Stele CLI through Rekor v2");
    Path bundle = dir.resolve("cli-v2.bundle.json");
    Cli.Run signed = Stele.inProcess(ENV, "sign-blob", artifact.toString(), "--key", signer + ".key",
        "--bundle", bundle.toString(), "--signing-config", trust.resolve("signing_config.json").toString(),
        "--trusted-root", trust.resolve("trusted_root.json").toString());
    assertEquals(Stele.OK, signed.code(), signed.toString());
    assertTrue(signed.out().contains("verified: true"), signed.toString());
    JsonNode entry = JSON.readTree(bundle.toFile()).get("verificationMaterial").get("tlogEntries").get(0);
    assertEquals("0.0.2", entry.get("kindVersion").get("version").asText(), entry.toString());
    SigstoreJs.Result ok = jsVerify(bundle, artifact);
    assertEquals(0, ok.code(), "sigstore-js verifies the Stele CLI's v2 bundle: " + ok);
    assertEquals(Stele.OK, verifyBlob(artifact, bundle).code());

    // --rekor-api 1 on the same log and tree: a v1 entry with its SET, which sigstore-js verifies
    // with its SET as the signed time.
    Path v1Bundle = dir.resolve("cli-v1.bundle.json");
    Cli.Run v1 = Stele.inProcess(ENV, "sign-blob", artifact.toString(), "--key", signer + ".key",
        "--bundle", v1Bundle.toString(), "--signing-config", trust.resolve("signing_config.json").toString(),
        "--rekor-api", "1", "--trusted-root", trust.resolve("trusted_root.json").toString());
    assertEquals(Stele.OK, v1.code(), v1.toString());
    JsonNode v1Entry = JSON.readTree(v1Bundle.toFile()).get("verificationMaterial").get("tlogEntries").get(0);
    assertEquals("0.0.1", v1Entry.get("kindVersion").get("version").asText());
    SigstoreJs.Result v1ok = sigstoreJs.run(ENV, "verify", "--bundle", v1Bundle.toString(), "--artifact",
        artifact.toString(), "--key", signer + ".pub", "--trusted-root", trust.resolve("trusted_root.json").toString());
    assertEquals(0, v1ok.code(), "sigstore-js verifies the v1 bundle from the same tree: " + v1ok);
  }

  /**
   * sigstore-java 2.0.0's keyless flow needs Fulcio and an OIDC token, which do not run here; what
   * runs is its own Rekor layer: {@code Service.select} over the {@code SigstoreSigningConfig} it
   * parses from our signing_config.json, {@code RekorV2ClientHttp.putEntry} with a
   * hashedRekordRequestV002 (a key signer), and {@code RekorVerifier.verifyEntry} with the {@code
   * SigstoreTrustedRoot} it parses from our trusted_root.json; then the same for Rekor v1 with
   * {@code RekorClientHttp} on the same log.
   */
  @Test
  void sigstoreJava_recordsThroughV2FromTheSigningConfig_andItsRekorVerifierVerifies_v1Too() throws Exception {
    var config = dev.sigstore.trustroot.SigstoreSigningConfig.from(Files.newInputStream(trust.resolve("signing_config.json")));
    var tlog = dev.sigstore.trustroot.Service.select(config.getTLogs(), List.of(1, 2)).orElseThrow();
    assertEquals(2, tlog.getApiVersion(), "sigstore-java selects the v2 service");
    var root = dev.sigstore.trustroot.SigstoreTrustedRoot.from(Files.newInputStream(trust.resolve("trusted_root.json")));
    var verifier = dev.sigstore.rekor.client.RekorVerifier.newRekorVerifier(root);

    var gen = java.security.KeyPairGenerator.getInstance("EC");
    gen.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    var key = gen.generateKeyPair();
    byte[] artifact = "recorded by sigstore-java through Rekor v2".getBytes(StandardCharsets.UTF_8);
    byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(artifact);
    var sign = java.security.Signature.getInstance("SHA256withECDSA");
    sign.initSign(key.getPrivate());
    sign.update(artifact);
    byte[] signature = sign.sign();

    var request = dev.sigstore.proto.rekor.v2.HashedRekordRequestV002.newBuilder()
        .setDigest(com.google.protobuf.ByteString.copyFrom(digest))
        .setSignature(dev.sigstore.proto.rekor.v2.Signature.newBuilder()
            .setContent(com.google.protobuf.ByteString.copyFrom(signature))
            .setVerifier(dev.sigstore.proto.rekor.v2.Verifier.newBuilder()
                .setPublicKey(dev.sigstore.proto.rekor.v2.PublicKey.newBuilder()
                    .setRawBytes(com.google.protobuf.ByteString.copyFrom(key.getPublic().getEncoded())))
                .setKeyDetails(dev.sigstore.proto.common.v1.PublicKeyDetails.PKIX_ECDSA_P256_SHA_256)))
        .build();
    var v2 = dev.sigstore.rekor.v2.client.RekorV2ClientHttp.builder().setService(tlog).build().putEntry(request);
    assertEquals(0, v2.getIntegratedTime(), "no integrated time in a v2 answer");
    verifier.verifyEntry(v2);

    String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(key.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    var v1 = dev.sigstore.rekor.client.RekorClientHttp.builder()
        .setService(dev.sigstore.trustroot.Service.of(log.url(), 1)).build()
        .putEntry(dev.sigstore.rekor.client.HashedRekordRequest.newHashedRekordRequest(digest,
            pem.getBytes(StandardCharsets.US_ASCII), signature))
        .getEntry();
    verifier.verifyEntry(v1);
    assertEquals(v2.getLogIndex() + 1, v1.getLogIndex(), "one tree: the v1 entry follows the v2 one");
  }

  private static SigstoreJs.Result record(String kind, Path artifact, Path bundle) throws Exception {
    return sigstoreJs.run(ENV, "record", "--signing-config", trust.resolve("signing_config.json").toString(),
        "--key", signer + ".key", "--kind", kind, "--artifact", artifact.toString(), "--bundle", bundle.toString());
  }

  /** sigstore-js verifies a keyed v2 bundle: no SET and no TSA, so no timestamp is asked for. */
  private static SigstoreJs.Result jsVerify(Path bundle, Path artifact) throws Exception {
    return sigstoreJs.run(ENV, "verify", "--bundle", bundle.toString(), "--artifact", artifact.toString(),
        "--key", signer + ".pub", "--trusted-root", trust.resolve("trusted_root.json").toString(), "--timestamps", "0");
  }

  private static Cli.Run verifyBlob(Path artifact, Path bundle) {
    return Stele.inProcess(ENV, "verify-blob", artifact.toString(), "--bundle", bundle.toString(), "--key",
        signer + ".pub", "--trusted-root", trust.resolve("trusted_root.json").toString());
  }

  private static Path tampered(Path bundle) throws Exception {
    var json = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(bundle.toFile());
    var hashes = (com.fasterxml.jackson.databind.node.ArrayNode) json.get("verificationMaterial").get("tlogEntries")
        .get(0).get("inclusionProof").get("hashes");
    byte[] h = Base64.getDecoder().decode(hashes.get(0).asText());
    h[0] ^= 1;
    hashes.set(0, JSON.getNodeFactory().textNode(Base64.getEncoder().encodeToString(h)));
    Path out = dir.resolve("tampered-" + bundle.getFileName());
    Files.writeString(out, JSON.writeValueAsString(json));
    return out;
  }

  private static Path write(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  /** {@code stele-server ARGS} from this test's class path, as bin/stele-server runs it. */
  private static void runServer(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.stele.server.Main"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("stele-server " + String.join(" ", args) + " failed:\n" + out);
    }
  }
}
