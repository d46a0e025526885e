package dev.stele.client.cli;

import dev.stele.client.bundle.Bundle;
import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.Signer;
import dev.stele.client.oci.CosignBundle;
import dev.stele.client.oci.Digest;
import dev.stele.client.oci.ImageReference;
import dev.stele.client.oci.OciException;
import dev.stele.client.oci.OciSignature;
import dev.stele.client.oci.OciSignatureStore;
import dev.stele.client.oci.RegistryClient;
import dev.stele.client.oci.SimpleSigningPayload;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.Pem;
import dev.stele.client.rekor.LogClientException;
import dev.stele.client.rekor.ProposedEntries;
import dev.stele.client.rekor.RekorClient;
import dev.stele.client.verify.Artifact;
import dev.stele.client.verify.EntryVerifier;
import dev.stele.client.verify.Expected;
import dev.stele.client.verify.VerificationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sign", mixinStandardHelpOptions = true,
    description = {"Sign a container image: resolve IMAGE to its manifest digest, sign the cosign"
        + " simple-signing payload for that digest, record the signature in the log, and store it beside the"
        + " image (tag sha256-<digest>.sig, signature and cosign bundle in the layer annotations).",
        "With --trusted-root or --log-key, the log's answer is verified before anything is stored."})
final class SignCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "IMAGE", description = "host[:port]/repository[:tag][@sha256:digest]")
  String image;

  @Option(names = "--key", paramLabel = "FILE", required = true,
      description = "The private key (ECDSA P-256, PKCS#8 PEM; password from $STELE_KEY_PASSWORD or a prompt).")
  Path key;

  @Option(names = "--bundle", paramLabel = "FILE",
      description = "Also write a Sigstore bundle (v0.3) of the signature over the payload.")
  Path bundle;

  @Mixin
  LogOptions log;

  @Mixin
  RegistryOptions registry;

  @Override
  public Integer call() throws CliException {
    ImageReference ref = RegistryOptions.parse(image);
    Signer signer = Keys.signer(root(), key);
    Keys.requireEcdsa(signer, key);
    RegistryClient registryClient = registry.client(root(), ref);
    Digest digest;
    try {
      digest = registryClient.resolve(ref);
    } catch (OciException e) {
      throw Failures.of(e);
    }
    byte[] payload = SimpleSigningPayload.forImage(ref.repository(), digest).toBytes();
    byte[] payloadDigest = HashAlgorithm.SHA256.digest(payload);
    byte[] signature;
    try {
      signature = signer.sign(payload);
    } catch (GeneralSecurityException e) {
      throw new CliException(ExitCode.INPUT, "the key " + key + " cannot sign: " + e.getMessage());
    }
    String pem = Pem.encode("PUBLIC KEY", signer.publicKey().getEncoded());
    RekorClient client = log.client();
    RekorClient.Submission s;
    try {
      s = client.submit(ProposedEntries.hashedRekord(HashAlgorithm.SHA256, payloadDigest, signature, pem));
    } catch (LogClientException e) {
      throw Failures.of(e);
    }
    LoggedEntry entry = s.entry();
    boolean verified = false;
    if (log.hasTrust()) {
      try {
        new EntryVerifier(log.trust()).verify(entry,
            Expected.builder(Artifact.digest(HashAlgorithm.SHA256, payloadDigest)).trustedKey(signer.publicKey()).build());
        verified = true;
      } catch (VerificationException e) {
        throw Failures.of(e);
      }
    } else {
      note("warning: the log's answer was not verified (give --trusted-root or --log-key to check it)");
    }
    byte[] set = entry.signedEntryTimestamp().orElseThrow(() -> new CliException(ExitCode.REFUSED,
        "the log returned the entry without a signed entry timestamp, which the cosign bundle needs"));
    CosignBundle cosign = new CosignBundle(set, entry.body(), entry.integratedTime(), entry.logIndex(),
        entry.logId().hex());
    OciSignatureStore.StoreResult stored;
    try {
      stored = new OciSignatureStore(registryClient).storeSignature(ref.repository(), digest,
          OciSignature.of(payload, Base64.getEncoder().encodeToString(signature), cosign.toJson()));
    } catch (OciException e) {
      throw Failures.of(e);
    }
    if (bundle != null) {
      try {
        Bundle b = Bundle.forMessageSignature(PublicKeys.logId(signer.publicKey()).hex(),
            Artifact.digest(HashAlgorithm.SHA256, payloadDigest), signature, List.of(Bundle.tlogEntry(entry)));
        Files.writeString(bundle, b.toJson() + "\n", StandardCharsets.UTF_8);
      } catch (FormatException e) {
        throw new CliException(ExitCode.REFUSED, "the log returned an entry this client cannot read: " + e.getMessage());
      } catch (IOException e) {
        throw new CliException(ExitCode.INPUT, "cannot write the bundle " + bundle + ": " + e);
      }
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("ok", true);
    r.put("image", ref.repository() + "@" + digest);
    r.put("signatureTag", OciSignatureStore.signatureTag(digest));
    r.put("signatures", stored.signatureCount());
    r.put("uuid", entry.id().toString());
    r.put("logIndex", entry.logIndex());
    r.put("alreadyRecorded", s.alreadyRecorded());
    r.put("verified", verified);
    print(r);
    return ExitCode.OK.code;
  }
}
