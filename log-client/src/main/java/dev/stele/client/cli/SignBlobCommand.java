package dev.stele.client.cli;

import dev.stele.client.bundle.Bundle;
import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.Signer;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sign-blob", mixinStandardHelpOptions = true,
    description = {"Sign a file, record the signature in the log (a hashedrekord entry), and write a Sigstore"
        + " bundle (v0.3: inclusion proof, checkpoint and SET) that verify-blob, cosign and sigstore-js verify.",
        "With --trusted-root or --log-key, the log's answer is verified before the bundle is written."})
final class SignBlobCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "FILE", description = "The file to sign.")
  Path file;

  @Option(names = "--key", paramLabel = "FILE", required = true,
      description = "The private key (ECDSA P-256, PKCS#8 PEM; password from $STELE_KEY_PASSWORD or a prompt).")
  Path key;

  @Option(names = "--bundle", paramLabel = "FILE", required = true, description = "Where to write the bundle.")
  Path bundle;

  @Mixin
  LogOptions log;

  @Override
  public Integer call() throws CliException {
    byte[] content = Keys.readBytes(file, "artifact");
    Signer signer = Keys.signer(root(), key);
    Keys.requireEcdsa(signer, key);
    byte[] digest = HashAlgorithm.SHA256.digest(content);
    byte[] signature;
    try {
      signature = signer.sign(content);
    } catch (GeneralSecurityException e) {
      throw new CliException(ExitCode.INPUT, "the key " + key + " cannot sign: " + e.getMessage());
    }
    String pem = Pem.encode("PUBLIC KEY", signer.publicKey().getEncoded());
    RekorClient client = log.client();
    RekorClient.Submission s;
    try {
      s = client.submit(ProposedEntries.hashedRekord(HashAlgorithm.SHA256, digest, signature, pem));
    } catch (LogClientException e) {
      throw Failures.of(e);
    }
    LoggedEntry entry = s.entry();
    boolean verified = false;
    if (log.hasTrust()) {
      try {
        new EntryVerifier(log.trust()).verify(entry,
            Expected.builder(Artifact.digest(HashAlgorithm.SHA256, digest)).trustedKey(signer.publicKey()).build());
        verified = true;
      } catch (VerificationException e) {
        throw Failures.of(e);
      }
    } else {
      note("warning: the log's answer was not verified (give --trusted-root or --log-key to check it)");
    }
    Bundle b;
    try {
      // The client checked that the entry is the one proposed, so it holds this very signature.
      b = Bundle.forMessageSignature(PublicKeys.logId(signer.publicKey()).hex(),
          Artifact.digest(HashAlgorithm.SHA256, digest), signature, List.of(Bundle.tlogEntry(entry)));
    } catch (FormatException e) {
      throw new CliException(ExitCode.REFUSED, "the log returned an entry this client cannot read: " + e.getMessage());
    }
    try {
      Files.writeString(bundle, b.toJson() + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliException(ExitCode.INPUT, "cannot write the bundle " + bundle + ": " + e);
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("ok", true);
    r.put("uuid", entry.id().toString());
    r.put("logIndex", entry.logIndex());
    r.put("integratedTime", entry.integratedTime());
    r.put("alreadyRecorded", s.alreadyRecorded());
    r.put("verified", verified);
    r.put("bundle", bundle.toString());
    print(r);
    return ExitCode.OK.code;
  }
}
