package dev.stele.client.bundle;

import dev.stele.client.protocol.EntryBody;
import dev.stele.client.protocol.EntryKinds;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.HashedRekordBody;
import dev.stele.client.protocol.HashedRekordV2Body;
import dev.stele.client.protocol.KeyMaterial;
import dev.stele.client.protocol.DsseBody;
import dev.stele.client.protocol.WitnessPolicy;
import dev.stele.client.protocol.DsseV2Body;
import dev.stele.client.trust.TrustRoot;
import dev.stele.client.verify.Artifact;
import dev.stele.client.verify.EntryVerifier;
import dev.stele.client.verify.Expected;
import dev.stele.client.verify.IdentityPolicy;
import dev.stele.client.verify.Stage;
import dev.stele.client.verify.VerificationException;
import dev.stele.client.verify.VerifiedEntry;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.proof.ProofException;
import dev.stele.merkle.proof.ProofVerifier;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Verifies a {@link Bundle} offline: every transparency-log entry it carries goes through the
 * {@link EntryVerifier} sequence, after the bundle's own claims have been tied to the logged
 * body:
 *
 * <ul>
 *   <li>the declared {@code kindVersion} is the body's kind and version;
 *   <li>a message signature names the artifact's digest and is the signature the log recorded;
 *       a DSSE envelope has the payload hash and signature the log recorded;
 *   <li>a certificate in the bundle is the one the log recorded, and a public-key bundle's log
 *       entry names a key, not a certificate.
 * </ul>
 *
 * <p>Presence follows the bundle version: 0.1 requires the SET (the inclusion proof is optional);
 * 0.2 and 0.3 require the inclusion proof with its checkpoint, and the SET for a Rekor v1 entry. A
 * Rekor v2 entry ({@code hashedrekord} 0.0.2) has no SET: a certificate signer's time then comes
 * from the bundle's RFC 3161 timestamps, each checked against the trusted root's timestamp
 * authorities ({@link dev.stele.client.verify.SignedTimestamps}); a public-key signer needs none.
 *
 * <p>Thread-safe.
 */
public final class BundleVerifier {
  private final EntryVerifier entries;

  public BundleVerifier(TrustRoot trust) {
    this(trust, Optional.empty());
  }

  /** A verifier that also requires each checkpoint to satisfy {@code witnesses}, if given. */
  public BundleVerifier(TrustRoot trust, Optional<WitnessPolicy> witnesses) {
    this.entries = new EntryVerifier(trust, witnesses);
  }

  /**
   * Verifies {@code bundle}.
   *
   * @param artifact the artifact's digest: required for a message-signature bundle; for a DSSE
   *     bundle, optional, and if given the in-toto statement must list it as a subject
   * @param trustedKeys public keys accepted as signers
   * @param identities accepted certificate signers, if any
   * @return what each log entry established, in bundle order
   * @throws VerificationException naming the first stage that failed
   * @throws IllegalArgumentException if a message-signature bundle is verified without an artifact
   *     digest, or no signer is accepted at all
   */
  public List<VerifiedEntry> verify(Bundle bundle, Optional<Artifact.Digest> artifact,
      Collection<PublicKey> trustedKeys, Optional<IdentityPolicy> identities) throws VerificationException {
    Artifact expectedArtifact;
    if (bundle.messageSignature().isPresent()) {
      Artifact.Digest digest = artifact.orElseThrow(() -> new IllegalArgumentException(
          "a message-signature bundle is verified against the artifact's digest; none was given"));
      Optional<Artifact.Digest> named = bundle.messageSignature().get().digest();
      if (named.isPresent() && !named.get().equals(digest)) {
        throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the bundle signs " + named.get()
            + ", not the artifact " + digest);
      }
      expectedArtifact = digest;
    } else {
      expectedArtifact = artifact.isPresent()
          ? Artifact.dsse(bundle.dsseEnvelope().orElseThrow(), artifact.get())
          : Artifact.dsse(bundle.dsseEnvelope().orElseThrow());
    }
    Expected.Builder b = Expected.builder(expectedArtifact).trustedKeys(trustedKeys)
        .timestamps(bundle.rfc3161Timestamps());
    identities.ifPresent(b::identities);
    if (bundle.minorVersion() < 2) {
      b.inclusionProofOptional();
    }
    Expected expected = b.build();

    if (bundle.tlogEntries().isEmpty()) {
      throw new VerificationException(Stage.LOG, "the bundle carries no transparency-log entry");
    }
    List<VerifiedEntry> out = new ArrayList<>();
    for (Bundle.TlogEntry t : bundle.tlogEntries()) {
      checkClaims(bundle, t);
      if (t.proofWithoutCheckpoint().isPresent()) {
        rejectUnanchored(t);
      }
      out.add(entries.verify(t.entry(), expected));
    }
    return out;
  }

  /**
   * An inclusion proof without its checkpoint: a wrong proof fails as such; a right one still
   * proves nothing, since no signature vouches for its root.
   */
  private static void rejectUnanchored(Bundle.TlogEntry t) throws VerificationException {
    Bundle.Unanchored u = t.proofWithoutCheckpoint().orElseThrow();
    Hash leaf = Rfc6962.hashLeaf(t.entry().body());
    try {
      ProofVerifier.verifyInclusion(u.proof().leafIndex(), u.proof().treeSize(), leaf, u.proof().hashes(),
          u.rootHash());
    } catch (ProofException e) {
      throw new VerificationException(Stage.INCLUSION, "leaf " + leaf.hex() + " at index "
          + u.proof().leafIndex() + " in tree of size " + u.proof().treeSize() + ": " + e.getMessage(), e);
    }
    throw new VerificationException(Stage.CHECKPOINT, "the inclusion proof comes without a signed"
        + " checkpoint, so its root " + u.rootHash().hex() + " is not vouched for by the log");
  }

  /** Ties the bundle's own claims to the logged body (the body itself is checked by the verifier). */
  private static void checkClaims(Bundle bundle, Bundle.TlogEntry t) throws VerificationException {
    EntryBody body;
    try {
      body = EntryKinds.parseBody(t.entry().body());
    } catch (FormatException e) {
      return; // the entry verifier reports an unparsable body at the artifact-signature stage
    }
    if (!body.kind().equals(t.kind()) || !body.apiVersion().equals(t.version())) {
      throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the bundle declares a " + t.kind() + " "
          + t.version() + " entry, but the logged body is " + body.kind() + " " + body.apiVersion());
    }
    Optional<KeyMaterial> logged = Optional.empty();
    if (body instanceof HashedRekordBody) {
      HashedRekordBody h = (HashedRekordBody) body;
      logged = Optional.of(h.key());
      if (bundle.messageSignature().isPresent()
          && !MessageDigest.isEqual(h.signature(), bundle.messageSignature().get().signature())) {
        throw new VerificationException(Stage.ARTIFACT_SIGNATURE,
            "the bundle's signature is not the one the log recorded");
      }
    } else if (body instanceof HashedRekordV2Body) {
      HashedRekordV2Body h = (HashedRekordV2Body) body;
      logged = Optional.of(h.key());
      if (bundle.messageSignature().isPresent()
          && !MessageDigest.isEqual(h.signature(), bundle.messageSignature().get().signature())) {
        throw new VerificationException(Stage.ARTIFACT_SIGNATURE,
            "the bundle's signature is not the one the log recorded");
      }
    } else if (body instanceof DsseBody && ((DsseBody) body).signatures().size() == 1) {
      logged = Optional.of(((DsseBody) body).signatures().get(0).verifier());
    } else if (body instanceof DsseV2Body && ((DsseV2Body) body).signatures().size() == 1) {
      logged = Optional.of(((DsseV2Body) body).signatures().get(0).verifier());
    }
    if (logged.isEmpty()) {
      return;
    }
    List<X509Certificate> loggedCerts = logged.get().certificates();
    if (bundle.certificates().isEmpty()) {
      if (!loggedCerts.isEmpty()) {
        throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the bundle names a public key, but the"
            + " log recorded a certificate signer");
      }
      return;
    }
    if (loggedCerts.isEmpty() || !sameEncoding(loggedCerts.get(0), bundle.certificates().get(0))) {
      throw new VerificationException(Stage.ARTIFACT_SIGNATURE,
          "the bundle's signing certificate is not the one the log recorded");
    }
  }

  private static boolean sameEncoding(X509Certificate a, X509Certificate b) {
    try {
      return MessageDigest.isEqual(a.getEncoded(), b.getEncoded());
    } catch (CertificateEncodingException e) {
      return false;
    }
  }
}
