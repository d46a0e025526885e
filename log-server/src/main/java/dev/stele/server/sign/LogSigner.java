package dev.stele.server.sign;

import dev.stele.client.crypto.KeyType;
import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.Signer;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.NoteKeys;
import dev.stele.client.protocol.NoteSigner;
import dev.stele.client.protocol.NoteVerifier;
import dev.stele.client.protocol.Pem;
import dev.stele.client.protocol.SetPayload;
import dev.stele.client.protocol.SignedNote;
import dev.stele.merkle.Hash;
import dev.stele.server.sequencer.Sequencer;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.util.List;

/**
 * The log's signing identity: signs checkpoints and signed entry timestamps with the log key.
 *
 * <p>The key is ECDSA P-256, the one type whose checkpoint key ID is the same for Rekor v1, C2SP
 * and both Sigstore clients. The checkpoint signer name and origin host is the bare host of the
 * URL clients use; the origin is {@code "<host> - <treeID>"} as Rekor v1 writes it.
 *
 * <p>Holds the private key only inside the {@link Signer}; {@code toString()} names the public key.
 */
public final class LogSigner implements Sequencer.Signer {
  private final Signer signer;
  private final Hash logId;
  private final String signerName;
  private final String origin;
  private final NoteSigner noteSigner;
  private final NoteVerifier noteVerifier;

  /**
   * @param signer the log key
   * @param host the bare host of the log's public URL (no scheme, no port)
   * @param treeId the log's tree ID
   * @throws InvalidKeyException unless the key is ECDSA P-256
   */
  public LogSigner(Signer signer, String host, long treeId) throws InvalidKeyException {
    KeyType type = PublicKeys.typeOf(signer.publicKey());
    if (type != KeyType.ECDSA_P256) {
      throw new InvalidKeyException("the log key must be ECDSA P-256 (both Sigstore clients need it), got " + type);
    }
    if (host.isEmpty() || host.contains(":") && !host.startsWith("[") || host.contains("/")) {
      throw new IllegalArgumentException("checkpoint signer name must be a bare host, got '" + host + "'");
    }
    this.signer = signer;
    this.logId = PublicKeys.logId(signer.publicKey());
    this.signerName = host;
    this.origin = Checkpoint.rekorOrigin(host, treeId);
    this.noteSigner = NoteKeys.rekorSigner(host, signer);
    this.noteVerifier = NoteKeys.rekorVerifier(host, signer.publicKey());
  }

  @Override
  public String signCheckpoint(long size, Hash root) throws GeneralSecurityException {
    return SignedNote.sign(new Checkpoint(origin, size, root).text(), List.of(noteSigner)).format();
  }

  /**
   * The checkpoint of the same tree head under the Rekor v2 (C2SP) origin, the bare host: the
   * same key, name and key ID as {@link #signCheckpoint}, another origin line (docs/protocol.md 9.1).
   */
  public String signCheckpointV2(long size, Hash root) throws GeneralSecurityException {
    return SignedNote.sign(new Checkpoint(signerName, size, root).text(), List.of(noteSigner)).format();
  }

  @Override
  public byte[] signEntryTimestamp(byte[] body, long integratedTime, long index)
      throws GeneralSecurityException {
    return signer.sign(SetPayload.bytes(body, integratedTime, logId, index));
  }

  /** SHA-256 of the log key's DER SubjectPublicKeyInfo: the Rekor log ID. */
  public Hash logId() {
    return logId;
  }

  public PublicKey publicKey() {
    return signer.publicKey();
  }

  /** The public key as PEM, as {@code GET /api/v1/log/publicKey} serves it. */
  public String publicKeyPem() {
    return Pem.encode("PUBLIC KEY", signer.publicKey().getEncoded());
  }

  public String signerName() {
    return signerName;
  }

  public String origin() {
    return origin;
  }

  /** Verifies checkpoints this log signed (used on the store at start-up). */
  public NoteVerifier noteVerifier() {
    return noteVerifier;
  }

  @Override
  public String toString() {
    return "LogSigner[" + signerName + ", " + PublicKeys.describe(signer.publicKey()) + "]";
  }
}
