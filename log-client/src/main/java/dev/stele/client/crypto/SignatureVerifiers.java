package dev.stele.client.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SignatureException;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.encodings.PKCS1Encoding;
import org.bouncycastle.crypto.engines.RSAEngine;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Builds {@link SignatureVerifier}s for the supported key types ({@link KeyType}).
 *
 * <ul>
 *   <li>ECDSA: ASN.1 DER signatures (strict DER), Bouncy Castle's engine;
 *   <li>RSA: PKCS#1 v1.5 (RFC 8017 section 8.2) with the DigestInfo of the digest;
 *   <li>Ed25519: pure Ed25519 over the message, or Ed25519ph over a SHA-512 digest (RFC 8032
 *       section 5.1).
 * </ul>
 *
 * <p>The verifiers keep only immutable key parameters and create Bouncy Castle's small engine
 * objects per call, so they are thread-safe and can be kept per key. The methods here parse the
 * key each time; a caller that sees the same keys again (a log, a verifier of many entries)
 * builds its verifiers through a {@link VerifierCache} it owns.
 */
public final class SignatureVerifiers {
  private SignatureVerifiers() {}

  /**
   * A verifier over whole messages with the key's natural digest: ECDSA P-256/SHA-256,
   * P-384/SHA-384, P-521/SHA-512, RSA PKCS#1 v1.5 with SHA-256, pure Ed25519.
   *
   * @throws InvalidKeyException if the key type, curve or size is not supported
   */
  public static SignatureVerifier forKey(PublicKey key) throws InvalidKeyException {
    return forKey(key, PublicKeys.typeOf(key).naturalHash());
  }

  /**
   * A verifier over whole messages that ECDSA and RSA keys check with the given digest (DSSE and
   * in-toto signatures are checked with SHA-256 whatever the curve). Ed25519 signs the message
   * itself, so {@code hash} has no effect on an Ed25519 key.
   *
   * @throws InvalidKeyException if the key type, curve or size is not supported
   */
  public static SignatureVerifier forKey(PublicKey key, HashAlgorithm hash)
      throws InvalidKeyException {
    return forKey(PublicKeys.typeOf(key), PublicKeys.bcParameters(key), hash);
  }

  static SignatureVerifier forKey(KeyType type, AsymmetricKeyParameter params, HashAlgorithm hash) {
    if (type == KeyType.ED25519) {
      return new Ed25519Verifier((Ed25519PublicKeyParameters) params, false);
    }
    return type.isEcdsa()
        ? new EcdsaVerifier(type, (ECPublicKeyParameters) params, hash, false)
        : new RsaVerifier(type, (RSAKeyParameters) params, hash, false);
  }

  /**
   * A verifier whose {@code data} is a digest computed with {@code hash} (hashedrekord entries
   * carry only the artifact's digest). ECDSA and RSA verify the digest as if they had computed
   * it; an Ed25519 key verifies Ed25519ph, which is defined only over SHA-512 digests.
   *
   * @throws InvalidKeyException if the key is unsupported, or Ed25519 with a digest other than
   *     SHA-512
   */
  public static SignatureVerifier forDigest(PublicKey key, HashAlgorithm hash)
      throws InvalidKeyException {
    KeyType type = PublicKeys.typeOf(key);
    checkDigest(type, hash);
    return forDigest(type, PublicKeys.bcParameters(key), hash);
  }

  static void checkDigest(KeyType type, HashAlgorithm hash) throws InvalidKeyException {
    if (type == KeyType.ED25519 && hash != HashAlgorithm.SHA512) {
      throw new InvalidKeyException(
          "an Ed25519 key verifies a digest only as Ed25519ph over sha512, not " + hash);
    }
  }

  static SignatureVerifier forDigest(KeyType type, AsymmetricKeyParameter params, HashAlgorithm hash) {
    if (type == KeyType.ED25519) {
      return new Ed25519Verifier((Ed25519PublicKeyParameters) params, true);
    }
    return type.isEcdsa()
        ? new EcdsaVerifier(type, (ECPublicKeyParameters) params, hash, true)
        : new RsaVerifier(type, (RSAKeyParameters) params, hash, true);
  }

  /** The shared part of ECDSA and RSA verifiers: which digest, and whether data is one. */
  private abstract static class HashingVerifier implements SignatureVerifier {
    final KeyType type;
    final HashAlgorithm hash;
    final boolean prehashed;

    HashingVerifier(KeyType type, HashAlgorithm hash, boolean prehashed) {
      this.type = type;
      this.hash = hash;
      this.prehashed = prehashed;
    }

    /** The digest to check: computed from the message, or the data itself if it is one. */
    byte[] digest(byte[] data) throws SignatureException {
      if (!prehashed) {
        return hash.digest(data);
      }
      if (data.length != hash.digestLength()) {
        throw new SignatureException(
            "a " + hash + " digest is " + hash.digestLength() + " bytes, got " + data.length);
      }
      return data;
    }

    SignatureException doesNotVerify() {
      return new SignatureException(type + "/" + hash + " signature does not verify");
    }

    @Override
    public String toString() {
      return type + "/" + hash + (prehashed ? " digest" : "") + " verifier";
    }
  }

  private static final class EcdsaVerifier extends HashingVerifier {
    private final ECPublicKeyParameters key;

    EcdsaVerifier(KeyType type, ECPublicKeyParameters key, HashAlgorithm hash, boolean prehashed) {
      super(type, hash, prehashed);
      this.key = key;
    }

    @Override
    public void checkForm(byte[] signature) throws SignatureException {
      decode(signature);
    }

    /** r and s, from strict DER, each in [1, n - 1]. */
    private BigInteger[] decode(byte[] signature) throws SignatureException {
      BigInteger[] rs;
      try {
        // Strict DER: the decoder re-encodes and requires the same bytes, and r, s below n.
        rs = StandardDSAEncoding.INSTANCE.decode(key.getParameters().getN(), signature);
      } catch (IOException | RuntimeException e) {
        throw new SignatureException(
            "malformed " + type + " signature (expected ASN.1 DER SEQUENCE of r and s below the curve order)");
      }
      if (rs[0].signum() <= 0 || rs[1].signum() <= 0) {
        throw new SignatureException("malformed " + type + " signature (r and s must be positive)");
      }
      return rs;
    }

    @Override
    public void verify(byte[] signature, byte[] data) throws SignatureException {
      byte[] digest = digest(data);
      BigInteger[] rs = decode(signature);
      ECDSASigner engine = new ECDSASigner();
      engine.init(false, key);
      if (!engine.verifySignature(digest, rs[0], rs[1])) {
        throw doesNotVerify();
      }
    }
  }

  private static final class RsaVerifier extends HashingVerifier {
    private final RSAKeyParameters key;
    private final int modulusBytes;

    RsaVerifier(KeyType type, RSAKeyParameters key, HashAlgorithm hash, boolean prehashed) {
      super(type, hash, prehashed);
      this.key = key;
      this.modulusBytes = (key.getModulus().bitLength() + 7) / 8;
    }

    @Override
    public void checkForm(byte[] signature) throws SignatureException {
      if (signature.length != modulusBytes) {
        throw new SignatureException(
            type + " signature must be " + modulusBytes + " bytes, got " + signature.length);
      }
      if (new BigInteger(1, signature).compareTo(key.getModulus()) >= 0) {
        throw new SignatureException(type + " signature is not below the key's modulus");
      }
    }

    @Override
    public void verify(byte[] signature, byte[] data) throws SignatureException {
      byte[] expected = hash.digestInfo(digest(data));
      checkForm(signature);
      byte[] recovered;
      try {
        PKCS1Encoding engine = new PKCS1Encoding(new RSAEngine());
        engine.init(false, key);
        recovered = engine.processBlock(signature, 0, signature.length);
      } catch (InvalidCipherTextException | RuntimeException e) {
        throw doesNotVerify();
      }
      if (!MessageDigest.isEqual(recovered, expected)) {
        throw doesNotVerify();
      }
    }
  }

  private static final class Ed25519Verifier implements SignatureVerifier {
    private static final byte[] NO_CONTEXT = new byte[0];
    private final Ed25519PublicKeyParameters key;
    private final boolean prehashed;

    Ed25519Verifier(Ed25519PublicKeyParameters key, boolean prehashed) {
      this.key = key;
      this.prehashed = prehashed;
    }

    @Override
    public void checkForm(byte[] signature) throws SignatureException {
      if (signature.length != Ed25519.SIGNATURE_SIZE) {
        throw new SignatureException(
            "an Ed25519 signature is " + Ed25519.SIGNATURE_SIZE + " bytes, got " + signature.length);
      }
    }

    @Override
    public void verify(byte[] signature, byte[] data) throws SignatureException {
      checkForm(signature);
      boolean ok;
      if (prehashed) {
        if (data.length != HashAlgorithm.SHA512.digestLength()) {
          throw new SignatureException("a sha512 digest is 64 bytes, got " + data.length);
        }
        ok = key.verify(Ed25519.Algorithm.Ed25519ph, NO_CONTEXT, data, 0, data.length, signature, 0);
      } else {
        ok = key.verify(Ed25519.Algorithm.Ed25519, null, data, 0, data.length, signature, 0);
      }
      if (!ok) {
        throw new SignatureException(
            (prehashed ? "Ed25519ph" : "Ed25519") + " signature does not verify");
      }
    }

    @Override
    public String toString() {
      return prehashed ? "Ed25519ph verifier" : "Ed25519 verifier";
    }
  }
}
