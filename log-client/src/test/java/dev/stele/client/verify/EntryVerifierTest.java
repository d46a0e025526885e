package dev.stele.client.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.TestCa;
import dev.stele.client.TestLog;
import dev.stele.client.TrustedLog;
import dev.stele.client.ValidityPeriod;
import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.crypto.Signer;
import dev.stele.client.crypto.Signers;
import dev.stele.client.protocol.CanonicalEntry;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.EntryKinds;
import dev.stele.client.protocol.HashedRekordBody;
import dev.stele.client.protocol.Inclusion;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.KeyMaterial;
import dev.stele.client.protocol.Pem;
import dev.stele.client.protocol.SetPayload;
import dev.stele.client.trust.TrustRoot;
import dev.stele.merkle.Hash;
import dev.stele.merkle.proof.ConsistencyProof;
import dev.stele.merkle.proof.InclusionProof;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One test per failure mode, each asserting the exact stage; a real log, real keys, real CA. */
class EntryVerifierTest {
  private static final long TIME = 1_790_000_000L;
  private static final byte[] ARTIFACT = "hello, transparency".getBytes(StandardCharsets.UTF_8);

  private final TestLog log = new TestLog("https://log.test:8443");
  private final KeyPair signerKeys = TestLog.p256();
  private final Signer signer = signer(signerKeys);
  private final EntryVerifier verifier = new EntryVerifier(log.trustRoot());

  private static Signer signer(KeyPair k) {
    try {
      return Signers.forKeyPair(k);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Five filler entries, the artifact's entry at index 5, three more; proof at size 9. */
  private LoggedEntry entry() {
    return entry(TestLog.hashedRekord(signer, ARTIFACT).body());
  }

  private LoggedEntry entry(byte[] body) {
    for (int i = 0; i < 5; i++) {
      log.append(("filler " + i + " " + log.size()).getBytes(StandardCharsets.UTF_8), TIME - 100 + i);
    }
    long index = log.append(body, TIME);
    for (int i = 0; i < 3; i++) {
      log.append(("later " + i).getBytes(StandardCharsets.UTF_8), TIME + i);
    }
    return log.entry(index, log.size());
  }

  private Expected expected() {
    return Expected.builder(Artifact.sha256Of(ARTIFACT)).trustedKey(signer.publicKey()).build();
  }

  private VerificationException fails(LoggedEntry e, Expected x) {
    return assertThrows(VerificationException.class, () -> verifier.verify(e, x));
  }

  private static Inclusion inclusion(LoggedEntry e) {
    return e.inclusion().orElseThrow();
  }

  // ---- happy paths ----

  @Test
  void verify_validEntry_returnsWhatWasChecked() throws Exception {
    LoggedEntry e = entry();
    VerifiedEntry v = verifier.verify(e, expected());
    assertEquals("hashedrekord 0.0.1", v.kind());
    assertEquals(9, v.checkpoint().orElseThrow().size());
    assertEquals(Instant.ofEpochSecond(TIME), v.signedTime().orElseThrow());
    assertEquals(log.logId(), v.log().logId());
  }

  @Test
  void verify_ed25519Signer_passes() throws Exception {
    KeyPair ed = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Signer edSigner = signer(ed);
    // hashedrekord with Ed25519 is Ed25519ph over a SHA-512 digest.
    byte[] digest = HashAlgorithm.SHA512.digest(ARTIFACT);
    org.bouncycastle.crypto.signers.Ed25519phSigner ph = new org.bouncycastle.crypto.signers.Ed25519phSigner(new byte[0]);
    ph.init(true, org.bouncycastle.crypto.util.PrivateKeyFactory.createKey(ed.getPrivate().getEncoded()));
    ph.update(ARTIFACT, 0, ARTIFACT.length);
    byte[] sig = ph.generateSignature();
    byte[] body = EntryKinds.canonicalBody(new HashedRekordBody(HashAlgorithm.SHA512,
        java.util.HexFormat.of().formatHex(digest), sig,
        KeyMaterial.parse(Pem.encode("PUBLIC KEY", edSigner.publicKey().getEncoded()).getBytes(StandardCharsets.US_ASCII))));
    LoggedEntry e = entry(body);
    verifier.verify(e, Expected.builder(Artifact.digest(HashAlgorithm.SHA512, digest))
        .trustedKey(edSigner.publicKey()).build());
  }

  // ---- ARTIFACT_SIGNATURE ----

  @Test
  void verify_otherArtifact_throwsArtifactSignature() {
    LoggedEntry e = entry();
    Expected other = Expected.builder(Artifact.sha256Of("another artifact".getBytes(StandardCharsets.UTF_8)))
        .trustedKey(signer.publicKey()).build();
    VerificationException x = fails(e, other);
    assertEquals(Stage.ARTIFACT_SIGNATURE, x.stage());
    assertTrue(x.getMessage().contains("not the artifact sha256:"), x.getMessage());
  }

  @Test
  void verify_untrustedKey_throwsArtifactSignature() {
    LoggedEntry e = entry();
    Expected x = Expected.builder(Artifact.sha256Of(ARTIFACT)).trustedKey(TestLog.p256().getPublic()).build();
    VerificationException ex = fails(e, x);
    assertEquals(Stage.ARTIFACT_SIGNATURE, ex.stage());
    assertTrue(ex.getMessage().contains("not a trusted key"), ex.getMessage());
  }

  @Test
  void verify_signatureOverOtherData_throwsArtifactSignature() throws Exception {
    // A body the log would never accept, built without validation: the signature is over other data.
    byte[] wrongSig = signer.sign("something else".getBytes(StandardCharsets.UTF_8));
    byte[] body = EntryKinds.canonicalBody(new HashedRekordBody(HashAlgorithm.SHA256,
        java.util.HexFormat.of().formatHex(HashAlgorithm.SHA256.digest(ARTIFACT)), wrongSig,
        KeyMaterial.parse(Pem.encode("PUBLIC KEY", signer.publicKey().getEncoded()).getBytes(StandardCharsets.US_ASCII))));
    VerificationException x = fails(entry(body), expected());
    assertEquals(Stage.ARTIFACT_SIGNATURE, x.stage());
    assertTrue(x.getMessage().contains("does not verify"), x.getMessage());
  }

  @Test
  void verify_bodyNotCanonical_throwsArtifactSignature() {
    byte[] body = TestLog.hashedRekord(signer, ARTIFACT).body();
    byte[] spaced = (new String(body, StandardCharsets.UTF_8) + " ").getBytes(StandardCharsets.UTF_8);
    VerificationException x = fails(entry(spaced), expected());
    assertEquals(Stage.ARTIFACT_SIGNATURE, x.stage());
    assertTrue(x.getMessage().contains("canonical"), x.getMessage());
  }

  @Test
  void verify_hashedRekordForDsseArtifact_throwsArtifactSignature() {
    LoggedEntry e = entry();
    DsseEnvelope env = new DsseEnvelope("text/plain", ARTIFACT, List.of(new DsseEnvelope.Signature("", new byte[8])));
    VerificationException x = fails(e, Expected.builder(Artifact.dsse(env)).trustedKey(signer.publicKey()).build());
    assertEquals(Stage.ARTIFACT_SIGNATURE, x.stage());
  }

  // ---- LOG ----

  @Test
  void verify_unknownLog_throwsLog() throws Exception {
    LoggedEntry e = entry();
    EntryVerifier other = new EntryVerifier(new TestLog("https://log.test").trustRoot());
    VerificationException x = assertThrows(VerificationException.class, () -> other.verify(e, expected()));
    assertEquals(Stage.LOG, x.stage());
    assertTrue(x.getMessage().contains(log.logId().hex()), x.getMessage());
  }

  @Test
  void verify_logKeyExpiredBeforeIntegratedTime_throwsLog() throws Exception {
    LoggedEntry e = entry();
    TrustedLog expired = TrustedLog.rekorV1(log.baseUrl(), log.publicKey(),
        new ValidityPeriod(Instant.ofEpochSecond(0), Optional.of(Instant.ofEpochSecond(TIME - 1))));
    EntryVerifier v = new EntryVerifier(TrustRoot.of(List.of(expired), List.of()));
    VerificationException x = assertThrows(VerificationException.class, () -> v.verify(e, expected()));
    assertEquals(Stage.LOG, x.stage());
    assertTrue(x.getMessage().contains("not at the entry's integrated time"), x.getMessage());
  }

  @Test
  void verify_logKeyValidUntilExactlyIntegratedTime_passes() throws Exception {
    LoggedEntry e = entry();
    TrustedLog closing = TrustedLog.rekorV1(log.baseUrl(), log.publicKey(),
        new ValidityPeriod(Instant.ofEpochSecond(TIME), Optional.of(Instant.ofEpochSecond(TIME))));
    new EntryVerifier(TrustRoot.of(List.of(closing), List.of())).verify(e, expected());
  }

  // ---- INCLUSION ----

  @Test
  void verify_tamperedProof_throwsInclusion() {
    LoggedEntry e = entry();
    Inclusion inc = inclusion(e);
    List<Hash> hashes = new ArrayList<>(inc.proof().hashes());
    byte[] h = hashes.get(1).bytes();
    h[7] ^= 0x10;
    hashes.set(1, Hash.of(h));
    LoggedEntry tampered = TestLog.withInclusion(e, new Inclusion(
        new InclusionProof(inc.proof().leafIndex(), inc.proof().treeSize(), hashes), inc.rootHash(), inc.checkpoint()));
    VerificationException x = fails(tampered, expected());
    assertEquals(Stage.INCLUSION, x.stage());
    assertTrue(x.getMessage().contains("at index 5 in tree of size 9"), x.getMessage());
  }

  @Test
  void verify_proofOneHashShort_throwsInclusion() {
    LoggedEntry e = entry();
    Inclusion inc = inclusion(e);
    List<Hash> hashes = inc.proof().hashes().subList(0, inc.proof().hashes().size() - 1);
    LoggedEntry tampered = TestLog.withInclusion(e, new Inclusion(
        new InclusionProof(5, 9, hashes), inc.rootHash(), inc.checkpoint()));
    VerificationException x = fails(tampered, expected());
    assertEquals(Stage.INCLUSION, x.stage());
    assertTrue(x.getMessage().contains("has 3 hashes, want 4"), x.getMessage());
  }

  @Test
  void verify_proofIndexBeyondTreeSize_throwsInclusion() {
    LoggedEntry e = entry();
    Inclusion inc = inclusion(e);
    LoggedEntry tampered = TestLog.withInclusion(e, new Inclusion(
        new InclusionProof(9, 9, inc.proof().hashes()), inc.rootHash(), inc.checkpoint()));
    assertEquals(Stage.INCLUSION, fails(tampered, expected()).stage());
  }

  @Test
  void verify_proofForOtherLeaf_throwsInclusion() {
    LoggedEntry e = entry();
    LoggedEntry neighbour = log.entry(4, 9);
    LoggedEntry tampered = TestLog.withInclusion(e, inclusion(neighbour));
    assertEquals(Stage.INCLUSION, fails(tampered, expected()).stage());
  }

  @Test
  void verify_missingProof_throwsInclusion() {
    LoggedEntry e = TestLog.withInclusion(entry(), Optional.empty());
    VerificationException x = fails(e, expected());
    assertEquals(Stage.INCLUSION, x.stage());
    assertTrue(x.getMessage().contains("no inclusion proof"), x.getMessage());
  }

  @Test
  void verify_missingProofWhenOptional_passesOnTheSet() throws Exception {
    LoggedEntry e = TestLog.withInclusion(entry(), Optional.empty());
    VerifiedEntry v = verifier.verify(e, expected().toBuilder().inclusionProofOptional().build());
    assertTrue(v.checkpoint().isEmpty());
  }

  @Test
  void verify_tamperedProofWhenOptional_stillThrowsInclusion() {
    LoggedEntry e = entry();
    Inclusion inc = inclusion(e);
    LoggedEntry tampered = TestLog.withInclusion(e, new Inclusion(inc.proof(), Hash.of(new byte[32]), inc.checkpoint()));
    assertEquals(Stage.INCLUSION, fails(tampered, expected().toBuilder().inclusionProofOptional().build()).stage());
  }

  // ---- CHECKPOINT ----

  @Test
  void verify_checkpointSignatureTampered_throwsCheckpoint() {
    LoggedEntry e = entry();
    Inclusion inc = inclusion(e);
    String note = inc.checkpoint().format();
    int sigStart = note.lastIndexOf(' ') + 1;
    char[] chars = note.toCharArray();
    chars[sigStart + 12] = chars[sigStart + 12] == 'A' ? 'B' : 'A';
    LoggedEntry tampered = TestLog.withInclusion(e, new Inclusion(inc.proof(), inc.rootHash(), TestLog.note(new String(chars))));
    VerificationException x = fails(tampered, expected());
    assertEquals(Stage.CHECKPOINT, x.stage());
  }

  @Test
  void verify_checkpointByAnotherKey_throwsCheckpoint() {
    LoggedEntry e = entry();
    Inclusion inc = inclusion(e);
    TestLog impostor = new TestLog("https://log.test:8443");
    String forged = impostor.sign(log.checkpointAt(9));
    LoggedEntry tampered = TestLog.withInclusion(e, new Inclusion(inc.proof(), inc.rootHash(), TestLog.note(forged)));
    VerificationException x = fails(tampered, expected());
    assertEquals(Stage.CHECKPOINT, x.stage());
    assertTrue(x.getMessage().contains("no verifiable signatures"), x.getMessage());
  }

  @Test
  void verify_checkpointSignedUnderOtherName_throwsCheckpoint() throws Exception {
    LoggedEntry e = entry();
    Inclusion inc = inclusion(e);
    TestLog sameKeyOtherHost = new TestLog(URI.create("https://elsewhere.test"), keyPairOf(log), log.treeId());
    assertEquals(Stage.CHECKPOINT, fails(TestLog.withInclusion(e, new Inclusion(inc.proof(), inc.rootHash(),
        TestLog.note(sameKeyOtherHost.sign(log.checkpointAt(9))))), expected()).stage());
  }

  @Test
  void verify_checkpointOfOtherOrigin_throwsCheckpoint() {
    LoggedEntry e = entry();
    Inclusion inc = inclusion(e);
    Checkpoint cp = log.checkpointAt(9);
    String note = log.sign(new Checkpoint("other.test - 1", cp.size(), cp.root()));
    VerificationException x = fails(TestLog.withInclusion(e, new Inclusion(inc.proof(), inc.rootHash(), TestLog.note(note))), expected());
    assertEquals(Stage.CHECKPOINT, x.stage());
    assertTrue(x.getMessage().contains("origin 'other.test - 1'"), x.getMessage());
  }

  @Test
  void verify_checkpointOneSizeAhead_throwsCheckpoint() {
    LoggedEntry e = entry();
    log.append("one more".getBytes(StandardCharsets.UTF_8), TIME + 10);
    Inclusion inc = inclusion(e);
    VerificationException x = fails(TestLog.withInclusion(e, 
        new Inclusion(inc.proof(), inc.rootHash(), TestLog.note(log.checkpoint(10)))), expected());
    assertEquals(Stage.CHECKPOINT, x.stage());
    assertTrue(x.getMessage().contains("tree size 10 differs from the inclusion proof's tree size 9"), x.getMessage());
  }

  @Test
  void verify_checkpointSameSizeOtherRoot_throwsCheckpoint() {
    LoggedEntry e = entry();
    Inclusion inc = inclusion(e);
    String note = log.sign(new Checkpoint(log.checkpointAt(9).origin(), 9, Hash.of(new byte[32])));
    VerificationException x = fails(TestLog.withInclusion(e, new Inclusion(inc.proof(), inc.rootHash(), TestLog.note(note))), expected());
    assertEquals(Stage.CHECKPOINT, x.stage());
    assertTrue(x.getMessage().contains("differs from the inclusion proof's root"), x.getMessage());
  }

  @Test
  void verify_signedNoteThatIsNoCheckpoint_throwsCheckpoint() throws Exception {
    LoggedEntry e = entry();
    Inclusion inc = inclusion(e);
    String note = dev.stele.client.protocol.SignedNote.sign("log.test - 1\nnine\nroot\n",
        List.of(dev.stele.client.protocol.NoteKeys.rekorSigner("log.test", Signers.forKeyPair(log.keyPair())))).format();
    VerificationException x = fails(TestLog.withInclusion(e, new Inclusion(inc.proof(), inc.rootHash(), TestLog.note(note))), expected());
    assertEquals(Stage.CHECKPOINT, x.stage());
    assertTrue(x.getMessage().contains("tree size"), x.getMessage());
  }

  // ---- TIMESTAMP ----

  @Test
  void verify_tamperedSet_throwsTimestamp() {
    LoggedEntry e = entry();
    byte[] set = e.signedEntryTimestamp().orElseThrow();
    set[set.length - 3] ^= 1;
    VerificationException x = fails(TestLog.withSet(e, Optional.of(set)), expected());
    assertEquals(Stage.TIMESTAMP, x.stage());
  }

  @Test
  void verify_setForOtherTime_throwsTimestamp() {
    LoggedEntry e = entry();
    LoggedEntry moved = TestLog.withTime(e, TIME + 3600);
    VerificationException x = fails(moved, expected());
    assertEquals(Stage.TIMESTAMP, x.stage());
    assertTrue(x.getMessage().contains("integrated time " + (TIME + 3600)), x.getMessage());
  }

  @Test
  void verify_setForOtherIndex_throwsTimestamp() {
    LoggedEntry e = entry();
    byte[] otherIndex = log.signRaw(SetPayload.bytes(e.body(), TIME, log.logId(), 6));
    assertEquals(Stage.TIMESTAMP, fails(TestLog.withSet(e, Optional.of(otherIndex)), expected()).stage());
  }

  @Test
  void verify_missingSet_throwsTimestamp() {
    LoggedEntry e = entry();
    LoggedEntry noSet = TestLog.withSet(e, Optional.empty());
    VerificationException x = fails(noSet, expected());
    assertEquals(Stage.TIMESTAMP, x.stage());
    assertTrue(x.getMessage().contains("no signed entry timestamp"), x.getMessage());
  }

  @Test
  void verify_missingSetWhenOptional_passesOnTheProof() throws Exception {
    LoggedEntry e = entry();
    LoggedEntry noSet = TestLog.withSet(e, Optional.empty());
    VerifiedEntry v = verifier.verify(noSet, expected().toBuilder().setOptional().build());
    assertTrue(v.signedTime().isEmpty());
  }

  // ---- CERTIFICATE and IDENTITY ----

  private final TestCa ca = new TestCa("fulcio.test", Instant.ofEpochSecond(TIME - 86_400 * 30L),
      Instant.ofEpochSecond(TIME + 86_400 * 365L));

  private LoggedEntry certificateEntry(X509Certificate leaf) {
    String pem;
    try {
      pem = Pem.encode("CERTIFICATE", leaf.getEncoded());
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
    CanonicalEntry c = TestLog.hashedRekord(signer, ARTIFACT, pem);
    return entry(c.body());
  }

  private EntryVerifier withCa(TestCa authority) {
    return new EntryVerifier(TrustRoot.of(log.trustRoot().logs(), List.of(authority.authority())));
  }

  private Expected identities(IdentityPolicy policy) {
    return Expected.builder(Artifact.sha256Of(ARTIFACT)).identities(policy).build();
  }

  private static final String ID = "https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main";
  private static final String ISSUER = "https://token.actions.githubusercontent.com";

  @Test
  void verify_certificateSigner_passes() throws Exception {
    LoggedEntry e = certificateEntry(ca.leaf(signerKeys, Instant.ofEpochSecond(TIME - 60)));
    VerifiedEntry v = withCa(ca).verify(e, identities(IdentityPolicy.exact(ID, ISSUER)));
    assertEquals(1, v.signer().certificates().size());
  }

  @Test
  void verify_certificateExpiredAtIntegratedTime_throwsCertificate() {
    LoggedEntry e = certificateEntry(ca.leaf(signerKeys, Instant.ofEpochSecond(TIME - 601)));
    VerificationException x = assertThrows(VerificationException.class,
        () -> withCa(ca).verify(e, identities(IdentityPolicy.exact(ID, ISSUER))));
    assertEquals(Stage.CERTIFICATE, x.stage());
  }

  @Test
  void verify_certificateFromUntrustedCa_throwsCertificate() {
    TestCa other = new TestCa("other.test", Instant.ofEpochSecond(TIME - 86_400), Instant.ofEpochSecond(TIME + 86_400));
    LoggedEntry e = certificateEntry(other.leaf(signerKeys, Instant.ofEpochSecond(TIME - 60)));
    VerificationException x = assertThrows(VerificationException.class,
        () -> withCa(ca).verify(e, identities(IdentityPolicy.any())));
    assertEquals(Stage.CERTIFICATE, x.stage());
  }

  @Test
  void verify_caNotValidAtIntegratedTime_throwsCertificate() {
    LoggedEntry e = certificateEntry(ca.leaf(signerKeys, Instant.ofEpochSecond(TIME - 60)));
    EntryVerifier v = new EntryVerifier(TrustRoot.of(log.trustRoot().logs(), List.of(
        ca.authority(new ValidityPeriod(Instant.ofEpochSecond(TIME + 1), Optional.empty())))));
    VerificationException x = assertThrows(VerificationException.class,
        () -> v.verify(e, identities(IdentityPolicy.any())));
    assertEquals(Stage.CERTIFICATE, x.stage());
    assertTrue(x.getMessage().contains("no trusted certificate authority is valid"), x.getMessage());
  }

  @Test
  void verify_certificateWithoutCodeSigning_throwsCertificate() {
    TestCa.Leaf o = new TestCa.Leaf();
    o.codeSigning = false;
    o.notBefore = Instant.ofEpochSecond(TIME - 60);
    o.notAfter = Instant.ofEpochSecond(TIME + 540);
    LoggedEntry e = certificateEntry(ca.leaf(signerKeys, o));
    assertEquals(Stage.CERTIFICATE, assertThrows(VerificationException.class,
        () -> withCa(ca).verify(e, identities(IdentityPolicy.any()))).stage());
  }

  @Test
  void verify_otherIdentity_throwsIdentity() {
    LoggedEntry e = certificateEntry(ca.leaf(signerKeys, Instant.ofEpochSecond(TIME - 60)));
    VerificationException x = assertThrows(VerificationException.class, () -> withCa(ca).verify(e,
        identities(IdentityPolicy.exact("https://github.com/evil/repo/.github/workflows/release.yml@refs/heads/main", ISSUER))));
    assertEquals(Stage.IDENTITY, x.stage());
    assertTrue(x.getMessage().contains(ID), x.getMessage());
  }

  @Test
  void verify_otherIssuer_throwsIdentity() {
    LoggedEntry e = certificateEntry(ca.leaf(signerKeys, Instant.ofEpochSecond(TIME - 60)));
    VerificationException x = assertThrows(VerificationException.class, () -> withCa(ca).verify(e,
        identities(IdentityPolicy.exact(ID, "https://accounts.google.com"))));
    assertEquals(Stage.IDENTITY, x.stage());
    assertTrue(x.getMessage().contains("'" + ISSUER + "'"), x.getMessage());
  }

  @Test
  void verify_identityRegexpMustMatchWholeValue_throwsIdentity() throws Exception {
    LoggedEntry e = certificateEntry(ca.leaf(signerKeys, Instant.ofEpochSecond(TIME - 60)));
    IdentityPolicy partial = IdentityPolicy.builder().identityRegexp("https://github.com/org/").issuer(ISSUER).build();
    assertEquals(Stage.IDENTITY, assertThrows(VerificationException.class,
        () -> withCa(ca).verify(e, identities(partial))).stage());
    IdentityPolicy whole = IdentityPolicy.builder().identityRegexp("https://github\\.com/org/.*")
        .issuerRegexp("https://token\\.actions\\..*").build();
    withCa(ca).verify(e, identities(whole));
  }

  @Test
  void verify_issuerFromVersion1Extension_passes() throws Exception {
    TestCa.Leaf o = new TestCa.Leaf();
    o.issuerV2 = null;
    o.issuerV1 = "https://accounts.example";
    o.email = "someone@example.com";
    o.notBefore = Instant.ofEpochSecond(TIME - 60);
    o.notAfter = Instant.ofEpochSecond(TIME + 540);
    LoggedEntry e = certificateEntry(ca.leaf(signerKeys, o));
    withCa(ca).verify(e, identities(IdentityPolicy.exact("someone@example.com", "https://accounts.example")));
  }

  @Test
  void verify_certificateWithoutIdentityRequirement_throwsIdentity() {
    LoggedEntry e = certificateEntry(ca.leaf(signerKeys, Instant.ofEpochSecond(TIME - 60)));
    // Even the certificate's own key as a trusted key does not stand in for an identity policy.
    Expected keysOnly = Expected.builder(Artifact.sha256Of(ARTIFACT)).trustedKey(signer.publicKey()).build();
    VerificationException x = assertThrows(VerificationException.class, () -> withCa(ca).verify(e, keysOnly));
    assertEquals(Stage.IDENTITY, x.stage());
    assertTrue(x.getMessage().contains("--any-identity"), x.getMessage());
  }

  @Test
  void verify_certificateSignerWithoutSet_throwsTimestamp() {
    LoggedEntry e = certificateEntry(ca.leaf(signerKeys, Instant.ofEpochSecond(TIME - 60)));
    LoggedEntry noSet = TestLog.withSet(e, Optional.empty());
    Expected relaxed = Expected.builder(Artifact.sha256Of(ARTIFACT)).identities(IdentityPolicy.any()).setOptional().build();
    VerificationException x = assertThrows(VerificationException.class, () -> withCa(ca).verify(noSet, relaxed));
    assertEquals(Stage.TIMESTAMP, x.stage());
    assertTrue(x.getMessage().contains("no trusted time"), x.getMessage());
  }

  // ---- CONSISTENCY ----

  @Test
  void verify_consistentWithEarlierCheckpoint_passes() throws Exception {
    LoggedEntry e = entry();
    Checkpoint earlier = log.checkpointAt(3);
    verifier.verify(e, expected().toBuilder().consistentWith(earlier, log.consistency(3, 9)).build());
  }

  @Test
  void verify_consistentWithLaterCheckpoint_passes() throws Exception {
    LoggedEntry e = entry();
    log.append("x".getBytes(StandardCharsets.UTF_8), TIME);
    log.append("y".getBytes(StandardCharsets.UTF_8), TIME);
    verifier.verify(e, expected().toBuilder().consistentWith(log.checkpointAt(11), log.consistency(9, 11)).build());
  }

  @Test
  void verify_forkedEarlierCheckpoint_throwsConsistency() {
    LoggedEntry e = entry();
    // A checkpoint of size 3 with another root, validly signed: a fork.
    TestLog fork = new TestLog(URI.create("https://log.test:8443"), keyPairOf(log), log.treeId());
    for (int i = 0; i < 3; i++) {
      fork.append(("forked " + i).getBytes(StandardCharsets.UTF_8), TIME);
    }
    Checkpoint forked = fork.checkpointAt(3);
    ConsistencyProof proof = log.consistency(3, 9);
    VerificationException x = fails(e, expected().toBuilder().consistentWith(forked, proof).build());
    assertEquals(Stage.CONSISTENCY, x.stage());
    assertTrue(x.getMessage().contains("tree of size 3"), x.getMessage());
  }

  @Test
  void verify_proofForOtherSizes_throwsConsistency() {
    LoggedEntry e = entry();
    VerificationException x = fails(e, expected().toBuilder()
        .consistentWith(log.checkpointAt(3), log.consistency(4, 9)).build());
    assertEquals(Stage.CONSISTENCY, x.stage());
    assertTrue(x.getMessage().contains("from size 4 to 9, but the checkpoints have sizes 3 and 9"), x.getMessage());
  }

  @Test
  void verify_consistencyWithoutCheckpoint_throwsConsistency() {
    LoggedEntry e = TestLog.withInclusion(entry(), Optional.empty());
    Expected x = expected().toBuilder().inclusionProofOptional()
        .consistentWith(log.checkpointAt(3), log.consistency(3, 9)).build();
    assertEquals(Stage.CONSISTENCY, fails(e, x).stage());
  }

  // ---- DSSE ----

  @Test
  void verify_dsseEntry_passesAndChecksTheSubject() throws Exception {
    byte[] statement = ("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"a\",\"digest\":"
        + "{\"sha256\":\"" + java.util.HexFormat.of().formatHex(HashAlgorithm.SHA256.digest(ARTIFACT))
        + "\"}}],\"predicateType\":\"https://example.com/p\",\"predicate\":{}}").getBytes(StandardCharsets.UTF_8);
    DsseEnvelope unsigned = new DsseEnvelope("application/vnd.in-toto+json", statement, List.of());
    byte[] sig = signer.sign(unsigned.pae());
    DsseEnvelope env = new DsseEnvelope(unsigned.payloadType(), statement, List.of(new DsseEnvelope.Signature("", sig)));
    String envelopeJson = "{\"payload\":\"" + Base64.getEncoder().encodeToString(statement)
        + "\",\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":[{\"sig\":\""
        + Base64.getEncoder().encodeToString(sig) + "\"}]}";
    String proposal = "{\"apiVersion\":\"0.0.1\",\"kind\":\"dsse\",\"spec\":{\"proposedContent\":{\"envelope\":"
        + com.fasterxml.jackson.databind.node.TextNode.valueOf(envelopeJson) + ",\"verifiers\":[\""
        + Base64.getEncoder().encodeToString(Pem.encode("PUBLIC KEY", signer.publicKey().getEncoded())
            .getBytes(StandardCharsets.US_ASCII)) + "\"]}}}";
    LoggedEntry e = entry(EntryKinds.canonicalize(proposal.getBytes(StandardCharsets.UTF_8)).body());
    verifier.verify(e, Expected.builder(Artifact.dsse(env, Artifact.sha256Of(ARTIFACT))).trustedKey(signer.publicKey()).build());

    VerificationException x = fails(e, Expected.builder(Artifact.dsse(env, Artifact.sha256Of("other".getBytes(StandardCharsets.UTF_8))))
        .trustedKey(signer.publicKey()).build());
    assertEquals(Stage.ARTIFACT_SIGNATURE, x.stage());
    assertTrue(x.getMessage().contains("subjects"), x.getMessage());

    DsseEnvelope otherPayload = new DsseEnvelope(env.payloadType(), "{}".getBytes(StandardCharsets.UTF_8), env.signatures());
    VerificationException y = fails(e, Expected.builder(Artifact.dsse(otherPayload)).trustedKey(signer.publicKey()).build());
    assertEquals(Stage.ARTIFACT_SIGNATURE, y.stage());
    assertTrue(y.getMessage().contains("payload"), y.getMessage());
  }

  // ---- Expected ----

  @Test
  void expected_withoutAnySigner_refusesToBuild() {
    assertThrows(IllegalStateException.class, () -> Expected.builder(Artifact.sha256Of(ARTIFACT)).build());
  }

  @Test
  void identityPolicy_withoutIssuer_refusesToBuild() {
    assertThrows(IllegalStateException.class, () -> IdentityPolicy.builder().identity(ID).build());
    assertThrows(IllegalStateException.class, () -> IdentityPolicy.builder().issuer(ISSUER).build());
    assertThrows(IllegalArgumentException.class, () -> IdentityPolicy.builder().identityRegexp("(").issuer(ISSUER));
  }

  private static KeyPair keyPairOf(TestLog l) {
    return l.keyPair();
  }
}
