package dev.stele.monitor;

import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.crypto.Signer;
import dev.stele.client.crypto.Signers;
import dev.stele.client.keys.KeyFiles;
import dev.stele.client.protocol.EntryKinds;
import dev.stele.client.protocol.HashedRekordBody;
import dev.stele.client.protocol.KeyMaterial;
import dev.stele.merkle.Rfc6962;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;

/** A signer of artifacts: real ECDSA P-256 hashedrekord 0.0.1 bodies, which are also valid proposals. */
final class TestEntries {
  final KeyPair pair;
  private final Signer signer;
  private final KeyMaterial key;

  TestEntries() throws Exception {
    pair = KeyFiles.generateEcdsaP256();
    signer = Signers.forKeyPair(pair);
    key = KeyMaterial.parse(KeyFiles.encodePublicKey(pair.getPublic()).getBytes(StandardCharsets.US_ASCII));
  }

  /** The canonical hashedrekord body for a signature over {@code artifact}. */
  byte[] body(String artifact) throws Exception {
    byte[] data = artifact.getBytes(StandardCharsets.UTF_8);
    String digest = Rfc6962.sha256(data).hex();
    return EntryKinds.canonicalBody(new HashedRekordBody(HashAlgorithm.SHA256, digest, signer.sign(data), key));
  }

  /** {@code sha256:<hex>} of {@code artifact}. */
  static String digest(String artifact) {
    return "sha256:" + Rfc6962.sha256(artifact.getBytes(StandardCharsets.UTF_8)).hex();
  }

  /** Writes the public key as PEM. */
  Path writePublicKey(Path file) throws Exception {
    KeyFiles.writePublicKey(file, pair.getPublic());
    return file;
  }
}
