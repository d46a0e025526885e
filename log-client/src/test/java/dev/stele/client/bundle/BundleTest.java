package dev.stele.client.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stele.client.TestCa;
import dev.stele.client.TestLog;
import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.crypto.Signer;
import dev.stele.client.crypto.Signers;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.Pem;
import dev.stele.client.protocol.ProtocolJson;
import dev.stele.client.protocol.Vectors;
import dev.stele.client.trust.TrustRoot;
import dev.stele.client.verify.Artifact;
import dev.stele.client.verify.IdentityPolicy;
import dev.stele.client.verify.Stage;
import dev.stele.client.verify.VerificationException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BundleTest {
  private static final long TIME = 1_790_000_000L;
  private static final byte[] ARTIFACT = "bundle me".getBytes(StandardCharsets.UTF_8);

  private final TestLog log = new TestLog("http://127.0.0.1:3000");
  private final KeyPair keys = TestLog.p256();
  private final Signer signer = signer(keys);

  private static Signer signer(KeyPair k) {
    try {
      return Signers.forKeyPair(k);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Bundle signed() throws Exception {
    log.append("first".getBytes(StandardCharsets.UTF_8), TIME - 5);
    LoggedEntry e = log.add(TestLog.hashedRekord(signer, ARTIFACT).body(), TIME);
    log.append("after".getBytes(StandardCharsets.UTF_8), TIME + 5);
    return Bundle.forMessageSignature("my-key", Artifact.sha256Of(ARTIFACT), signer.sign(ARTIFACT),
        List.of(Bundle.tlogEntry(e)));
  }

  private void verify(Bundle b, byte[] artifact, PublicKey key) throws VerificationException {
    new BundleVerifier(log.trustRoot()).verify(b, Optional.of(Artifact.sha256Of(artifact)), List.of(key),
        Optional.empty());
  }

  @Test
  void write_thenParse_keepsEverything_andVerifies() throws Exception {
    Bundle b = signed();
    String json = b.toJson();
    Bundle back = Bundle.parse(json.getBytes(StandardCharsets.UTF_8));
    assertEquals(Bundle.MEDIA_TYPE_V03, back.mediaType());
    assertEquals(Optional.of("my-key"), back.publicKeyHint());
    LoggedEntry written = b.tlogEntries().get(0).entry();
    LoggedEntry read = back.tlogEntries().get(0).entry();
    // The bundle format carries no tree ID: the entry ID read back is the bare UUID.
    assertEquals(written.id().uuid(), read.id().uuid());
    assertArrayEquals(written.body(), read.body());
    assertEquals(written.inclusion(), read.inclusion());
    assertArrayEquals(written.signedEntryTimestamp().orElseThrow(), read.signedEntryTimestamp().orElseThrow());
    assertEquals(written.logIndex(), read.logIndex());
    assertEquals(written.integratedTime(), read.integratedTime());
    assertEquals("hashedrekord", back.tlogEntries().get(0).kind());
    assertArrayEquals(b.messageSignature().orElseThrow().signature(), back.messageSignature().orElseThrow().signature());
    assertEquals(json, back.toJson());
    verify(back, ARTIFACT, signer.publicKey());
  }

  @Test
  void write_usesProtobufJsonEncodings() throws Exception {
    JsonNode json = ProtocolJson.mapper().readTree(signed().toJson());
    JsonNode entry = json.at("/verificationMaterial/tlogEntries/0");
    assertEquals("1", entry.get("logIndex").textValue());
    assertEquals(Long.toString(TIME), entry.get("integratedTime").textValue());
    assertEquals("2", entry.at("/inclusionProof/treeSize").textValue());
    assertEquals(log.logId().base64(), entry.at("/logId/keyId").textValue());
    assertTrue(entry.at("/inclusionProof/checkpoint/envelope").textValue().startsWith("127.0.0.1 - "));
    assertTrue(entry.at("/inclusionPromise/signedEntryTimestamp").isTextual());
    assertEquals("SHA2_256", json.at("/messageSignature/messageDigest/algorithm").textValue());
  }

  @Test
  void parse_acceptsNumbersSnakeCaseAndUrlSafeBase64() throws Exception {
    ObjectNode json = (ObjectNode) ProtocolJson.mapper().readTree(signed().toJson());
    ObjectNode entry = (ObjectNode) json.at("/verificationMaterial/tlogEntries/0");
    entry.put("logIndex", 1);
    entry.set("integrated_time", entry.remove("integratedTime"));
    String body = entry.get("canonicalizedBody").textValue();
    entry.put("canonicalizedBody", body.replace('+', '-').replace('/', '_').replace("=", ""));
    Bundle back = Bundle.parse(ProtocolJson.mapper().writeValueAsBytes(json));
    verify(back, ARTIFACT, signer.publicKey());
  }

  @Test
  void parse_zeroIndexLeftOut_readsZero() throws Exception {
    LoggedEntry e = log.add(TestLog.hashedRekord(signer, ARTIFACT).body(), TIME);
    Bundle b = Bundle.forMessageSignature("k", Artifact.sha256Of(ARTIFACT), signer.sign(ARTIFACT), List.of(Bundle.tlogEntry(e)));
    JsonNode json = ProtocolJson.mapper().readTree(b.toJson());
    assertTrue(json.at("/verificationMaterial/tlogEntries/0/logIndex").isMissingNode());
    assertEquals(0, Bundle.parse(b.toJson().getBytes(StandardCharsets.UTF_8)).tlogEntries().get(0).entry().logIndex());
    verify(b, ARTIFACT, signer.publicKey());
  }

  @Test
  void parse_malformed_throwsFormatNamingThePath() throws Exception {
    String ok = signed().toJson();
    String[][] cases = {
      {"\"logIndex\":\"1\"", "\"logIndex\":\"-1\"", "tlogEntries[0].logIndex must be non-negative"},
      {"\"logIndex\":\"1\"", "\"logIndex\":\"x1\"", "tlogEntries[0].logIndex must be a decimal integer"},
      {"\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"", "\"mediaType\":\"text/plain\"", "is not a supported Sigstore bundle"},
      {"\"publicKey\":{\"hint\":\"my-key\"}", "\"publicKey\":{\"hint\":\"my-key\"},\"certificate\":{\"rawBytes\":\"AA==\"}", "exactly one of publicKey"},
      {"\"keyId\":\"", "\"keyId\":\"AAAA", "logId.keyId must be 32 bytes"},
      {"\"kindVersion\":{\"kind\":\"hashedrekord\",\"version\":\"0.0.1\"}", "\"kindVersion\":{\"kind\":\"hashedrekord\"}", "kindVersion.version is missing"},
    };
    for (String[] c : cases) {
      assertTrue(ok.contains(c[0]), c[0]);
      FormatException e = assertThrows(FormatException.class,
          () -> Bundle.parse(ok.replaceFirst(java.util.regex.Pattern.quote(c[0]), java.util.regex.Matcher.quoteReplacement(c[1]))
              .getBytes(StandardCharsets.UTF_8)), c[1]);
      assertTrue(e.getMessage().contains(c[2]), e.getMessage());
    }
  }

  @Test
  void verify_otherArtifact_throwsArtifactSignature() throws Exception {
    VerificationException e = assertThrows(VerificationException.class,
        () -> verify(signed(), "other".getBytes(StandardCharsets.UTF_8), signer.publicKey()));
    assertEquals(Stage.ARTIFACT_SIGNATURE, e.stage());
    assertTrue(e.getMessage().contains("the bundle signs sha256:"), e.getMessage());
  }

  @Test
  void verify_signatureNotTheLoggedOne_throwsArtifactSignature() throws Exception {
    Bundle b = signed();
    // A second, equally valid signature over the artifact (the JDK signer uses a random nonce), but
    // not the one the log recorded.
    java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSA");
    s.initSign(keys.getPrivate());
    s.update(ARTIFACT);
    Bundle swapped = Bundle.forMessageSignature("my-key", Artifact.sha256Of(ARTIFACT), s.sign(), b.tlogEntries());
    VerificationException e = assertThrows(VerificationException.class, () -> verify(swapped, ARTIFACT, signer.publicKey()));
    assertEquals(Stage.ARTIFACT_SIGNATURE, e.stage());
    assertTrue(e.getMessage().contains("not the one the log recorded"), e.getMessage());
  }

  @Test
  void verify_declaredKindDiffersFromBody_throwsArtifactSignature() throws Exception {
    Bundle b = signed();
    Bundle.TlogEntry t = b.tlogEntries().get(0);
    Bundle wrong = Bundle.forMessageSignature("my-key", Artifact.sha256Of(ARTIFACT), b.messageSignature().get().signature(),
        List.of(new Bundle.TlogEntry(t.entry(), "dsse", "0.0.1")));
    assertEquals(Stage.ARTIFACT_SIGNATURE, assertThrows(VerificationException.class,
        () -> verify(wrong, ARTIFACT, signer.publicKey())).stage());
  }

  @Test
  void verify_v03WithoutProof_throwsInclusion_butV01PassesOnTheSet() throws Exception {
    Bundle b = signed();
    LoggedEntry noProof = TestLog.withInclusion(b.tlogEntries().get(0).entry(), Optional.empty());
    Bundle v3 = Bundle.forMessageSignature("my-key", Artifact.sha256Of(ARTIFACT), b.messageSignature().get().signature(),
        List.of(Bundle.tlogEntry(noProof)));
    assertEquals(Stage.INCLUSION, assertThrows(VerificationException.class,
        () -> verify(v3, ARTIFACT, signer.publicKey())).stage());
    String v1 = v3.toJson().replace(Bundle.MEDIA_TYPE_V03, Bundle.MEDIA_TYPE_V01);
    verify(Bundle.parse(v1.getBytes(StandardCharsets.UTF_8)), ARTIFACT, signer.publicKey());
  }

  @Test
  void verify_proofWithoutCheckpoint_throwsCheckpoint_orInclusionWhenTheProofIsWrong() throws Exception {
    String json = signed().toJson().replaceFirst(",\"checkpoint\":\\{\"envelope\":\"[^\"]*\"\\}", "");
    assertTrue(!json.contains("checkpoint"), json);
    Bundle noCheckpoint = Bundle.parse(json.getBytes(StandardCharsets.UTF_8));
    assertTrue(noCheckpoint.tlogEntries().get(0).proofWithoutCheckpoint().isPresent());
    assertEquals(json, noCheckpoint.toJson());
    VerificationException e = assertThrows(VerificationException.class, () -> verify(noCheckpoint, ARTIFACT, signer.publicKey()));
    assertEquals(Stage.CHECKPOINT, e.stage());
    String wrongRoot = json.replaceFirst("\"rootHash\":\"[^\"]*\"", "\"rootHash\":\"" + "A".repeat(43) + "=\"");
    VerificationException f = assertThrows(VerificationException.class,
        () -> verify(Bundle.parse(wrongRoot.getBytes(StandardCharsets.UTF_8)), ARTIFACT, signer.publicKey()));
    assertEquals(Stage.INCLUSION, f.stage());
  }

  @Test
  void verify_noEntries_throwsLog() throws Exception {
    Bundle b = Bundle.forMessageSignature("k", Artifact.sha256Of(ARTIFACT), signer.sign(ARTIFACT), List.of());
    assertEquals(Stage.LOG, assertThrows(VerificationException.class, () -> verify(b, ARTIFACT, signer.publicKey())).stage());
  }

  @Test
  void verify_withoutArtifactDigest_refuses() throws Exception {
    Bundle b = signed();
    assertThrows(IllegalArgumentException.class, () -> new BundleVerifier(log.trustRoot())
        .verify(b, Optional.empty(), List.of(signer.publicKey()), Optional.empty()));
  }

  @Test
  void verify_certificateBundleAgainstKeyEntry_throwsArtifactSignature() throws Exception {
    Bundle b = signed();
    TestCa ca = new TestCa("ca.test", Instant.ofEpochSecond(TIME - 86_400), Instant.ofEpochSecond(TIME + 86_400));
    String json = b.toJson().replace("\"publicKey\":{\"hint\":\"my-key\"}", "\"certificate\":{\"rawBytes\":\""
        + java.util.Base64.getEncoder().encodeToString(ca.leaf(keys, Instant.ofEpochSecond(TIME - 60)).getEncoded()) + "\"}");
    Bundle withCert = Bundle.parse(json.getBytes(StandardCharsets.UTF_8));
    TrustRoot trust = TrustRoot.of(log.trustRoot().logs(), List.of(ca.authority()));
    VerificationException e = assertThrows(VerificationException.class, () -> new BundleVerifier(trust)
        .verify(withCert, Optional.of(Artifact.sha256Of(ARTIFACT)), List.of(signer.publicKey()),
            Optional.of(IdentityPolicy.any())));
    assertEquals(Stage.ARTIFACT_SIGNATURE, e.stage());
    assertTrue(e.getMessage().contains("log recorded"), e.getMessage());
  }

  @Test
  void verify_realV01Bundle_thenWrittenAsV03_stillVerifies() throws Exception {
    // Reading a real bundle and writing it back keeps every byte the verifier needs.
    Bundle real = Bundle.parse(Vectors.bytes("rekor-public-good/bundles/conformance/happy-path-v0.1/bundle.sigstore.json"));
    Bundle again = Bundle.parse(real.toJson().getBytes(StandardCharsets.UTF_8));
    TrustRoot prod = TrustRoot.parse(Vectors.bytes("rekor-public-good/trust/trusted_root.production.json"));
    byte[] artifact = Vectors.bytes("rekor-public-good/bundles/conformance/happy-path-v0.1/artifact");
    new BundleVerifier(prod).verify(again, Optional.of(Artifact.digest(HashAlgorithm.SHA256, HashAlgorithm.SHA256.digest(artifact))),
        List.of(), Optional.of(IdentityPolicy.any()));
    assertEquals(1, again.certificates().size());
    assertTrue(Pem.encode("CERTIFICATE", again.certificates().get(0).getEncoded()).startsWith("-----BEGIN"));
  }
}
