package dev.stele.client.protocol;

import dev.stele.client.crypto.PublicKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * DER bytes from outside (an entry, a bundle, a trusted root, a file) turned into certificates and
 * public keys, with the rule that the bytes must be exactly one DER structure: the encoding of
 * what was parsed, with nothing after it. Problems are {@link FormatException}s that name the
 * value ({@code what}) and never quote the bytes.
 */
public final class Der {
  private Der() {}

  /**
   * Parses one DER X.509 certificate (RFC 5280), rejecting trailing bytes and any other
   * encoding of it.
   *
   * @throws FormatException naming {@code what}
   */
  public static X509Certificate certificate(String what, byte[] der) throws FormatException {
    X509Certificate cert;
    try {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | RuntimeException e) {
      throw new FormatException(what + " is not a DER X.509 certificate: " + e.getMessage());
    }
    byte[] encoded;
    try {
      encoded = cert.getEncoded();
    } catch (CertificateException e) {
      throw new FormatException(what + " does not re-encode: " + e.getMessage());
    }
    if (!Arrays.equals(encoded, der)) {
      throw new FormatException(what + " is " + der.length + " bytes, but its DER certificate is "
          + encoded.length + ": the bytes are not exactly one DER certificate");
    }
    return cert;
  }

  /**
   * Parses a DER SubjectPublicKeyInfo (RFC 5280 section 4.1.2.7) of a supported key type.
   *
   * @throws FormatException naming {@code what}, for malformed bytes or an unsupported type
   */
  public static PublicKey publicKey(String what, byte[] spki) throws FormatException {
    try {
      return PublicKeys.fromDer(spki);
    } catch (InvalidKeyException e) {
      throw new FormatException(what + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses a bare PKCS#1 {@code RSAPublicKey} (RFC 8017 appendix A.1.1), as some trusted roots
   * carry for {@code PKCS1_RSA_*} keys, by wrapping it in a SubjectPublicKeyInfo.
   *
   * @throws FormatException naming {@code what}
   */
  public static PublicKey pkcs1RsaPublicKey(String what, byte[] rsaPublicKey) throws FormatException {
    byte[] spki;
    try {
      RSAPublicKey.getInstance(rsaPublicKey); // rejects what is not an RSAPublicKey before wrapping it
      spki = new SubjectPublicKeyInfo(
          new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), rsaPublicKey).getEncoded();
    } catch (IOException | RuntimeException e) {
      throw new FormatException(what + " is not a DER PKCS#1 RSA public key", e);
    }
    return publicKey(what, spki);
  }
}
