package dev.stele.client.crypto;

import java.security.GeneralSecurityException;

/**
 * Checks signatures made with one public key.
 *
 * <p>Security guarantee: if {@link #verify} returns normally, {@code signature} is a valid
 * signature over {@code data} by the key this verifier was built for. There is no boolean to
 * forget to check.
 *
 * <p>Implementations are immutable and safe to share between threads.
 *
 * <pre>{@code
 * SignatureVerifier v = SignatureVerifiers.forKey(publicKey);
 * try {
 *   v.verify(signature, data);
 * } catch (GeneralSecurityException e) {
 *   // reject
 * }
 * }</pre>
 */
@FunctionalInterface
public interface SignatureVerifier {
  /**
   * Returns normally if {@code signature} verifies over {@code data}.
   *
   * @throws GeneralSecurityException if it does not, or if the signature is malformed
   */
  void verify(byte[] signature, byte[] data) throws GeneralSecurityException;
}
