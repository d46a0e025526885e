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
import java.util.List;
import java.util.function.Consumer;

/**
 * A message signed and recorded in the log as a hashedrekord entry: what {@code sign} (the
 * simple-signing payload of an image) and {@code sign-blob} (a file) share.
 *
 * @param digest the SHA-256 digest of the message, which the entry names
 * @param signature the signature over the message
 * @param submission the log's answer
 * @param verified whether the answer was verified against the log's trust (proof, checkpoint,
 *     SET, and the signature under the signer's key)
 */
record Recorded(byte[] digest, byte[] signature, RekorClient.Submission submission, boolean verified) {

  /**
   * Signs {@code message} with {@code signer}, records it, and verifies the log's answer when
   * {@code log} has a trusted root or log key (else {@code warn} says that it was not verified).
   */
  static Recorded signAndRecord(Signer signer, Path key, byte[] message, LogOptions log, Consumer<String> warn)
      throws CliException {
    byte[] digest = HashAlgorithm.SHA256.digest(message);
    byte[] signature;
    try {
      signature = signer.sign(message);
    } catch (GeneralSecurityException e) {
      throw new CliException(ExitCode.INPUT, "the key " + key + " cannot sign: " + e.getMessage());
    }
    String pem = Pem.encode("PUBLIC KEY", signer.publicKey().getEncoded());
    RekorClient.Submission s;
    try {
      s = log.rekorApi() == 2
          ? log.client().submitV2(ProposedEntries.hashedRekordV2(digest, signature, signer.publicKey(),
              "PKIX_ECDSA_P256_SHA_256"))
          : log.client().submit(ProposedEntries.hashedRekord(HashAlgorithm.SHA256, digest, signature, pem));
    } catch (LogClientException e) {
      throw Failures.of(e);
    }
    boolean verified = false;
    if (log.hasTrust()) {
      try {
        new EntryVerifier(log.trust()).verify(s.entry(),
            Expected.builder(Artifact.digest(HashAlgorithm.SHA256, digest)).trustedKey(signer.publicKey()).build());
        verified = true;
      } catch (VerificationException e) {
        throw Failures.of(e);
      }
    } else {
      warn.accept("warning: the log's answer was not verified (give --trusted-root or --log-key to check it)");
    }
    return new Recorded(digest, signature, s, verified);
  }

  LoggedEntry entry() {
    return submission.entry();
  }

  /** Writes a Sigstore bundle (v0.3) of this signature and its log entry to {@code file}. */
  void writeBundle(Signer signer, Path file) throws CliException {
    Bundle b;
    try {
      // The client checked that the entry is the one proposed, so it holds this very signature.
      b = Bundle.forMessageSignature(PublicKeys.logId(signer.publicKey()).hex(),
          Artifact.digest(HashAlgorithm.SHA256, digest), signature, List.of(Bundle.tlogEntry(entry())));
    } catch (FormatException e) {
      throw new CliException(ExitCode.REFUSED, "the log returned an entry this client cannot read: " + e.getMessage());
    }
    try {
      Files.writeString(file, b.toJson() + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliException(ExitCode.INPUT, "cannot write the bundle " + file + ": " + e);
    }
  }
}
