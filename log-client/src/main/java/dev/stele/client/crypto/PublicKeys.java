package dev.stele.client.crypto;

import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.io.IOException;
import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * Public keys: parsing from DER, their type, and the identity a transparency log gives a key.
 *
 * <p>The <b>log ID</b> is SHA-256 of the key's DER SubjectPublicKeyInfo; the <b>key hint</b> is its
 * first four bytes (Rekor v1 API, docs/protocol.md sections 4 and 7.1). Keys returned here come from
 * the JDK's key factories, so {@link PublicKey#getEncoded()} is the canonical DER encoding: named
 * curve, uncompressed point, NULL RSA parameters.
 */
public final class PublicKeys {
  private PublicKeys() {}

  /**
   * Parses a DER SubjectPublicKeyInfo of a supported key type ({@link KeyType}).
   *
   * @throws InvalidKeyException if the bytes are not a key of a supported type and size
   */
  public static PublicKey fromDer(byte[] spki) throws InvalidKeyException {
    KeyType type = typeOf(parseSpki(spki));
    String jcaAlgorithm = type.isEcdsa() ? "EC" : type.isRsa() ? "RSA" : "Ed25519";
    try {
      return KeyFactory.getInstance(jcaAlgorithm).generatePublic(new X509EncodedKeySpec(spki));
    } catch (InvalidKeySpecException e) {
      throw new InvalidKeyException("malformed " + type + " public key: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks the " + jcaAlgorithm + " key factory", e);
    }
  }

  /**
   * Builds an Ed25519 public key from its 32-byte encoding (RFC 8032 section 5.1.5).
   *
   * @throws InvalidKeyException unless exactly 32 bytes encoding a curve point are given
   */
  public static PublicKey ed25519(byte[] raw) throws InvalidKeyException {
    if (raw.length != 32) {
      throw new InvalidKeyException("an Ed25519 public key is 32 bytes, got " + raw.length);
    }
    byte[] spki;
    try {
      // RFC 8410 section 4: the algorithm identifier has no parameters.
      spki = new SubjectPublicKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), raw).getEncoded();
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding in memory cannot fail", e);
    }
    PublicKey key = fromDer(spki);
    bcParameters(key); // rejects encodings that are not a point on the curve
    return key;
  }

  /**
   * The 32-byte encoding of an Ed25519 public key.
   *
   * @throws InvalidKeyException if {@code key} is not an Ed25519 key
   */
  public static byte[] ed25519Raw(PublicKey key) throws InvalidKeyException {
    byte[] der = encoded(key);
    if (typeOf(parseSpki(der)) != KeyType.ED25519) {
      throw new InvalidKeyException("expected an Ed25519 key, got " + typeOf(key));
    }
    return Arrays.copyOfRange(der, der.length - 32, der.length);
  }

  /**
   * The type of {@code key}.
   *
   * @throws InvalidKeyException if it is not one of the supported types and sizes
   */
  public static KeyType typeOf(PublicKey key) throws InvalidKeyException {
    return typeOf(parseSpki(encoded(key)));
  }

  /** SHA-256 of the DER SubjectPublicKeyInfo: the Rekor v1 log ID of a log key. */
  public static Hash logId(PublicKey key) {
    byte[] der = key.getEncoded();
    if (der == null) {
      throw new IllegalArgumentException("the public key has no X.509 encoding: " + key.getAlgorithm());
    }
    return Rfc6962.sha256(der);
  }

  /**
   * The first four bytes of {@link #logId}, big-endian: the key hint in Rekor v1 checkpoint
   * signature lines (and the C2SP key ID of an ECDSA key).
   */
  public static int keyHint(PublicKey key) {
    byte[] id = logId(key).bytes();
    return (id[0] & 0xff) << 24 | (id[1] & 0xff) << 16 | (id[2] & 0xff) << 8 | (id[3] & 0xff);
  }

  /** For messages: the key type and hint, e.g. {@code "ECDSA P-256 key c0d23d6a"}. */
  public static String describe(PublicKey key) {
    String type;
    try {
      type = typeOf(key).description();
    } catch (InvalidKeyException e) {
      type = key.getAlgorithm();
    }
    return type + " key " + String.format("%08x", keyHint(key));
  }

  static byte[] encoded(PublicKey key) throws InvalidKeyException {
    byte[] der = key.getEncoded();
    if (der == null) {
      throw new InvalidKeyException("the " + key.getAlgorithm() + " public key has no X.509 encoding");
    }
    return der;
  }

  /** One set of domain parameters per curve, on Bouncy Castle's optimized curve classes. */
  private static final Map<ASN1ObjectIdentifier, ECNamedDomainParameters> CURVES = Map.of(
      SECObjectIdentifiers.secp256r1, namedCurve(SECObjectIdentifiers.secp256r1),
      SECObjectIdentifiers.secp384r1, namedCurve(SECObjectIdentifiers.secp384r1),
      SECObjectIdentifiers.secp521r1, namedCurve(SECObjectIdentifiers.secp521r1));

  private static ECNamedDomainParameters namedCurve(ASN1ObjectIdentifier oid) {
    return new ECNamedDomainParameters(oid, CustomNamedCurves.getByOID(oid));
  }

  /**
   * Bouncy Castle's parameters for a supported key, parsed afresh (an EC point is checked to be
   * on the curve). Safe to share between threads: Bouncy Castle synchronizes the precomputation
   * it stores on a point. {@link VerifierCache} keeps them for keys that come back.
   */
  static AsymmetricKeyParameter bcParameters(PublicKey key) throws InvalidKeyException {
    byte[] der = encoded(key);
    SubjectPublicKeyInfo spki = parseSpki(der);
    KeyType type = typeOf(spki);
    try {
      if (!type.isEcdsa()) {
        return PublicKeyFactory.createKey(spki);
      }
      ECNamedDomainParameters curve = CURVES.get((ASN1ObjectIdentifier) spki.getAlgorithm().getParameters());
      return new ECPublicKeyParameters(curve.getCurve().decodePoint(spki.getPublicKeyData().getOctets()), curve);
    } catch (IOException | RuntimeException e) {
      throw new InvalidKeyException("malformed " + type + " public key: " + e.getMessage(), e);
    }
  }

  private static SubjectPublicKeyInfo parseSpki(byte[] der) throws InvalidKeyException {
    try {
      return SubjectPublicKeyInfo.getInstance(der);
    } catch (RuntimeException e) {
      throw new InvalidKeyException("not a DER SubjectPublicKeyInfo: " + e.getMessage(), e);
    }
  }

  /**
   * The largest RSA public exponent accepted, 2^31 - 1. Verification costs a modular
   * multiplication per bit of the exponent: a 3,070-bit exponent makes one RSA 3072 check cost
   * about 20 ms instead of 0.1 ms, so the exponent is bounded as Go's crypto/rsa bounds it.
   */
  static final BigInteger MAX_RSA_EXPONENT = BigInteger.valueOf(Integer.MAX_VALUE);

  /** An RSA public exponent must be odd (an even one has no inverse) and in [3, 2^31 - 1]. */
  private static void checkRsaExponent(BigInteger e) throws InvalidKeyException {
    if (e.compareTo(BigInteger.valueOf(3)) < 0 || e.compareTo(MAX_RSA_EXPONENT) > 0 || !e.testBit(0)) {
      throw new InvalidKeyException("unsupported RSA public exponent ("
          + (e.bitLength() > 64 ? e.bitLength() + " bits" : e.toString())
          + "); it must be odd and between 3 and 2^31-1 (65537 is usual)");
    }
  }

  static KeyType typeOf(SubjectPublicKeyInfo spki) throws InvalidKeyException {
    AlgorithmIdentifier alg = spki.getAlgorithm();
    ASN1ObjectIdentifier oid = alg.getAlgorithm();
    if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      if (!(alg.getParameters() instanceof ASN1ObjectIdentifier)) {
        throw new InvalidKeyException(
            "unsupported EC key: explicit curve parameters; use a named curve (P-256, P-384, P-521)");
      }
      ASN1ObjectIdentifier curve = (ASN1ObjectIdentifier) alg.getParameters();
      if (curve.equals(SECObjectIdentifiers.secp256r1)) {
        return KeyType.ECDSA_P256;
      } else if (curve.equals(SECObjectIdentifiers.secp384r1)) {
        return KeyType.ECDSA_P384;
      } else if (curve.equals(SECObjectIdentifiers.secp521r1)) {
        return KeyType.ECDSA_P521;
      }
      throw new InvalidKeyException(
          "unsupported EC curve " + curve.getId() + "; supported: P-256, P-384, P-521");
    }
    if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
      if (spki.getPublicKeyData().getBytes().length != 32) {
        throw new InvalidKeyException("an Ed25519 public key is 32 bytes");
      }
      return KeyType.ED25519;
    }
    if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
      RSAPublicKey rsa;
      try {
        rsa = RSAPublicKey.getInstance(spki.parsePublicKey());
      } catch (IOException | RuntimeException e) {
        throw new InvalidKeyException("malformed RSA public key: " + e.getMessage(), e);
      }
      int bits = rsa.getModulus().bitLength();
      KeyType type;
      // Sizes are counted in whole bytes of modulus, as Go's rsa.PublicKey.Size() does.
      switch ((bits + 7) / 8 * 8) {
        case 2048:
          type = KeyType.RSA_2048;
          break;
        case 3072:
          type = KeyType.RSA_3072;
          break;
        case 4096:
          type = KeyType.RSA_4096;
          break;
        default:
          throw new InvalidKeyException(
              "unsupported RSA key size " + bits + " bits; supported: 2048, 3072, 4096");
      }
      checkRsaExponent(rsa.getPublicExponent());
      return type;
    }
    throw new InvalidKeyException(
        "unsupported key algorithm " + oid.getId() + "; supported: " + KeyType.SUPPORTED);
  }
}
