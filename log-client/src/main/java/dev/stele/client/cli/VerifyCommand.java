package dev.stele.client.cli;

import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.oci.CosignBundle;
import dev.stele.client.oci.Digest;
import dev.stele.client.oci.ImageReference;
import dev.stele.client.oci.OciException;
import dev.stele.client.oci.OciSignature;
import dev.stele.client.oci.OciSignatureStore;
import dev.stele.client.oci.RegistryClient;
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
import dev.stele.client.verify.Artifact;
import dev.stele.client.verify.EntryVerifier;
import dev.stele.client.verify.Expected;
import dev.stele.client.verify.IdentityPolicy;
import dev.stele.client.verify.Stage;
import dev.stele.client.verify.VerificationException;
import dev.stele.client.verify.VerifiedEntry;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Verify a container image: resolve IMAGE to its manifest digest (a tag is only a way to"
        + " find the digest; the digest is what is verified), list the signatures stored for that digest,"
        + " and accept the image only if one of them verifies under a trusted signer AND its log entry"
        + " verifies.",
        "Online (default), the entry is fetched from --log-url with a fresh inclusion proof and checkpoint,"
            + " and its SET is checked. --offline uses the cosign bundle stored with the signature: the SET"
            + " is checked, there is no inclusion proof in that bundle."})
final class VerifyCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "IMAGE", description = "host[:port]/repository[:tag][@sha256:digest]")
  String image;

  @Option(names = "--key", paramLabel = "FILE", description = "A trusted signer's public key (PEM); repeatable.")
  List<Path> keys = new ArrayList<>();

  @Option(names = "--offline", description = "Verify from the stored cosign bundle, without the log.")
  boolean offline;

  @Mixin
  LogOptions log;

  @Mixin
  IdentityOptions identity;

  @Mixin
  RegistryOptions registry;

  /** Why one signature was not accepted. */
  private record Rejection(int index, Stage stage, String message) {}

  @Override
  public Integer call() throws CliException {
    ImageReference ref = RegistryOptions.parse(image);
    List<PublicKey> trusted = new ArrayList<>();
    for (Path k : keys) {
      trusted.add(Keys.publicKey(k));
    }
    Optional<IdentityPolicy> identities = identity.policy();
    if (trusted.isEmpty() && identities.isEmpty()) {
      throw new CliException(ExitCode.USAGE, "no signer to trust: give --key with the signer's public key"
          + " (or certificate identity flags)");
    }
    EntryVerifier verifier = new EntryVerifier(log.trust());
    RekorClient client = offline ? null : log.client();
    RegistryClient registryClient = registry.client(root(), ref);
    Digest digest;
    List<OciSignature> signatures;
    try {
      digest = registryClient.resolve(ref);
      signatures = new OciSignatureStore(registryClient).listSignatures(ref.repository(), digest);
    } catch (OciException e) {
      throw Failures.of(e);
    }
    if (signatures.isEmpty()) {
      throw new CliException(ExitCode.NO_SIGNATURE, "no signature is stored for " + ref.repository() + "@" + digest
          + " (tag " + OciSignatureStore.signatureTag(digest) + "): sign it with 'stele sign'");
    }
    List<Rejection> rejections = new ArrayList<>();
    for (int i = 0; i < signatures.size(); i++) {
      OciSignature sig = signatures.get(i);
      try {
        VerifiedEntry v = verifyOne(sig, digest, trusted, identities, verifier, client);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("ok", true);
        r.put("image", ref.repository() + "@" + digest);
        r.put("signer", Describe.signer(v.signer()));
        r.put("logIndex", v.entry().logIndex());
        r.put("integratedTime", v.signedTime().map(Object::toString).orElse("(no SET)"));
        r.put("checkpointSize", v.checkpoint().map(c -> (Object) c.size()).orElse("(offline: no inclusion proof)"));
        r.put("signaturesStored", signatures.size());
        print(r);
        return ExitCode.OK.code;
      } catch (VerificationException e) {
        rejections.add(new Rejection(i + 1, e.stage(), e.getMessage()));
      } catch (LogClientException e) {
        throw Failures.of(e);
      }
    }
    // None verified: report each, and exit with the stage of the one that got furthest.
    Rejection furthest = rejections.get(0);
    StringBuilder sb = new StringBuilder("none of the " + signatures.size() + " signatures stored for "
        + ref.repository() + "@" + digest + " verifies:");
    for (Rejection r : rejections) {
      sb.append(" [").append(r.index()).append("] ").append(r.message()).append(';');
      if (r.stage().ordinal() > furthest.stage().ordinal()) {
        furthest = r;
      }
    }
    sb.setLength(sb.length() - 1);
    throw Failures.of(new VerificationException(furthest.stage(), sb.toString()));
  }

  private VerifiedEntry verifyOne(OciSignature sig, Digest digest, List<PublicKey> trusted,
      Optional<IdentityPolicy> identities, EntryVerifier verifier, RekorClient client)
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
    Expected.Builder expected = Expected.builder(artifact).trustedKeys(trusted);
    identities.ifPresent(expected::identities);
    LoggedEntry entry;
    if (offline) {
      entry = fromCosignBundle(sig);
      expected.inclusionProofOptional();
    } else {
      entry = fetch(sig, artifact, trusted, client);
    }
    checkSameSignature(sig, entry);
    return verifier.verify(entry, expected.build());
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
   * The entry in the log, with a fresh proof: found by the leaf hash of the stored bundle's body,
   * or, without a bundle, of the entry each trusted key would have made.
   */
  private static LoggedEntry fetch(OciSignature sig, Artifact.Digest artifact, List<PublicKey> trusted,
      RekorClient client) throws VerificationException, LogClientException {
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
    for (Hash leaf : candidates) {
      Optional<LoggedEntry> e = client.getByUuid(EntryId.ofUuid(leaf));
      if (e.isPresent()) {
        return e.get();
      }
    }
    throw new VerificationException(Stage.LOG, "the log at " + client.baseUrl() + " has no entry for this"
        + " signature (looked up " + candidates.size() + " candidate UUIDs)");
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
