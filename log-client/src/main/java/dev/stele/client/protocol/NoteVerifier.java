package dev.stele.client.protocol;

import dev.stele.client.crypto.SignatureVerifier;
import java.util.Objects;

/**
 * A key trusted to sign notes: its name and key ID (as they appear on signature lines) and the
 * verifier that checks a signature over the note text. Build one with {@link NoteKeys}.
 *
 * @param name the key name, e.g. the log's host name
 * @param keyId the 4-byte key ID, big-endian
 * @param verifier checks {@code verify(signatureAfterKeyId, noteTextUtf8)}
 */
public record NoteVerifier(String name, int keyId, SignatureVerifier verifier) {
  public NoteVerifier {
    if (!SignedNote.isValidName(name)) {
      throw new IllegalArgumentException("invalid key name '" + name + "'");
    }
    Objects.requireNonNull(verifier, "verifier");
  }

  /** {@code "<name>+<key ID as 8 hex digits>"}. */
  public String keyName() {
    return name + "+" + String.format("%08x", keyId);
  }

  @Override
  public String toString() {
    return "NoteVerifier[" + keyName() + "]";
  }
}
