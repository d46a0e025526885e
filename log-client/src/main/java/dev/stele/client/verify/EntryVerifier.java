package dev.stele.client.verify;

import dev.stele.client.protocol.Encodings;
import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.TrustedLog;
import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.VerifierCache;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.DsseBody;
import dev.stele.client.protocol.DsseV2Body;
import dev.stele.client.protocol.EntryBody;
import dev.stele.client.protocol.EntryKinds;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.HashedRekordBody;
import dev.stele.client.protocol.HashedRekordV2Body;
import dev.stele.client.protocol.Inclusion;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.KeyMaterial;
import dev.stele.client.protocol.OtherBody;
import dev.stele.client.protocol.ProtocolJson;
import dev.stele.client.protocol.SetPayload;
import dev.stele.client.protocol.WitnessPolicy;
import dev.stele.client.trust.ProtoJson;
import dev.stele.client.trust.TrustRoot;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.proof.ConsistencyProof;
import dev.stele.merkle.proof.InclusionProof;
import dev.stele.merkle.proof.ProofException;
import dev.stele.merkle.proof.ProofVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies one log entry against what the caller expects, in a fixed order; each step throws
 * {@link VerificationException} naming its {@link Stage}, and no step is skipped when its data is
 * present:
 *
 * <ol>
 *   <li>{@link Stage#ARTIFACT_SIGNATURE}: the logged body names the expected artifact (digest, or
 *       DSSE payload hash and signature), its signature verifies, and the signer is accepted: a
 *       trusted public key, or a certificate with an identity requirement (stages 6 and 7);
 *   <li>{@link Stage#LOG}: the log ID names a trusted log whose key is valid at the integrated time;
 *   <li>{@link Stage#INCLUSION}: leaf = {@code Rfc6962.hashLeaf(body)}; the proof leads from it at
 *       the proof's index to the proof's root ({@link ProofVerifier}, which checks {@code index <
 *       size} and the exact proof length first);
 *   <li>{@link Stage#CHECKPOINT}: the checkpoint is the log's ({@link Checkpoints#verify}: a
 *       valid signature by the log under its name and key ID, the log's origin), and its size
 *       <em>and</em> root are the proof's ({@link Checkpoints#checkTreeHead});
 *   <li>{@link Stage#WITNESS}: with a witness policy, the checkpoint carries a quorum of its
 *       witnesses' cosignatures and no forged one ({@link Witnesses#verify}); an entry without a
 *       checkpoint then fails here;
 *   <li>{@link Stage#TIMESTAMP}: the SET verifies over {@link SetPayload#bytes}; only now is the
 *       integrated time trusted;
 *   <li>{@link Stage#CERTIFICATE}: a signing certificate chains to a trusted CA at that signed
 *       time (without a SET there is none, and a certificate signer fails at {@link
 *       Stage#TIMESTAMP});
 *   <li>{@link Stage#IDENTITY}: its identity and issuer match the {@link IdentityPolicy};
 *   <li>{@link Stage#CONSISTENCY}: if asked, the checkpoint is consistent with the caller's last one.
 * </ol>
 *
 * <p>Thread-safe; build one per trust root and reuse it.
 */
public final class EntryVerifier {
  private static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

  private final TrustRoot trust;
  private final Optional<WitnessPolicy> witnesses;
  /** Parsed signer keys: the same signers sign many of the entries one verifier sees. */
  private final VerifierCache keys = new VerifierCache(VerifierCache.DEFAULT_CAPACITY);

  public EntryVerifier(TrustRoot trust) {
    this(trust, Optional.empty());
  }

  /**
   * A verifier that also requires each entry's checkpoint to satisfy {@code witnesses}, if given
   * (c2sp.org/tlog-policy: a quorum of cosignatures from the witnesses it names).
   */
  public EntryVerifier(TrustRoot trust, Optional<WitnessPolicy> witnesses) {
    this.trust = java.util.Objects.requireNonNull(trust, "trust");
    this.witnesses = java.util.Objects.requireNonNull(witnesses, "witnesses");
  }

  /**
   * The signature and key a body names, once the body has been matched to the artifact, and
   * whether it is a Rekor v2 entry (no SET: signed time comes from RFC 3161 timestamps).
   */
  private record Logged(String kind, KeyMaterial signer, byte[] signature, boolean rekorV2) {
    Logged(String kind, KeyMaterial signer) {
      this(kind, signer, null, false);
    }
  }

  /**
   * Verifies {@code entry}; returns what was established or throws.
   *
   * @throws VerificationException naming the first stage that failed
   */
  public VerifiedEntry verify(LoggedEntry entry, Expected expected) throws VerificationException {
    // 1. Artifact signature; a public-key signer must be trusted, a certificate signer needs an
    //    identity requirement (checked against the certificate in 6 and 7).
    Logged logged = checkArtifact(entry.body(), expected.artifact());
    KeyMaterial signer = logged.signer();
    boolean certificateSigner = !signer.certificates().isEmpty();
    if (!certificateSigner) {
      checkTrustedKey(signer.publicKey(), expected);
    } else if (expected.identities().isEmpty()) {
      throw new VerificationException(Stage.IDENTITY, "the artifact was signed with a certificate ("
          + describeSubject(signer) + "), but no identity is required: give the expected identity and"
          + " OIDC issuer (--certificate-identity, --certificate-oidc-issuer), or accept any with"
          + " --any-identity");
    }

    // Signed time from RFC 3161 timestamps over the signature, if any (each must verify).
    Optional<Instant> timestamped = Optional.empty();
    if (!expected.timestamps().isEmpty()) {
      if (logged.signature() == null) {
        throw new VerificationException(Stage.TIMESTAMP, "the bundle carries RFC 3161 timestamps, but the"
            + " logged " + logged.kind() + " entry names no single signature they could be over");
      }
      timestamped = SignedTimestamps.verifyAll(expected.timestamps(), logged.signature(),
          trust.timestampAuthorities());
    }

    // 2. The log, and its key's validity at the integrated time (a Rekor v2 entry has none: at
    //    the timestamp's time, if there is one).
    Instant integrated = Instant.ofEpochSecond(entry.integratedTime());
    TrustedLog log = findLog(entry.logId(), entry.signedEntryTimestamp().isPresent() ? Optional.of(integrated)
        : timestamped);

    // 3. Inclusion proof, 4. checkpoint.
    Hash leafHash = Rfc6962.hashLeaf(entry.body());
    if (!entry.id().uuid().equals(leafHash)) {
      throw new VerificationException(Stage.INCLUSION, "the entry ID " + entry.id() + " names leaf "
          + entry.id().uuidHex() + ", but the entry's body hashes to leaf " + leafHash.hex());
    }
    Optional<Checkpoint> checkpoint = Optional.empty();
    Optional<Inclusion> inclusion = entry.inclusion();
    if (inclusion.isPresent()) {
      checkInclusion(leafHash, inclusion.get());
      checkpoint = Optional.of(checkCheckpoint(inclusion.get(), log));
    } else if (expected.inclusionProofRequired()) {
      throw new VerificationException(Stage.INCLUSION, "the entry at index " + entry.logIndex()
          + " has no inclusion proof, and one is required");
    }

    // 4b. The witnesses' quorum on that checkpoint.
    if (witnesses.isPresent()) {
      if (inclusion.isEmpty()) {
        throw new VerificationException(Stage.WITNESS, "the entry at index " + entry.logIndex() + " comes without"
            + " an inclusion proof and checkpoint, so the witness policy's quorum cannot be checked");
      }
      Witnesses.verify(inclusion.get().checkpoint(), witnesses.get());
    }

    // 5. SET: from here on the integrated time is vouched for by the log.
    Optional<Instant> signedTime = Optional.empty();
    if (entry.signedEntryTimestamp().isPresent()) {
      checkSet(entry, log);
      signedTime = Optional.of(integrated);
    } else if (expected.setRequired() && !logged.rekorV2()) {
      throw new VerificationException(Stage.TIMESTAMP, "the entry at index " + entry.logIndex()
          + " has no signed entry timestamp, and one is required");
    }
    if (signedTime.isEmpty()) {
      signedTime = timestamped;
    }

    // 6. Certificate, at the signed time, 7. identity.
    if (certificateSigner) {
      if (signedTime.isEmpty()) {
        throw new VerificationException(Stage.TIMESTAMP, "the entry has no signed entry timestamp and the"
            + " bundle no RFC 3161 timestamp, so there is no trusted time at which to check the signing certificate");
      }
      CertificateChains.verify(signer.certificates(), trust.certificateAuthorities(), signedTime.get());
      expected.identities().get().check(signer.certificates().get(0));
    }

    // 8. Consistency with what the caller saw before.
    if (expected.consistency().isPresent()) {
      checkConsistency(checkpoint, expected.consistency().get());
    }
    return new VerifiedEntry(entry, logged.kind(), signer, log, checkpoint, signedTime);
  }

  // ---- 1. artifact ----

  private Logged checkArtifact(byte[] bodyBytes, Artifact artifact) throws VerificationException {
    EntryBody body;
    try {
      body = EntryKinds.parseBody(bodyBytes);
    } catch (FormatException e) {
      throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the logged body does not parse: "
          + e.getMessage(), e);
    }
    String kind = body.kind() + " " + body.apiVersion();
    if (body instanceof HashedRekordBody && artifact instanceof Artifact.Digest) {
      HashedRekordBody h = (HashedRekordBody) body;
      return new Logged(kind, checkHashedRekord(h, (Artifact.Digest) artifact), h.signature(), false);
    }
    if (body instanceof HashedRekordV2Body) {
      return new Logged(kind, checkHashedRekordV2((HashedRekordV2Body) body, artifact), 
          ((HashedRekordV2Body) body).signature(), true);
    }
    if (artifact instanceof Artifact.Dsse) {
      Artifact.Dsse dsse = (Artifact.Dsse) artifact;
      if (body instanceof DsseBody) {
        DsseBody d = (DsseBody) body;
        if (d.signatures().size() != 1) {
          throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the logged dsse entry has "
              + d.signatures().size() + " signatures; exactly one is supported");
        }
        byte[] sig = decodeBase64(d.signatures().get(0).signature(), "the logged dsse signature");
        return new Logged(kind, checkDsse(dsse, d.payloadHash(), sig, d.signatures().get(0).verifier(), kind), sig, false);
      }
      if (body instanceof DsseV2Body) {
        DsseV2Body d = (DsseV2Body) body;
        if (d.signatures().size() != 1) {
          throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the logged dsse entry has "
              + d.signatures().size() + " signatures; exactly one is supported");
        }
        DsseV2Body.Signature s = d.signatures().get(0);
        return new Logged(kind, checkDsse(dsse, d.payloadHash(), s.content(), s.verifier(), kind,
            v2Hash(s.keyDetails())), s.content(), true);
      }
      if (body instanceof OtherBody && body.kind().equals("intoto") && body.apiVersion().equals("0.0.2")) {
        return new Logged(kind, checkIntoto((OtherBody) body, dsse, kind));
      }
    }
    String wanted = artifact instanceof Artifact.Digest ? "a hashedrekord 0.0.1 entry"
        : "a dsse 0.0.1 or 0.0.2 (or intoto 0.0.2) or hashedrekord 0.0.2 entry";
    throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the logged entry is " + kind
        + ", but the artifact (" + artifact + ") needs " + wanted);
  }

  private KeyMaterial checkHashedRekord(HashedRekordBody body, Artifact.Digest artifact)
      throws VerificationException {
    byte[] digest = body.digest();
    if (!artifact.matches(body.algorithm(), digest)) {
      throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the logged entry is about "
          + body.algorithm().rekorName() + ":" + body.digestHex().toLowerCase(Locale.ROOT)
          + ", not the artifact " + artifact);
    }
    KeyMaterial key = body.key();
    try {
      keys.forDigest(key.publicKey(), body.algorithm()).verify(body.signature(), digest);
    } catch (GeneralSecurityException e) {
      throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the logged signature over " + artifact
          + " does not verify under the logged " + key.describe() + ": " + e.getMessage(), e);
    }
    return key;
  }

  /**
   * hashedrekord 0.0.2 (docs/protocol.md 3.4): over an artifact's digest, or, for a DSSE envelope
   * recorded through Rekor v2, over the digest of the envelope's pre-authentication encoding.
   */
  private KeyMaterial checkHashedRekordV2(HashedRekordV2Body body, Artifact artifact) throws VerificationException {
    KeyMaterial key = body.key();
    byte[] digest = body.digest();
    if (artifact instanceof Artifact.Digest) {
      Artifact.Digest a = (Artifact.Digest) artifact;
      if (!a.matches(body.algorithm(), digest)) {
        throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the logged entry is about "
            + body.algorithm().rekorName() + ":" + Encodings.hex(digest) + ", not the artifact " + a);
      }
    } else {
      Artifact.Dsse dsse = (Artifact.Dsse) artifact;
      DsseEnvelope envelope = dsse.envelope();
      if (!MessageDigest.isEqual(body.algorithm().digest(envelope.pae()), digest)) {
        throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the logged hashedrekord 0.0.2 entry is"
            + " not about this envelope: its digest is not the " + body.algorithm()
            + " of the envelope's pre-authentication encoding");
      }
      if (envelope.signatures().size() != 1) {
        throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the envelope has "
            + envelope.signatures().size() + " signatures; exactly one is supported");
      }
      if (!MessageDigest.isEqual(envelope.signatures().get(0).signature(), body.signature())) {
        throw new VerificationException(Stage.ARTIFACT_SIGNATURE,
            "the envelope's signature is not the one the log recorded");
      }
      if (dsse.subject().isPresent()) {
        checkSubject(envelope, dsse.subject().get());
      }
    }
    try {
      keys.forDigest(key.publicKey(), body.algorithm()).verify(body.signature(), digest);
    } catch (GeneralSecurityException e) {
      throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the logged signature over "
          + body.algorithm() + ":" + Encodings.hex(digest) + " does not verify under the logged "
          + key.describe() + ": " + e.getMessage(), e);
    }
    return key;
  }

  private KeyMaterial checkDsse(Artifact.Dsse dsse, Hash payloadHash, byte[] loggedSig,
      KeyMaterial key, String kind) throws VerificationException {
    return checkDsse(dsse, payloadHash, loggedSig, key, kind, HashAlgorithm.SHA256);
  }

  /** The hash a Rekor v2 verifier's key details name (they were checked when the body was parsed). */
  private static HashAlgorithm v2Hash(String keyDetails) {
    return keyDetails.endsWith("SHA_384") ? HashAlgorithm.SHA384
        : keyDetails.endsWith("SHA_512") || keyDetails.equals("PKIX_ED25519_PH") ? HashAlgorithm.SHA512
        : HashAlgorithm.SHA256;
  }

  private KeyMaterial checkDsse(Artifact.Dsse dsse, Hash payloadHash, byte[] loggedSig,
      KeyMaterial key, String kind, HashAlgorithm hash) throws VerificationException {
    DsseEnvelope envelope = dsse.envelope();
    byte[] payload = envelope.payload();
    Hash actual = Rfc6962.sha256(payload);
    if (!actual.equals(payloadHash)) {
      throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the logged " + kind + " entry names"
          + " payload sha256:" + payloadHash.hex() + ", the envelope's payload is sha256:" + actual.hex());
    }
    if (envelope.signatures().size() != 1) {
      throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the envelope has "
          + envelope.signatures().size() + " signatures; exactly one is supported");
    }
    byte[] envelopeSig = envelope.signatures().get(0).signature();
    if (!MessageDigest.isEqual(envelopeSig, loggedSig)) {
      throw new VerificationException(Stage.ARTIFACT_SIGNATURE,
          "the envelope's signature is not the one the log recorded");
    }
    try {
      keys.forKey(key.publicKey(), hash).verify(envelopeSig, envelope.pae());
    } catch (GeneralSecurityException e) {
      throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the envelope signature does not verify"
          + " under the logged " + key.describe() + ": " + e.getMessage(), e);
    }
    if (dsse.subject().isPresent()) {
      checkSubject(envelope, dsse.subject().get());
    }
    return key;
  }

  /** intoto 0.0.2 (docs/protocol.md 3.3): signatures are base64 of the base64 signature text. */
  private KeyMaterial checkIntoto(OtherBody body, Artifact.Dsse dsse, String kind)
      throws VerificationException {
    try {
      JsonNode content = ProtoJson.object(body.spec(), "content", "spec");
      JsonNode env = ProtoJson.object(content, "envelope", "spec.content");
      List<JsonNode> sigs = ProtoJson.array(env, "signatures", "spec.content.envelope");
      if (sigs.size() != 1) {
        throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the logged intoto entry has "
            + sigs.size() + " signatures; exactly one is supported");
      }
      JsonNode sig = ProtoJson.requireObject(sigs.get(0), "spec.content.envelope.signatures[0]");
      byte[] sigText = ProtoJson.bytes(sig, "sig", "spec.content.envelope.signatures[0]");
      byte[] signature = decodeBase64(new String(sigText, StandardCharsets.US_ASCII), "the logged intoto signature");
      KeyMaterial key = KeyMaterial.parse(ProtoJson.bytes(sig, "publicKey", "spec.content.envelope.signatures[0]"));
      JsonNode ph = ProtoJson.object(content, "payloadHash", "spec.content");
      if (!ProtoJson.string(ph, "algorithm", "spec.content.payloadHash").equals("sha256")) {
        throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the logged intoto payload hash is not sha256");
      }
      String hex = ProtoJson.string(ph, "value", "spec.content.payloadHash");
      if (hex.length() != 2 * Hash.SIZE || !hex.matches("[0-9a-fA-F]+")) {
        throw new FormatException("spec.content.payloadHash.value is not 64 hex digits");
      }
      return checkDsse(dsse, Hash.fromHex(hex), signature, key, kind);
    } catch (FormatException e) {
      throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the logged intoto body is malformed: "
          + e.getMessage(), e);
    }
  }

  /** The in-toto statement must list {@code subject} among its subjects' digests. */
  private static void checkSubject(DsseEnvelope envelope, Artifact.Digest subject) throws VerificationException {
    if (!envelope.payloadType().equals(IN_TOTO_PAYLOAD_TYPE)) {
      throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the envelope's payload type is '"
          + envelope.payloadType() + "', not an in-toto statement that could name the artifact");
    }
    JsonNode statement;
    try {
      statement = ProtocolJson.mapper().readTree(envelope.payload());
    } catch (IOException e) {
      throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the in-toto statement is not JSON", e);
    }
    String alg = subject.algorithm().rekorName();
    String hex = Encodings.hex(subject.digest());
    List<String> seen = new ArrayList<>();
    for (JsonNode s : statement.path("subject")) {
      for (Iterator<Map.Entry<String, JsonNode>> it = s.path("digest").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> d = it.next();
        String value = d.getValue().asText("");
        seen.add(d.getKey() + ":" + value);
        if (d.getKey().equals(alg) && value.equalsIgnoreCase(hex)) {
          return;
        }
      }
    }
    throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the in-toto statement's subjects "
        + seen + " do not include the artifact " + subject);
  }

  private static void checkTrustedKey(PublicKey key, Expected expected) throws VerificationException {
    byte[] der = key.getEncoded();
    List<String> trusted = new ArrayList<>();
    for (PublicKey k : expected.trustedKeys()) {
      if (MessageDigest.isEqual(der, k.getEncoded())) {
        return;
      }
      trusted.add(PublicKeys.describe(k));
    }
    throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the artifact was signed by "
        + PublicKeys.describe(key) + ", which is not a trusted key (trusted: "
        + (trusted.isEmpty() ? "none; give the signer's public key" : trusted) + ")");
  }

  private static String describeSubject(KeyMaterial signer) {
    try {
      return "identities " + IdentityPolicy.subjectAlternativeNames(signer.certificates().get(0))
          + IdentityPolicy.issuer(signer.certificates().get(0)).map(i -> ", issuer " + i).orElse("");
    } catch (VerificationException e) {
      return signer.describe();
    }
  }

  // ---- 4. log ----

  /** The trusted log with this ID whose key is valid at {@code time}; any of them without a time. */
  private TrustedLog findLog(Hash logId, Optional<Instant> at) throws VerificationException {
    List<TrustedLog> candidates = trust.logsWithId(logId);
    if (candidates.isEmpty()) {
      List<String> known = new ArrayList<>();
      trust.logs().forEach(l -> known.add(l.baseUrl() + " " + l.logId().hex()));
      throw new VerificationException(Stage.LOG, "the entry's log ID " + logId.hex()
          + " is not a trusted log (trusted: " + known + ")");
    }
    if (at.isEmpty()) {
      return candidates.get(0);
    }
    Instant time = at.get();
    for (TrustedLog l : candidates) {
      if (l.validity().contains(time)) {
        return l;
      }
    }
    List<String> periods = new ArrayList<>();
    candidates.forEach(l -> periods.add(l.validity().toString()));
    throw new VerificationException(Stage.LOG, "the key of log " + candidates.get(0).baseUrl()
        + " (log ID " + logId.hex() + ") is trusted during " + periods
        + ", not at the entry's integrated time " + time);
  }

  // ---- 5. inclusion ----

  private static void checkInclusion(Hash leafHash, Inclusion inclusion) throws VerificationException {
    InclusionProof proof = inclusion.proof();
    try {
      ProofVerifier.verifyInclusion(proof.leafIndex(), proof.treeSize(), leafHash, proof.hashes(),
          inclusion.rootHash());
    } catch (ProofException e) {
      throw new VerificationException(Stage.INCLUSION, "leaf " + leafHash.hex() + " at index "
          + proof.leafIndex() + " in tree of size " + proof.treeSize() + ": " + e.getMessage(), e);
    }
  }

  // ---- 6. checkpoint ----

  /** The checkpoint is the log's ({@link Checkpoints#verify}) and signs the proof's tree head. */
  private static Checkpoint checkCheckpoint(Inclusion inclusion, TrustedLog log)
      throws VerificationException {
    Checkpoint checkpoint = Checkpoints.verify(inclusion.checkpoint(), log);
    InclusionProof proof = inclusion.proof();
    Checkpoints.checkTreeHead(checkpoint, proof.treeSize(), inclusion.rootHash(), "the inclusion proof's");
    return checkpoint;
  }

  // ---- 7. SET ----

  private static void checkSet(LoggedEntry entry, TrustedLog log) throws VerificationException {
    byte[] payload;
    try {
      payload = SetPayload.bytes(entry.body(), entry.integratedTime(), entry.logId(), entry.logIndex());
    } catch (IllegalArgumentException e) {
      throw new VerificationException(Stage.TIMESTAMP, e.getMessage(), e);
    }
    try {
      log.verifier().verify(entry.signedEntryTimestamp().orElseThrow(), payload);
    } catch (GeneralSecurityException e) {
      throw new VerificationException(Stage.TIMESTAMP, "the SET for index " + entry.logIndex()
          + ", integrated time " + entry.integratedTime() + " does not verify under the key of "
          + log.baseUrl() + ": " + e.getMessage(), e);
    }
  }

  // ---- 8. consistency ----

  private static void checkConsistency(Optional<Checkpoint> current, Expected.Consistency consistency)
      throws VerificationException {
    if (current.isEmpty()) {
      throw new VerificationException(Stage.CONSISTENCY, "the entry has no checkpoint to compare with"
          + " the last one seen");
    }
    checkConsistency(consistency.previous(), current.get(), consistency.proof());
  }

  /**
   * Checks that two verified checkpoints of one log describe trees of which the smaller is a prefix
   * of the larger, by {@code proof} (between their sizes, in either order). The empty tree is a
   * prefix of every tree.
   *
   * @throws VerificationException at {@link Stage#CONSISTENCY}, with both sizes and roots
   */
  public static void checkConsistency(Checkpoint a, Checkpoint b, ConsistencyProof proof)
      throws VerificationException {
    if (!a.origin().equals(b.origin())) {
      throw new VerificationException(Stage.CONSISTENCY, "checkpoint origins differ: '" + a.origin()
          + "' and '" + b.origin() + "'");
    }
    Checkpoint small = a.size() <= b.size() ? a : b;
    Checkpoint large = small == a ? b : a;
    if (small.size() == 0) {
      return;
    }
    if (proof.size1() != small.size() || proof.size2() != large.size()) {
      throw new VerificationException(Stage.CONSISTENCY, "the consistency proof is from size "
          + proof.size1() + " to " + proof.size2() + ", but the checkpoints have sizes " + small.size()
          + " and " + large.size());
    }
    try {
      proof.verify(small.root(), large.root());
    } catch (ProofException e) {
      throw new VerificationException(Stage.CONSISTENCY, "tree of size " + small.size() + " (root "
          + small.root().hex() + ") is not a prefix of tree of size " + large.size() + " (root "
          + large.root().hex() + "): " + e.getMessage(), e);
    }
  }

  private static byte[] decodeBase64(String text, String what) throws VerificationException {
    try {
      return ProtoJson.base64(what, text);
    } catch (FormatException e) {
      throw new VerificationException(Stage.ARTIFACT_SIGNATURE, e.getMessage(), e);
    }
  }
}
