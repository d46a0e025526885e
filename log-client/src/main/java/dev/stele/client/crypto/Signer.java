package dev.stele.client.crypto;

import java.security.GeneralSecurityException;
import java.security.PublicKey;

/**
 * Signs with one private key. The private key never leaves the implementation: no accessor
 * returns it and {@code toString()} names only the key type and its public key hint.
 *
 * <p>Implementations are immutable and safe to share between threads.
 */
public interface Signer {
  /**
   * Signs {@code data} (the whole message, not a digest).
   *
   * @throws GeneralSecurityException if the key or its token refuses
   */
  byte[] sign(byte[] data) throws GeneralSecurityException;

  /** The public key that verifies this signer's signatures. */
  PublicKey publicKey();
}
