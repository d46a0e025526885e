package dev.stele.client.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Builds {@link Signer}s for the two key types a log or a signer in this project holds: ECDSA
 * P-256 with SHA-256 (ASN.1 DER signatures) and Ed25519 (pure).
 *
 * <p>ECDSA nonces are derived deterministically (RFC 6979), so signing needs no random source
 * and a given key signs a given message the same way every time.
 */
public final class Signers {
  private Signers() {}

  /**
   * A signer for an extractable private key (one with a PKCS#8 encoding, e.g. read from a PEM
   * file). The public key is derived from the private key.
   *
   * @throws InvalidKeyException unless the key is ECDSA P-256 or Ed25519 with a PKCS#8 encoding
   */
  public static Signer forKey(PrivateKey key) throws InvalidKeyException {
    byte[] pkcs8 = key.getEncoded();
    if (pkcs8 == null) {
      throw new InvalidKeyException(
          "the " + key.getAlgorithm() + " private key is not extractable (e.g. it lives on a"
              + " token); use Signers.forKeyPair with its public key");
    }
    AsymmetricKeyParameter params;
    try {
      params = PrivateKeyFactory.createKey(PrivateKeyInfo.getInstance(pkcs8));
    } catch (IOException | RuntimeException e) {
      throw new InvalidKeyException("malformed " + key.getAlgorithm() + " private key");
    }
    if (params instanceof Ed25519PrivateKeyParameters) {
      Ed25519PrivateKeyParameters priv = (Ed25519PrivateKeyParameters) params;
      return new Ed25519Signer(priv, PublicKeys.ed25519(priv.generatePublicKey().getEncoded()));
    }
    if (params instanceof ECPrivateKeyParameters) {
      ECPrivateKeyParameters priv = (ECPrivateKeyParameters) params;
      ECPoint q = new FixedPointCombMultiplier().multiply(priv.getParameters().getG(), priv.getD());
      PublicKey publicKey;
      try {
        byte[] spki = SubjectPublicKeyInfoFactory
            .createSubjectPublicKeyInfo(new ECPublicKeyParameters(q.normalize(), priv.getParameters()))
            .getEncoded();
        publicKey = PublicKeys.fromDer(spki);
      } catch (IOException | RuntimeException e) {
        throw new InvalidKeyException("cannot derive the public key of the EC private key");
      }
      KeyType type = PublicKeys.typeOf(publicKey);
      if (type != KeyType.ECDSA_P256) {
        throw new InvalidKeyException(
            "unsupported signing key " + type + "; supported: ECDSA P-256, Ed25519");
      }
      return new EcdsaP256Signer(priv, publicKey);
    }
    throw new InvalidKeyException(
        "unsupported signing key algorithm " + key.getAlgorithm() + "; supported: ECDSA P-256, Ed25519");
  }

  /**
   * A signer for a key pair. An extractable private key is handled as by {@link
   * #forKey(PrivateKey)} and must match {@code pair.getPublic()}; a non-extractable one (a
   * PKCS#11 token) signs through its JCA provider, after a test signature has shown that the
   * two keys belong together.
   *
   * @throws InvalidKeyException if the keys are unsupported or do not belong together
   */
  public static Signer forKeyPair(KeyPair pair) throws InvalidKeyException {
    PublicKey publicKey = pair.getPublic();
    KeyType type = PublicKeys.typeOf(publicKey);
    if (type != KeyType.ECDSA_P256 && type != KeyType.ED25519) {
      throw new InvalidKeyException(
          "unsupported signing key " + type + "; supported: ECDSA P-256, Ed25519");
    }
    Signer signer;
    if (pair.getPrivate().getEncoded() != null) {
      signer = forKey(pair.getPrivate());
      if (!signer.publicKey().equals(publicKey)
          && !java.util.Arrays.equals(signer.publicKey().getEncoded(), publicKey.getEncoded())) {
        throw new InvalidKeyException("the private key does not belong to the public key "
            + PublicKeys.describe(publicKey));
      }
      return signer;
    }
    signer = new JcaSigner(
        type == KeyType.ED25519 ? "Ed25519" : "SHA256withECDSA", pair.getPrivate(), publicKey);
    byte[] probe = "stele key pair check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try {
      SignatureVerifiers.forKey(publicKey).verify(signer.sign(probe), probe);
    } catch (GeneralSecurityException e) {
      throw new InvalidKeyException("the private key does not belong to the public key "
          + PublicKeys.describe(publicKey) + ": " + e.getMessage(), e);
    }
    return signer;
  }

  /** Holds the public key and names it, and only it, in {@code toString()}. */
  private abstract static class KeyedSigner implements Signer {
    private final PublicKey publicKey;

    KeyedSigner(PublicKey publicKey) {
      this.publicKey = publicKey;
    }

    @Override
    public final PublicKey publicKey() {
      return publicKey;
    }

    @Override
    public String toString() {
      return "Signer[" + PublicKeys.describe(publicKey) + "]";
    }
  }

  private static final class EcdsaP256Signer extends KeyedSigner {
    private final ECPrivateKeyParameters key;

    EcdsaP256Signer(ECPrivateKeyParameters key, PublicKey publicKey) {
      super(publicKey);
      this.key = key;
    }

    @Override
    public byte[] sign(byte[] data) throws SignatureException {
      byte[] digest = HashAlgorithm.SHA256.digest(data);
      ECDSASigner engine = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
      engine.init(true, key);
      BigInteger[] rs = engine.generateSignature(digest);
      try {
        return StandardDSAEncoding.INSTANCE.encode(key.getParameters().getN(), rs[0], rs[1]);
      } catch (IOException e) {
        throw new SignatureException("cannot encode the ECDSA signature", e);
      }
    }
  }

  private static final class Ed25519Signer extends KeyedSigner {
    private final Ed25519PrivateKeyParameters key;

    Ed25519Signer(Ed25519PrivateKeyParameters key, PublicKey publicKey) {
      super(publicKey);
      this.key = key;
    }

    @Override
    public byte[] sign(byte[] data) {
      byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
      key.sign(Ed25519.Algorithm.Ed25519, null, data, 0, data.length, sig, 0);
      return sig;
    }
  }

  /** Signs through the key's own JCA provider: for keys that never leave a token. */
  private static final class JcaSigner extends KeyedSigner {
    private final String algorithm;
    private final PrivateKey key;

    JcaSigner(String algorithm, PrivateKey key, PublicKey publicKey) {
      super(publicKey);
      this.algorithm = algorithm;
      this.key = key;
    }

    @Override
    public byte[] sign(byte[] data) throws GeneralSecurityException {
      // A Signature object is not thread-safe: one per call.
      Signature s = Signature.getInstance(algorithm);
      s.initSign(key);
      s.update(data);
      return s.sign();
    }

    @Override
    public String toString() {
      return "Signer[" + PublicKeys.describe(publicKey()) + ", on a token]";
    }
  }
}
