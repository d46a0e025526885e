package dev.stele.client.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.protocol.Pem;
import dev.stele.client.protocol.Vectors;
import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
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

  /** Parsing is fresh each time here; {@link VerifierCache} is where parsed points are kept. */
  @Test
  void bcParameters_parsesAfreshEachTime() throws Exception {
    PublicKey key = TestKeys.freshP256().getPublic();
    assertNotSame(PublicKeys.bcParameters(key), PublicKeys.bcParameters(key));
  }

  private static byte[] rsaSpki(BigInteger modulus, BigInteger exponent) throws Exception {
    return new SubjectPublicKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
        new org.bouncycastle.asn1.pkcs.RSAPublicKey(modulus, exponent)).getEncoded();
  }

  /**
   * The public exponent decides what an RSA check costs (one modular multiplication per bit):
   * it must be odd and in [3, 2^31 - 1], as Go's crypto/rsa requires.
   */
  @Test
  void rsaPublicExponent_oddAndAtMost2To31() throws Exception {
    BigInteger n = ((RSAPublicKey) TestKeys.rsa(3072).getPublic()).getModulus();
    for (long e : new long[] {3, 65537, Integer.MAX_VALUE}) {
      assertEquals(KeyType.RSA_3072, PublicKeys.typeOf(PublicKeys.fromDer(rsaSpki(n, BigInteger.valueOf(e)))));
    }
    BigInteger huge = BigInteger.ONE.shiftLeft(3069).add(BigInteger.ONE); // 3,070 bits, odd
    Object[][] refused = {
        {huge, "unsupported RSA public exponent (3070 bits); it must be odd and between 3 and 2^31-1 (65537 is usual)"},
        {BigInteger.valueOf(1L << 31).add(BigInteger.ONE), "unsupported RSA public exponent (2147483649)"},
        {BigInteger.valueOf(65536), "unsupported RSA public exponent (65536)"},
        {BigInteger.ONE, "unsupported RSA public exponent (1)"},
    };
    for (Object[] r : refused) {
      InvalidKeyException e = assertThrows(InvalidKeyException.class,
          () -> PublicKeys.fromDer(rsaSpki(n, (BigInteger) r[0])));
      assertTrue(e.getMessage().startsWith((String) r[1]), e.getMessage());
    }
  }

  @Test
  void ed25519_rawRoundTrip() throws Exception {
    PublicKey key = TestKeys.freshEd25519().getPublic();
    byte[] raw = PublicKeys.ed25519Raw(key);
    assertEquals(32, raw.length);
    assertArrayEquals(key.getEncoded(), PublicKeys.ed25519(raw).getEncoded());
  }
}
