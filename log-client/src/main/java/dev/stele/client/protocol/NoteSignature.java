package dev.stele.client.protocol;

import java.util.Arrays;

/**
 * One signature line of a signed note: {@code "— <name> " + base64(keyId ‖ signature) + "\n"}
 * (C2SP signed-note).
 */
public final class NoteSignature {
  private final String name;
  private final int keyId;
  private final byte[] signature;

  /**
   * @param name the key name; a valid name has no whitespace and no {@code '+'}
   * @param keyId the 4-byte key ID, big-endian
   * @param signature the signature bytes after the key ID
   */
  public NoteSignature(String name, int keyId, byte[] signature) {
    if (!SignedNote.isValidName(name)) {
      throw new IllegalArgumentException("invalid key name '" + name + "'");
    }
    this.name = name;
    this.keyId = keyId;
    this.signature = signature.clone();
  }

  public String name() {
    return name;
  }

  public int keyId() {
    return keyId;
  }

  /** A copy of the signature bytes (after the 4-byte key ID). */
  public byte[] signature() {
    return signature.clone();
  }

  byte[] signatureNoCopy() {
    return signature;
  }

  /** {@code "<name>+<key ID as 8 hex digits>"}, the way vkeys and errors name a key. */
  public String keyName() {
    return name + "+" + String.format("%08x", keyId);
  }

  /** The line, including the leading em dash and the final newline. */
  public String line() {
    byte[] blob = new byte[4 + signature.length];
    blob[0] = (byte) (keyId >>> 24);
    blob[1] = (byte) (keyId >>> 16);
    blob[2] = (byte) (keyId >>> 8);
    blob[3] = (byte) keyId;
    System.arraycopy(signature, 0, blob, 4, signature.length);
    return SignedNote.SIGNATURE_PREFIX + name + " " + Encodings.base64(blob) + "\n";
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof NoteSignature)) {
      return false;
    }
    NoteSignature other = (NoteSignature) o;
    return name.equals(other.name) && keyId == other.keyId && Arrays.equals(signature, other.signature);
  }

  @Override
  public int hashCode() {
    return (name.hashCode() * 31 + keyId) * 31 + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return keyName();
  }
}
