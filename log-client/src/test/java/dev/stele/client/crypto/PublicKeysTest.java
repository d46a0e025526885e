package dev.stele.client.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.stele.client.protocol.Pem;
import dev.stele.client.protocol.Vectors;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import org.junit.jupiter.api.Test;

class PublicKeysTest {
  @Test
  void logIdAndKeyHint_productionRekorKey() throws Exception {
    PublicKey key = PublicKeys.fromDer(Pem.decodeSingle(
        Vectors.text("rekor-public-good/trust/rekor.sigstore.dev.pub.pem"), "PUBLIC KEY").bytes());
    // The published log ID of rekor.sigstore.dev (trusted_root.production.json, logId.keyId).
    assertEquals("c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d", PublicKeys.logId(key).hex());
    assertEquals(0xc0d23d6a, PublicKeys.keyHint(key));
    assertEquals("ECDSA P-256 key c0d23d6a", PublicKeys.describe(key));
  }

  /** Parsed EC points are shared, so Bouncy Castle's per-point precomputation is reused. */
  @Test
  void bcParameters_sameKey_sharedAcrossKeyObjects() throws Exception {
    KeyPair pair = TestKeys.freshP256();
    PublicKey copy = PublicKeys.fromDer(pair.getPublic().getEncoded());
    assertNotSame(pair.getPublic(), copy);
    assertSame(PublicKeys.bcParameters(pair.getPublic()), PublicKeys.bcParameters(copy));
  }

  /** More distinct keys than the cache holds: it empties itself and every verifier stays right. */
  @Test
  void bcParameters_beyondCacheLimit_verifiersStayCorrect() throws Exception {
    byte[] msg = "m".getBytes(StandardCharsets.US_ASCII);
    Signer first = Signers.forKey(TestKeys.freshP256().getPrivate());
    SignatureVerifier firstVerifier = SignatureVerifiers.forKey(first.publicKey());
    for (int i = 0; i < 1100; i++) {
      Signer s = Signers.forKey(TestKeys.freshP256().getPrivate());
      SignatureVerifiers.forKey(s.publicKey()).verify(s.sign(msg), msg);
    }
    firstVerifier.verify(first.sign(msg), msg);
    SignatureVerifiers.forKey(first.publicKey()).verify(first.sign(msg), msg);
  }
}
