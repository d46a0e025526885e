package dev.stele.client.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SignatureException;
import org.junit.jupiter.api.Test;

class VerifierCacheTest {
  private static final byte[] MSG = "m".getBytes(StandardCharsets.US_ASCII);

  /** A key seen before gets the same parsed point, so Bouncy Castle's precomputation is reused. */
  @Test
  void sameKey_sharedAcrossKeyObjects() throws Exception {
    VerifierCache cache = new VerifierCache(4);
    KeyPair pair = TestKeys.freshP256();
    PublicKey copy = PublicKeys.fromDer(pair.getPublic().getEncoded());
    assertNotSame(pair.getPublic(), copy);
    assertSame(cache.parameters(pair.getPublic(), KeyType.ECDSA_P256), cache.parameters(copy, KeyType.ECDSA_P256));
    assertEquals(1, cache.size());
  }

  /** Two caches share nothing: there is no process-wide state. */
  @Test
  void twoCaches_shareNothing() throws Exception {
    PublicKey key = TestKeys.freshP256().getPublic();
    assertNotSame(new VerifierCache(4).parameters(key, KeyType.ECDSA_P256),
        new VerifierCache(4).parameters(key, KeyType.ECDSA_P256));
  }

  @Test
  void full_evictsTheLeastRecentlyUsed() throws Exception {
    VerifierCache cache = new VerifierCache(2);
    PublicKey a = TestKeys.freshP256().getPublic();
    PublicKey b = TestKeys.freshP256().getPublic();
    PublicKey c = TestKeys.freshP256().getPublic();
    Object aParams = cache.parameters(a, KeyType.ECDSA_P256);
    Object bParams = cache.parameters(b, KeyType.ECDSA_P256);
    assertSame(aParams, cache.parameters(a, KeyType.ECDSA_P256)); // a is now the most recent
    cache.parameters(c, KeyType.ECDSA_P256); // evicts b
    assertEquals(2, cache.size());
    assertSame(aParams, cache.parameters(a, KeyType.ECDSA_P256));
    assertNotSame(bParams, cache.parameters(b, KeyType.ECDSA_P256));
    assertEquals(2, cache.size());
  }

  /** Many more distinct keys than the bound: the size stays bounded and every answer stays right. */
  @Test
  void beyondCapacity_sizeBounded_verifiersStayCorrect() throws Exception {
    VerifierCache cache = new VerifierCache(8);
    Signer first = Signers.forKey(TestKeys.freshP256().getPrivate());
    SignatureVerifier firstVerifier = cache.forKey(first.publicKey(), HashAlgorithm.SHA256);
    for (int i = 0; i < 50; i++) {
      Signer s = Signers.forKey(TestKeys.freshP256().getPrivate());
      cache.forKey(s.publicKey(), HashAlgorithm.SHA256).verify(s.sign(MSG), MSG);
      assertThrows(SignatureException.class,
          () -> cache.forKey(s.publicKey(), HashAlgorithm.SHA256).verify(first.sign(MSG), MSG));
    }
    assertEquals(8, cache.size());
    firstVerifier.verify(first.sign(MSG), MSG);
    cache.forKey(first.publicKey(), HashAlgorithm.SHA256).verify(first.sign(MSG), MSG);
  }

  @Test
  void capacityZero_keepsNothing_andStillVerifies() throws Exception {
    VerifierCache none = new VerifierCache(0);
    Signer s = Signers.forKey(TestKeys.freshP256().getPrivate());
    none.forKey(s.publicKey(), HashAlgorithm.SHA256).verify(s.sign(MSG), MSG);
    assertEquals(0, none.size());
  }

  @Test
  void otherKeyTypes_areNotKept() throws Exception {
    VerifierCache cache = new VerifierCache(4);
    Signer ed = Signers.forKey(TestKeys.freshEd25519().getPrivate());
    cache.forKey(ed.publicKey(), HashAlgorithm.SHA512).verify(ed.sign(MSG), MSG);
    assertEquals(0, cache.size());
  }

  @Test
  void forDigest_keepsTheEd25519DigestRule() {
    VerifierCache cache = new VerifierCache(4);
    InvalidKeyException e = assertThrows(InvalidKeyException.class,
        () -> cache.forDigest(TestKeys.ed25519().getPublic(), HashAlgorithm.SHA256));
    assertEquals("an Ed25519 key verifies a digest only as Ed25519ph over sha512, not sha256", e.getMessage());
  }

  @Test
  void negativeCapacity_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> new VerifierCache(-1));
  }
}
