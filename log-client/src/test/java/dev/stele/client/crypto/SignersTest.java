package dev.stele.client.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.stele.client.crypto.TestKeys.jdkSign;
import static dev.stele.client.crypto.TestKeys.jdkVerify;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECParameterSpec;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SignersTest {
  private static final byte[] MESSAGE = "checkpoint text\n".getBytes(StandardCharsets.UTF_8);

  @Test
  void forKey_p256_signsWhatTheJdkVerifies() throws Exception {
    KeyPair pair = TestKeys.p256();
    Signer signer = Signers.forKey(pair.getPrivate());
    assertArrayEquals(pair.getPublic().getEncoded(), signer.publicKey().getEncoded());
    byte[] sig = signer.sign(MESSAGE);
    assertTrue(jdkVerify("SHA256withECDSA", pair.getPublic(), sig, MESSAGE));
    SignatureVerifiers.forKey(signer.publicKey()).verify(sig, MESSAGE);
    // RFC 6979: deterministic nonces.
    assertArrayEquals(sig, signer.sign(MESSAGE));
  }

  @Test
  void forKey_ed25519_signsWhatTheJdkVerifies() throws Exception {
    KeyPair pair = TestKeys.ed25519();
    Signer signer = Signers.forKey(pair.getPrivate());
    assertEquals(pair.getPublic(), signer.publicKey());
    byte[] sig = signer.sign(MESSAGE);
    assertTrue(jdkVerify("Ed25519", pair.getPublic(), sig, MESSAGE));
    assertArrayEquals(jdkSign("Ed25519", pair.getPrivate(), MESSAGE), sig, "Ed25519 is deterministic");
  }

  @Test
  void forKey_unsupportedKeys_throw() {
    InvalidKeyException p384 = assertThrows(InvalidKeyException.class,
        () -> Signers.forKey(TestKeys.p384().getPrivate()));
    assertTrue(p384.getMessage().contains("ECDSA P-384"), p384.getMessage());
    InvalidKeyException rsa = assertThrows(InvalidKeyException.class,
        () -> Signers.forKey(TestKeys.rsa(2048).getPrivate()));
    assertTrue(rsa.getMessage().contains("supported: ECDSA P-256, Ed25519"), rsa.getMessage());
  }

  @Test
  void toString_namesThePublicKeyOnly() throws Exception {
    KeyPair pair = TestKeys.p256();
    Signer signer = Signers.forKey(pair.getPrivate());
    String s = signer.toString();
    String scalar = ((ECPrivateKey) pair.getPrivate()).getS().toString(16);
    assertFalse(s.contains(scalar), s);
    assertFalse(s.contains(scalar.toUpperCase()), s);
    assertTrue(s.contains("ECDSA P-256 key " + String.format("%08x", PublicKeys.keyHint(pair.getPublic()))), s);
    String ed = Signers.forKey(TestKeys.ed25519().getPrivate()).toString();
    byte[] pkcs8 = TestKeys.ed25519().getPrivate().getEncoded();
    String seedHex = HexFormat.of().formatHex(pkcs8, pkcs8.length - 32, pkcs8.length);
    assertFalse(ed.contains(seedHex), ed);
  }

  @Test
  void forKeyPair_matchingExtractable_returnsSigner() throws Exception {
    Signer signer = Signers.forKeyPair(TestKeys.p256());
    SignatureVerifiers.forKey(TestKeys.p256().getPublic()).verify(signer.sign(MESSAGE), MESSAGE);
  }

  @Test
  void forKeyPair_mismatchedKeys_throws() {
    KeyPair mixed = new KeyPair(TestKeys.freshP256().getPublic(), TestKeys.p256().getPrivate());
    InvalidKeyException e = assertThrows(InvalidKeyException.class, () -> Signers.forKeyPair(mixed));
    assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
  }

  /** A private key that, like a key on a PKCS#11 token, has no encoding to extract. */
  private static final class OpaqueEcKey implements ECPrivateKey {
    private static final long serialVersionUID = 1L;
    private final transient ECPrivateKey inner;

    OpaqueEcKey(ECPrivateKey inner) {
      this.inner = inner;
    }

    @Override
    public BigInteger getS() {
      return inner.getS();
    }

    @Override
    public ECParameterSpec getParams() {
      return inner.getParams();
    }

    @Override
    public String getAlgorithm() {
      return "EC";
    }

    @Override
    public String getFormat() {
      return null;
    }

    @Override
    public byte[] getEncoded() {
      return null;
    }
  }

  @Test
  void forKeyPair_nonExtractableKey_signsThroughJca() throws Exception {
    KeyPair pair = TestKeys.p256();
    KeyPair opaque = new KeyPair(pair.getPublic(), new OpaqueEcKey((ECPrivateKey) pair.getPrivate()));
    assertThrows(InvalidKeyException.class, () -> Signers.forKey(opaque.getPrivate()));
    Signer signer = Signers.forKeyPair(opaque);
    SignatureVerifiers.forKey(pair.getPublic()).verify(signer.sign(MESSAGE), MESSAGE);
    assertTrue(signer.toString().contains("on a token"), signer.toString());

    KeyPair wrong = new KeyPair(TestKeys.freshP256().getPublic(), opaque.getPrivate());
    assertThrows(InvalidKeyException.class, () -> Signers.forKeyPair(wrong));
  }
}
