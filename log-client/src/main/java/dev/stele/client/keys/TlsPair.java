package dev.stele.client.keys;

import dev.stele.client.protocol.Der;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * A TLS certificate chain and its private key, as servers keep them in PEM files and as a
 * Kubernetes {@code kubernetes.io/tls} Secret mounts them. The certificate file holds the
 * server's certificate first, then its chain (other PEM blocks, such as the key of a combined
 * file, are skipped); the key file holds one unencrypted private key: PKCS#8 {@code PRIVATE KEY},
 * PKCS#1 {@code RSA PRIVATE KEY} or SEC 1 {@code EC PRIVATE KEY}; RSA, ECDSA on a named curve, or
 * Ed25519. Every TLS listener of the project (the log's, the admission webhook's) reads its pair
 * here.
 *
 * <p>A test signature proves that the key is the first certificate's, so that a rotation caught
 * half-way (a new certificate beside the old key) is refused rather than served. Messages never
 * hold key material, and {@link #toString} names the certificate only.
 */
public record TlsPair(List<X509Certificate> chain, PrivateKey key) {
  public TlsPair {
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a TLS pair needs a certificate");
    }
  }

  /**
   * Reads and checks a pair.
   *
   * @throws KeyFileException saying what is wrong: no certificate, a damaged or encrypted key, a
   *     key that is not the first certificate's
   */
  public static TlsPair parse(byte[] certificatePem, byte[] keyPem) throws KeyFileException {
    return of(certificates(certificatePem), privateKey(keyPem));
  }

  /**
   * A pair of a chain and a key read apart ({@link #certificates}, {@link #privateKey}), checked.
   *
   * @throws KeyFileException if the key is not the first certificate's
   */
  public static TlsPair of(List<X509Certificate> chain, PrivateKey key) throws KeyFileException {
    TlsPair pair = new TlsPair(chain, key);
    pair.checkKeyMatches();
    return pair;
  }

  /** The server's certificate: the first of the chain. */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** Subject, serial and expiry of the server's certificate: what an operator checks after a rotation. */
  public String describe() {
    X509Certificate c = certificate();
    return c.getSubjectX500Principal().getName() + " (serial " + c.getSerialNumber().toString(16) + ", valid until "
        + c.getNotAfter().toInstant() + ")";
  }

  /**
   * The {@code CERTIFICATE} blocks of a PEM file, in order; other blocks are skipped.
   *
   * @throws KeyFileException if the text is not PEM, holds no certificate, or a certificate is damaged
   */
  public static List<X509Certificate> certificates(byte[] pem) throws KeyFileException {
    List<X509Certificate> out = new ArrayList<>();
    try {
      for (Pem.Block b : Pem.decode(new String(pem, StandardCharsets.US_ASCII))) {
        if (b.type().equals("CERTIFICATE")) {
          out.add(Der.certificate("certificate " + (out.size() + 1), b.bytes()));
        }
      }
    } catch (FormatException e) {
      throw new KeyFileException(e.getMessage());
    }
    if (out.isEmpty()) {
      throw new KeyFileException("holds no PEM CERTIFICATE");
    }
    return out;
  }

  /**
   * The first private key of a PEM file; blocks of other types are skipped.
   *
   * @throws KeyFileException if the text is not PEM, holds no private key, or the key is
   *     encrypted, damaged or of another algorithm than RSA, EC or Ed25519
   */
  public static PrivateKey privateKey(byte[] pem) throws KeyFileException {
    List<Pem.Block> blocks;
    try {
      blocks = Pem.decode(new String(pem, StandardCharsets.US_ASCII));
    } catch (FormatException e) {
      throw new KeyFileException(e.getMessage());
    }
    for (Pem.Block b : blocks) {
      PrivateKeyInfo info;
      try {
        switch (b.type()) {
          case "PRIVATE KEY" -> info = PrivateKeyInfo.getInstance(b.bytes());
          case "RSA PRIVATE KEY" -> info = new PrivateKeyInfo(
              new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
              RSAPrivateKey.getInstance(b.bytes()));
          case "EC PRIVATE KEY" -> {
            ECPrivateKey ec = ECPrivateKey.getInstance(b.bytes());
            if (ec.getParametersObject() == null) {
              throw new KeyFileException("the EC PRIVATE KEY names no curve; convert it to PKCS#8 with its curve");
            }
            info = new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey,
                ec.getParametersObject()), ec);
          }
          case "ENCRYPTED PRIVATE KEY" -> throw new KeyFileException("the private key is encrypted; a TLS listener"
              + " reads an unencrypted key (keep the file readable by the server's user only)");
          default -> {
            continue;
          }
        }
      } catch (IOException | IllegalArgumentException e) {
        throw new KeyFileException("the " + b.type() + " is damaged (" + e.getClass().getSimpleName() + ")");
      }
      ASN1ObjectIdentifier alg = info.getPrivateKeyAlgorithm().getAlgorithm();
      String type = alg.equals(PKCSObjectIdentifiers.rsaEncryption) ? "RSA"
          : alg.equals(X9ObjectIdentifiers.id_ecPublicKey) ? "EC"
          : alg.equals(EdECObjectIdentifiers.id_Ed25519) ? "Ed25519" : null;
      if (type == null) {
        throw new KeyFileException("the private key's algorithm " + alg.getId() + " is not RSA, EC or Ed25519");
      }
      try {
        return KeyFactory.getInstance(type).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
      } catch (GeneralSecurityException | IOException e) {
        throw new KeyFileException("the " + b.type() + " is damaged (" + e.getClass().getSimpleName() + ")");
      }
    }
    throw new KeyFileException("holds no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY");
  }

  /** Signs a test message with the key and verifies it with the certificate's public key. */
  private void checkKeyMatches() throws KeyFileException {
    String alg = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> "Ed25519";
    };
    byte[] probe = "stele tls key check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(certificate().getPublicKey());
      v.update(probe);
      if (v.verify(sig)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      // a key of another type than the certificate's: not its key
    }
    throw new KeyFileException("the private key does not belong to the first certificate, " + describe()
        + " (a rotation half done? write the key and the certificate, then reload)");
  }

  @Override
  public String toString() {
    return "TlsPair[" + describe() + ", " + chain.size() + " certificate(s)]";
  }
}
