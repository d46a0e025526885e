package dev.stele.client.cli;

import dev.stele.client.oci.ImageReference;
import dev.stele.client.oci.OciException;
import dev.stele.client.oci.RegistryClient;
import dev.stele.client.rekor.LogClientException;
import dev.stele.client.rekor.RekorClient;
import dev.stele.client.verify.EntryVerifier;
import dev.stele.client.verify.IdentityPolicy;
import dev.stele.client.verify.ImageVerifier;
import dev.stele.client.verify.UnsignedImageException;
import dev.stele.client.verify.VerificationException;
import java.nio.file.Path;
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

  @Mixin
  WitnessOptions witnesses;

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
    EntryVerifier verifier = new EntryVerifier(log.trust(), witnesses.policy());
    RekorClient client = offline ? null : log.client();
    RegistryClient registryClient = registry.client(root(), ref);
    ImageVerifier images = offline ? ImageVerifier.offline(registryClient, verifier)
        : ImageVerifier.online(registryClient, verifier, List.of(client));
    ImageVerifier.VerifiedImage v;
    try {
      v = images.verify(ref, new ImageVerifier.Signers(trusted, identities.map(List::of).orElse(List.of())));
    } catch (OciException e) {
      throw Failures.of(e);
    } catch (UnsignedImageException e) {
      throw new CliException(ExitCode.NO_SIGNATURE, e.getMessage() + ": sign it with 'stele sign'");
    } catch (VerificationException e) {
      throw Failures.of(e);
    } catch (LogClientException e) {
      throw Failures.of(e);
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("ok", true);
    r.put("image", v.repository() + "@" + v.digest());
    r.put("signer", Describe.signer(v.entry().signer()));
    r.put("logIndex", v.entry().entry().logIndex());
    r.put("integratedTime", v.entry().signedTime().map(Object::toString).orElse("(no SET)"));
    r.put("checkpointSize", v.entry().checkpoint().map(c -> (Object) c.size()).orElse("(offline: no inclusion proof)"));
    r.put("signaturesStored", v.signaturesStored());
    witnesses.addCosigners(r, v.entry().entry());
    print(r);
    return ExitCode.OK.code;
  }
}
