package dev.stele.client.protocol;

import dev.stele.client.crypto.Signer;
import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * A key that signs notes: its name and key ID for the signature line and the function that
 * signs the note text. Build one with {@link NoteKeys}. {@code toString()} names only the key.
 *
 * @param name the key name, e.g. the log's host name
 * @param keyId the 4-byte key ID, big-endian
 * @param signer signs the note text (UTF-8 bytes)
 */
public record NoteSigner(String name, int keyId, Signer signer) {
  public NoteSigner {
    if (!SignedNote.isValidName(name)) {
      throw new IllegalArgumentException("invalid key name '" + name + "'");
    }
    Objects.requireNonNull(signer, "signer");
  }

  /** Signs {@code text} and returns its signature line. */
  public NoteSignature sign(byte[] text) throws GeneralSecurityException {
    return new NoteSignature(name, keyId, signer.sign(text));
  }

  @Override
  public String toString() {
    return "NoteSigner[" + name + "+" + String.format("%08x", keyId) + "]";
  }
}
