package dev.stele.client.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** Fresh keys from the JDK's generators, made once per test run (RSA generation is slow). */
public final class TestKeys {
  private static final KeyPair P256 = generate("EC", "secp256r1");
  private static final KeyPair P384 = generate("EC", "secp384r1");
  private static final KeyPair P521 = generate("EC", "secp521r1");
  private static final KeyPair ED25519 = generate("Ed25519", null);
  private static KeyPair rsa2048;
  private static KeyPair rsa3072;
  private static KeyPair rsa4096;

  private TestKeys() {}

  public static KeyPair p256() {
    return P256;
  }

  public static KeyPair p384() {
    return P384;
  }

  public static KeyPair p521() {
    return P521;
  }

  public static KeyPair ed25519() {
    return ED25519;
  }

  public static synchronized KeyPair rsa(int bits) {
    switch (bits) {
      case 2048:
        return rsa2048 == null ? rsa2048 = rsaFresh(2048) : rsa2048;
      case 3072:
        return rsa3072 == null ? rsa3072 = rsaFresh(3072) : rsa3072;
      case 4096:
        return rsa4096 == null ? rsa4096 = rsaFresh(4096) : rsa4096;
      default:
        return rsaFresh(bits);
    }
  }

  public static KeyPair freshP256() {
    return generate("EC", "secp256r1");
  }

  public static KeyPair freshEd25519() {
    return generate("Ed25519", null);
  }

  /** Signs with the JDK's own provider, an implementation independent of the one under test. */
  public static byte[] jdkSign(String algorithm, java.security.PrivateKey key, byte[] data)
      throws GeneralSecurityException {
    java.security.Signature s = java.security.Signature.getInstance(algorithm);
    s.initSign(key);
    s.update(data);
    return s.sign();
  }

  /** Verifies with the JDK's own provider. */
  public static boolean jdkVerify(String algorithm, java.security.PublicKey key, byte[] sig, byte[] data)
      throws GeneralSecurityException {
    java.security.Signature s = java.security.Signature.getInstance(algorithm);
    s.initVerify(key);
    s.update(data);
    return s.verify(sig);
  }

  private static KeyPair rsaFresh(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair generate(String algorithm, String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      if (curve != null) {
        g.initialize(new ECGenParameterSpec(curve));
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
