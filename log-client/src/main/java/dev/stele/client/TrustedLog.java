package dev.stele.client;

import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.SignatureVerifier;
import dev.stele.client.crypto.SignatureVerifiers;
import dev.stele.client.protocol.NoteVerifier;
import dev.stele.merkle.Hash;
import java.net.URI;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.util.Locale;
import java.util.Objects;

/**
 * A transparency log a verifier trusts: where it lives, the key that signs its checkpoints and
 * signed entry timestamps, its log ID, and when that key may be used.
 *
 * <ul>
 *   <li>The <b>log ID</b> names the log in entries ({@code logID}, a bundle's {@code logId.keyId}).
 *       For a Rekor v1 log it is SHA-256 of the key's DER SubjectPublicKeyInfo (docs/protocol.md 4).
 *   <li>The <b>checkpoint name</b> is the host of the base URL, without scheme or port: a
 *       checkpoint signature line must carry exactly this name (docs/protocol.md 7.1), and the
 *       checkpoint's origin must be this name or {@code "<name> - <tree ID>"} (the rule is
 *       {@code verify.Checkpoints}'s).
 *   <li>The <b>checkpoint key ID</b> is the first four bytes of the log ID (for a Rekor v1 key the
 *       key hint SHA-256(DER)[:4]).
 * </ul>
 *
 * <p>Immutable and thread-safe; the signature verifiers are built once.
 */
public final class TrustedLog {
  private final URI baseUrl;
  private final String checkpointName;
  private final PublicKey key;
  private final Hash logId;
  private final ValidityPeriod validity;
  private final SignatureVerifier verifier;
  private final NoteVerifier noteVerifier;

  private TrustedLog(URI baseUrl, PublicKey key, Hash logId, ValidityPeriod validity)
      throws InvalidKeyException {
    this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
    String host = baseUrl.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("the log's base URL has no host: " + baseUrl);
    }
    this.checkpointName = host.toLowerCase(Locale.ROOT);
    this.key = Objects.requireNonNull(key, "key");
    this.logId = Objects.requireNonNull(logId, "logId");
    this.validity = Objects.requireNonNull(validity, "validity");
    this.verifier = SignatureVerifiers.forKey(key);
    byte[] id = logId.bytes();
    int keyId = (id[0] & 0xff) << 24 | (id[1] & 0xff) << 16 | (id[2] & 0xff) << 8 | (id[3] & 0xff);
    this.noteVerifier = new NoteVerifier(checkpointName, keyId, verifier);
  }

  /**
   * A Rekor v1 log: the log ID is SHA-256 of the key's DER encoding.
   *
   * @throws InvalidKeyException if the key type is not supported
   * @throws IllegalArgumentException if the URL has no host
   */
  public static TrustedLog rekorV1(URI baseUrl, PublicKey key, ValidityPeriod validity)
      throws InvalidKeyException {
    return new TrustedLog(baseUrl, key, PublicKeys.logId(key), validity);
  }

  /**
   * A log whose ID is given (as a trusted root gives it).
   *
   * @throws InvalidKeyException if the key type is not supported
   * @throws IllegalArgumentException if the URL has no host
   */
  public static TrustedLog of(URI baseUrl, PublicKey key, Hash logId, ValidityPeriod validity)
      throws InvalidKeyException {
    return new TrustedLog(baseUrl, key, logId, validity);
  }

  public URI baseUrl() {
    return baseUrl;
  }

  /** The name on the log's checkpoint signature lines: the lower-case host of the base URL. */
  public String checkpointName() {
    return checkpointName;
  }

  public PublicKey key() {
    return key;
  }

  public Hash logId() {
    return logId;
  }

  public ValidityPeriod validity() {
    return validity;
  }

  /** Verifies signed entry timestamps: the key's natural digest (SHA-256 for ECDSA P-256). */
  public SignatureVerifier verifier() {
    return verifier;
  }

  /** Verifies this log's checkpoint signature lines: name, key ID, signature over the note text. */
  public NoteVerifier noteVerifier() {
    return noteVerifier;
  }

  @Override
  public String toString() {
    return "TrustedLog[" + baseUrl + ", log ID " + logId.hex() + ", " + validity + "]";
  }
}
