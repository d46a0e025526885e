package dev.stele.client.crypto;

import java.security.GeneralSecurityException;
import java.security.SignatureException;

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

  /**
   * Returns normally if {@code signature} has the form this key's signatures take (its length,
   * its encoding, its numbers in range), checked without any public-key arithmetic. {@link
   * #verify} checks the same first. A caller holding several candidate keys for one signature
   * uses it to skip, at almost no cost, the keys that cannot have made it. This default accepts
   * every form.
   *
   * @throws SignatureException if no signature by this key has that form
   */
  default void checkForm(byte[] signature) throws SignatureException {
    // Every form is possible unless an implementation knows better.
  }
}
