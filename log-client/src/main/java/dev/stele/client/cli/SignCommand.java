package dev.stele.client.cli;

import dev.stele.client.protocol.Encodings;
import dev.stele.client.crypto.Signer;
import dev.stele.client.oci.CosignBundle;
import dev.stele.client.oci.Digest;
import dev.stele.client.oci.ImageReference;
import dev.stele.client.oci.OciException;
import dev.stele.client.oci.OciSignature;
import dev.stele.client.oci.OciSignatureStore;
import dev.stele.client.oci.RegistryClient;
import dev.stele.client.oci.SimpleSigningPayload;
import dev.stele.client.protocol.LoggedEntry;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
    Recorded rec = Recorded.signAndRecord(signer, key, payload, log, this::note);
    LoggedEntry entry = rec.entry();
    byte[] set = entry.signedEntryTimestamp().orElseThrow(() -> new CliException(ExitCode.REFUSED,
        "the log returned the entry without a signed entry timestamp, which the cosign bundle needs"));
    CosignBundle cosign = new CosignBundle(set, entry.body(), entry.integratedTime(), entry.logIndex(),
        entry.logId().hex());
    OciSignatureStore.StoreResult stored;
    try {
      stored = new OciSignatureStore(registryClient).storeSignature(ref.repository(), digest,
          OciSignature.of(payload, Encodings.base64(rec.signature()), cosign.toJson()));
    } catch (OciException e) {
      throw Failures.of(e);
    }
    if (bundle != null) rec.writeBundle(signer, bundle);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("ok", true);
    r.put("image", ref.repository() + "@" + digest);
    r.put("signatureTag", OciSignatureStore.signatureTag(digest));
    r.put("signatures", stored.signatureCount());
    r.put("uuid", entry.id().toString());
    r.put("logIndex", entry.logIndex());
    r.put("alreadyRecorded", rec.submission().alreadyRecorded());
    r.put("verified", rec.verified());
    print(r);
    return ExitCode.OK.code;
  }
}
