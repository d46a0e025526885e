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
 * <p>With a second, Ed25519 checkpoint key (ARCHITECTURE.md decision 7; witness networks verify
 * only C2SP Ed25519 log signatures), every checkpoint carries two signature lines under the same
 * name: the ECDSA line first (sigstore-java checks only the first line with the log's name), then
 * the Ed25519 line (C2SP signed-note type 0x01).
 *
 * <p>Holds the private key only inside the {@link Signer}; {@code toString()} names the public key.
 */
public final class LogSigner implements Sequencer.Signer {
  private final Signer signer;
  private final Hash logId;
  private final String signerName;
  private final String origin;
  private final List<NoteSigner> noteSigners;
  private final NoteVerifier noteVerifier;
  private final String checkpointVkey;

  /**
   * @param signer the log key
   * @param host the bare host of the log's public URL (no scheme, no port)
   * @param treeId the log's tree ID
   * @throws InvalidKeyException unless the key is ECDSA P-256
   */
  public LogSigner(Signer signer, String host, long treeId) throws InvalidKeyException {
    this(signer, null, host, treeId);
  }

  /**
   * @param signer the log key
   * @param checkpointKey the Ed25519 checkpoint key, or null for checkpoints with one line
   * @param host the bare host of the log's public URL (no scheme, no port)
   * @param treeId the log's tree ID
   * @throws InvalidKeyException unless the log key is ECDSA P-256 and the checkpoint key Ed25519
   */
  public LogSigner(Signer signer, Signer checkpointKey, String host, long treeId) throws InvalidKeyException {
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
    this.noteVerifier = NoteKeys.rekorVerifier(host, signer.publicKey());
    if (checkpointKey == null) {
      this.noteSigners = List.of(NoteKeys.rekorSigner(host, signer));
      this.checkpointVkey = null;
    } else {
      if (PublicKeys.typeOf(checkpointKey.publicKey()) != KeyType.ED25519) {
        throw new InvalidKeyException("the checkpoint key must be Ed25519, got "
            + PublicKeys.typeOf(checkpointKey.publicKey()));
      }
      this.noteSigners = List.of(NoteKeys.rekorSigner(host, signer), NoteKeys.ed25519Signer(host, checkpointKey));
      this.checkpointVkey = NoteKeys.verifierKey(host, checkpointKey.publicKey());
    }
  }

  @Override
  public String signCheckpoint(long size, Hash root) throws GeneralSecurityException {
    return SignedNote.sign(new Checkpoint(origin, size, root).text(), noteSigners).format();
  }

  /**
   * The vkey of the Ed25519 checkpoint key ({@code <host>+<key ID>+base64(0x01 ‖ key)}), which
   * witnesses and tlog-policy files name the log by, if the log has one.
   */
  public java.util.Optional<String> checkpointVkey() {
    return java.util.Optional.ofNullable(checkpointVkey);
  }

  /**
   * The checkpoint of the same tree head under the Rekor v2 (C2SP) origin, the bare host: the
   * same key, name and key ID as {@link #signCheckpoint}'s first line (the log's ECDSA line only:
   * no Ed25519 line, no cosignatures), another origin line (docs/protocol.md 9.1).
   */
  public String signCheckpointV2(long size, Hash root) throws GeneralSecurityException {
    return SignedNote.sign(new Checkpoint(signerName, size, root).text(), List.of(noteSigners.get(0))).format();
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
