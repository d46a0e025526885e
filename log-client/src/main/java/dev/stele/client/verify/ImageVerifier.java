package dev.stele.client.verify;

import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.oci.CosignBundle;
import dev.stele.client.oci.Digest;
import dev.stele.client.oci.ImageReference;
import dev.stele.client.oci.OciException;
import dev.stele.client.oci.OciSignature;
import dev.stele.client.oci.OciSignatureStore;
import dev.stele.client.oci.RegistryClient;
import dev.stele.client.oci.Repository;
import dev.stele.client.oci.SimpleSigningPayload;
import dev.stele.client.protocol.CanonicalEntry;
import dev.stele.client.protocol.EntryBody;
import dev.stele.client.protocol.EntryId;
import dev.stele.client.protocol.EntryKinds;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.HashedRekordBody;
import dev.stele.client.protocol.InvalidEntryException;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.Pem;
import dev.stele.client.rekor.LogClientException;
import dev.stele.client.rekor.ProposedEntries;
import dev.stele.client.rekor.RekorClient;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Verifies a container image as {@code stele verify} does, for every program that decides on
 * images (the CLI, the admission webhook): the reference is resolved to its manifest digest (a
 * tag only finds the digest; the digest is what is verified), the signatures stored beside the
 * image (cosign's {@code sha256-<hex>.sig} tag) are listed, and the image is accepted only if one
 * of them verifies under a trusted signer <em>and</em> its log entry verifies.
 *
 * <p>For each stored signature, in order:
 *
 * <ol>
 *   <li>the signed payload is a simple-signing payload naming exactly this manifest digest;
 *   <li>the log entry is found: online, in the trusted logs by UUID (the leaf hash of the stored
 *       cosign bundle's body, else of the entry each trusted key would have made), with a fresh
 *       inclusion proof and checkpoint; offline, from the stored cosign bundle (SET only, no
 *       inclusion proof);
 *   <li>the logged signature is the stored one;
 *   <li>{@link EntryVerifier#verify} runs its fixed sequence with the payload as the artifact.
 * </ol>
 *
 * <p>The first signature that passes is the answer. When none passes the exception names the
 * stage of the one that got furthest and lists every signature's reason. A registry or log that
 * cannot be used ends the call at once ({@link OciException}, {@link LogClientException}): that
 * says nothing about the image.
 *
 * <p>Thread-safe when its clients are (they are); build one per trust and reuse it.
 */
public final class ImageVerifier {
  private final RegistryClient registry;
  private final EntryVerifier entries;
  private final List<RekorClient> logs;

  /** Who may have signed the image: public keys, and certificate identities (any one suffices). */
  public record Signers(List<PublicKey> keys, List<IdentityPolicy> identities) {
    public Signers {
      keys = List.copyOf(keys);
      identities = List.copyOf(identities);
      if (keys.isEmpty() && identities.isEmpty()) {
        throw new IllegalArgumentException("no signer to trust: give a public key or a certificate identity");
      }
    }
  }

  /**
   * What was established about an image.
   *
   * @param repository where the image and its signatures are
   * @param digest the manifest digest that was verified
   * @param entry the verified log entry of the signature that passed
   * @param signaturesStored how many signatures were stored for the digest
   */
  public record VerifiedImage(Repository repository, Digest digest, VerifiedEntry entry, int signaturesStored) {
    public VerifiedImage {
      Objects.requireNonNull(repository);
      Objects.requireNonNull(digest);
      Objects.requireNonNull(entry);
    }
  }

  private ImageVerifier(RegistryClient registry, EntryVerifier entries, List<RekorClient> logs) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.entries = Objects.requireNonNull(entries, "entries");
    this.logs = List.copyOf(logs);
  }

  /**
   * Verifies against the logs themselves: each entry is fetched with a fresh inclusion proof and
   * checkpoint, looked up in {@code logs} in order.
   */
  public static ImageVerifier online(RegistryClient registry, EntryVerifier entries, List<RekorClient> logs) {
    if (logs.isEmpty()) {
      throw new IllegalArgumentException("online verification needs at least one log");
    }
    return new ImageVerifier(registry, entries, logs);
  }

  /** Verifies from the cosign bundles stored with the signatures: the SET is checked, no inclusion proof. */
  public static ImageVerifier offline(RegistryClient registry, EntryVerifier entries) {
    return new ImageVerifier(registry, entries, List.of());
  }

  /** The manifest digest the reference names now (a tag is looked up; a digest is checked). */
  public Digest resolve(ImageReference ref) throws OciException {
    return registry.resolve(ref);
  }

  /** Resolves {@code ref} and verifies the digest it names. */
  public VerifiedImage verify(ImageReference ref, Signers signers)
      throws OciException, UnsignedImageException, VerificationException, LogClientException {
    return verify(ref.repository(), resolve(ref), signers);
  }

  /**
   * Verifies the image with manifest {@code digest} in {@code repository}.
   *
   * @throws UnsignedImageException if no signature is stored for the digest
   * @throws VerificationException if none of the stored signatures verifies: the stage of the one
   *     that got furthest, and every signature's reason
   * @throws OciException if the registry cannot be used or a stored signature is malformed
   * @throws LogClientException if a log cannot be used
   */
  public VerifiedImage verify(Repository repository, Digest digest, Signers signers)
      throws OciException, UnsignedImageException, VerificationException, LogClientException {
    List<OciSignature> signatures = new OciSignatureStore(registry).listSignatures(repository, digest);
    if (signatures.isEmpty()) {
      throw new UnsignedImageException(repository, digest);
    }
    List<VerificationException> rejections = new ArrayList<>();
    for (OciSignature sig : signatures) {
      try {
        return new VerifiedImage(repository, digest, verifyOne(sig, digest, signers), signatures.size());
      } catch (VerificationException e) {
        rejections.add(e);
      }
    }
    // None verified: report each, and name the stage of the one that got furthest.
    VerificationException furthest = rejections.get(0);
    StringBuilder sb = new StringBuilder("none of the " + signatures.size() + " signatures stored for "
        + repository + "@" + digest + " verifies:");
    for (int i = 0; i < rejections.size(); i++) {
      VerificationException r = rejections.get(i);
      sb.append(" [").append(i + 1).append("] ").append(r.getMessage()).append(';');
      if (r.stage().ordinal() > furthest.stage().ordinal()) {
        furthest = r;
      }
    }
    sb.setLength(sb.length() - 1);
    throw new VerificationException(furthest.stage(), sb.toString());
  }

  private VerifiedEntry verifyOne(OciSignature sig, Digest digest, Signers signers)
      throws VerificationException, LogClientException {
    SimpleSigningPayload payload;
    try {
      payload = SimpleSigningPayload.parse(sig.payload());
    } catch (OciException e) {
      throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the signed payload is not a simple-signing"
          + " payload: " + e.getMessage(), e);
    }
    if (!payload.manifestDigest().equals(digest)) {
      throw new VerificationException(Stage.ARTIFACT_SIGNATURE, "the signature is for image " + payload.manifestDigest()
          + ", not " + digest);
    }
    Artifact.Digest artifact = Artifact.sha256Of(sig.payload());
    LoggedEntry entry = logs.isEmpty() ? fromCosignBundle(sig) : fetch(sig, artifact, signers.keys());
    checkSameSignature(sig, entry);
    // One entry, checked against each accepted identity in turn (keys are checked the same way
    // every time): the first that passes wins, else the failure that got furthest.
    List<Optional<IdentityPolicy>> variants = new ArrayList<>();
    if (signers.identities().isEmpty()) {
      variants.add(Optional.empty());
    } else {
      signers.identities().forEach(i -> variants.add(Optional.of(i)));
    }
    VerificationException furthest = null;
    for (Optional<IdentityPolicy> identity : variants) {
      Expected.Builder expected = Expected.builder(artifact).trustedKeys(signers.keys());
      identity.ifPresent(expected::identities);
      if (logs.isEmpty()) {
        expected.inclusionProofOptional();
      }
      try {
        return entries.verify(entry, expected.build());
      } catch (VerificationException e) {
        if (furthest == null || e.stage().ordinal() > furthest.stage().ordinal()) {
          furthest = e;
        }
      }
    }
    throw furthest;
  }

  /** The entry the stored cosign bundle describes (no inclusion proof). */
  private static LoggedEntry fromCosignBundle(OciSignature sig) throws VerificationException {
    if (sig.bundle() == null) {
      throw new VerificationException(Stage.LOG, "the signature has no cosign bundle: it cannot be verified"
          + " offline (verify online with --log-url)");
    }
    CosignBundle b;
    try {
      b = CosignBundle.parse(sig.bundle());
    } catch (OciException e) {
      throw new VerificationException(Stage.LOG, "the stored cosign bundle is malformed: " + e.getMessage(), e);
    }
    return new LoggedEntry(EntryId.ofUuid(Rfc6962.hashLeaf(b.body())), b.body(), b.integratedTime(),
        Hash.fromHex(b.logId()), b.logIndex(), Optional.of(b.signedEntryTimestamp()), Optional.empty(), Optional.empty());
  }

  /**
   * The entry in the logs, with a fresh proof: found by the leaf hash of the stored bundle's body,
   * or, without a bundle, of the entry each trusted key would have made.
   */
  private LoggedEntry fetch(OciSignature sig, Artifact.Digest artifact, List<PublicKey> trusted)
      throws VerificationException, LogClientException {
    List<Hash> candidates = new ArrayList<>();
    if (sig.bundle() != null) {
      try {
        candidates.add(Rfc6962.hashLeaf(CosignBundle.parse(sig.bundle()).body()));
      } catch (OciException e) {
        // fall through to the keys
      }
    }
    for (PublicKey k : trusted) {
      try {
        CanonicalEntry c = EntryKinds.canonicalize(ProposedEntries.hashedRekord(HashAlgorithm.SHA256,
            artifact.digest(), sig.signatureBytes(), Pem.encode("PUBLIC KEY", k.getEncoded())));
        candidates.add(c.leafHash());
      } catch (InvalidEntryException | IllegalArgumentException e) {
        // the signature is not by this key
      }
    }
    for (RekorClient log : logs) {
      for (Hash leaf : candidates) {
        Optional<LoggedEntry> e = log.getByUuid(EntryId.ofUuid(leaf));
        if (e.isPresent()) {
          return e.get();
        }
      }
    }
    List<String> urls = new ArrayList<>();
    logs.forEach(l -> urls.add(l.baseUrl().toString()));
    throw new VerificationException(Stage.LOG, (urls.size() == 1 ? "the log at " + urls.get(0) + " has"
        : "none of the logs " + urls + " has") + " no entry for this signature (looked up " + candidates.size()
        + " candidate UUIDs)");
  }

  private static void checkSameSignature(OciSignature sig, LoggedEntry entry) throws VerificationException {
    EntryBody body;
    try {
      body = EntryKinds.parseBody(entry.body());
    } catch (FormatException e) {
      return; // the verifier reports an unparsable body
    }
    if (body instanceof HashedRekordBody
        && !MessageDigest.isEqual(((HashedRekordBody) body).signature(), sig.signatureBytes())) {
      throw new VerificationException(Stage.ARTIFACT_SIGNATURE,
          "the stored signature is not the one the log recorded for this payload");
    }
  }
}
