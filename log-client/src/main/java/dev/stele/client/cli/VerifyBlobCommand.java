package dev.stele.client.cli;

import dev.stele.client.protocol.Encodings;
import dev.stele.client.bundle.Bundle;
import dev.stele.client.bundle.BundleVerifier;
import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.verify.Artifact;
import dev.stele.client.verify.IdentityPolicy;
import dev.stele.client.verify.VerificationException;
import dev.stele.client.verify.VerifiedEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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

@Command(name = "verify-blob", mixinStandardHelpOptions = true,
    description = {"Verify a file against a Sigstore bundle (v0.1 to v0.3), offline: the signature over the"
        + " file, the signer (--key, or a certificate from a trusted CA with the identity asked for), and the"
        + " log's evidence (inclusion proof, checkpoint, SET) under --trusted-root or --log-key.",
        "A DSSE bundle may be verified without FILE; with FILE, its in-toto statement must name the file."})
final class VerifyBlobCommand extends BaseCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "The signed file.")
  Path file;

  @Option(names = "--artifact-digest", paramLabel = "ALG:HEX",
      description = "The signed artifact's digest instead of FILE, e.g. sha256:9f86d0...")
  String artifactDigest;

  @Option(names = "--bundle", paramLabel = "FILE", required = true, description = "The Sigstore bundle.")
  Path bundle;

  @Option(names = "--key", paramLabel = "FILE",
      description = "A trusted signer's public key (PEM); repeat for several.")
  List<Path> keys = new ArrayList<>();

  @Mixin
  LogOptions log;

  @Mixin
  IdentityOptions identity;

  @Mixin
  WitnessOptions witnesses;

  @Override
  public Integer call() throws CliException {
    Bundle b;
    try {
      b = Bundle.parse(Keys.readBytes(bundle, "bundle"));
    } catch (FormatException e) {
      throw new CliException(ExitCode.INPUT, "the bundle " + bundle + " is malformed: " + e.getMessage());
    }
    if (file != null && artifactDigest != null) {
      throw new CliException(ExitCode.USAGE, "give FILE or --artifact-digest, not both");
    }
    Optional<Artifact.Digest> artifact = Optional.empty();
    if (file != null) {
      artifact = Optional.of(digestOf(file, b.artifactDigestAlgorithm()));
    } else if (artifactDigest != null) {
      artifact = Optional.of(parseDigest(artifactDigest));
    } else if (b.messageSignature().isPresent()) {
      throw new CliException(ExitCode.USAGE, "the bundle signs a file: give FILE (or --artifact-digest)");
    }
    List<PublicKey> trusted = new ArrayList<>();
    for (Path k : keys) {
      trusted.add(Keys.publicKey(k));
    }
    Optional<IdentityPolicy> identities = identity.policy();
    if (trusted.isEmpty() && identities.isEmpty()) {
      throw new CliException(ExitCode.USAGE, b.certificates().isEmpty()
          ? "no signer to trust: give --key with the signer's public key"
          : "the bundle is signed with a certificate: give --certificate-identity and --certificate-oidc-issuer"
              + " (or their -regexp forms), or --any-identity to accept any signer the CA certified");
    }
    List<VerifiedEntry> verified;
    try {
      verified = new BundleVerifier(log.trust(), witnesses.policy()).verify(b, artifact, trusted, identities);
    } catch (VerificationException e) {
      throw Failures.of(e);
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("ok", true);
    VerifiedEntry v = verified.get(0);
    r.put("artifact", artifact.map(Artifact.Digest::toString).orElse("(the DSSE envelope)"));
    r.put("kind", v.kind());
    r.put("signer", Describe.signer(v.signer()));
    r.put("logIndex", v.entry().logIndex());
    r.put("integratedTime", v.signedTime().map(Object::toString).orElse("(no SET)"));
    r.put("checkpointSize", v.checkpoint().map(c -> (Object) c.size()).orElse("(no inclusion proof)"));
    r.put("log", v.log().baseUrl().toString());
    witnesses.addCosigners(r, v.entry());
    print(r);
    return ExitCode.OK.code;
  }

  static Artifact.Digest digestOf(Path file, HashAlgorithm algorithm) throws CliException {
    MessageDigest md = algorithm.newDigest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCode.INPUT, "no artifact file " + file);
    } catch (IOException e) {
      throw new CliException(ExitCode.INPUT, "cannot read the artifact " + file + ": " + e);
    }
    return Artifact.digest(algorithm, md.digest());
  }

  static Artifact.Digest parseDigest(String text) throws CliException {
    int colon = text.indexOf(':');
    Optional<HashAlgorithm> alg = colon < 0 ? Optional.empty() : HashAlgorithm.fromRekorName(text.substring(0, colon));
    if (alg.isEmpty()) {
      throw new CliException(ExitCode.USAGE, "--artifact-digest must be sha256:HEX, sha384:HEX or sha512:HEX");
    }
    String hex = text.substring(colon + 1);
    if (hex.length() != alg.get().hexLength()) {
      throw new CliException(ExitCode.USAGE, "--artifact-digest: a " + alg.get() + " digest is "
          + alg.get().hexLength() + " hex digits");
    }
    try {
      return Artifact.digest(alg.get(), Encodings.hex("--artifact-digest", hex));
    } catch (FormatException e) {
      throw new CliException(ExitCode.USAGE, e.getMessage());
    }
  }
}
