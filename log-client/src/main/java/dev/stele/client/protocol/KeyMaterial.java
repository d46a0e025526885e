package dev.stele.client.protocol;

import dev.stele.client.crypto.PublicKeys;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1TaggedObject;

/**
 * The public key an entry names, as PEM text: a {@code PUBLIC KEY} block, a {@code CERTIFICATE}
 * block, or a chain of certificates (leaf first, each signed by the next). Parsed once, with
 * its canonical PEM (every block re-encoded in the {@link Pem} layout; docs/protocol.md 3.1) and the
 * identities a certificate names (its subject alternative names, for the search index).
 *
 * <p>Immutable.
 */
public final class KeyMaterial {
  private final PublicKey publicKey;
  private final List<X509Certificate> certificates;
  private final String canonicalPem;
  private final List<String> subjects;

  private KeyMaterial(PublicKey publicKey, List<X509Certificate> certificates, String canonicalPem,
      List<String> subjects) {
    this.publicKey = publicKey;
    this.certificates = List.copyOf(certificates);
    this.canonicalPem = canonicalPem;
    this.subjects = List.copyOf(subjects);
  }

  /**
   * Parses PEM bytes (UTF-8) holding a public key, a certificate, or a certificate chain.
   *
   * @throws FormatException naming the problem; the message never quotes the input
   */
  public static KeyMaterial parse(byte[] pemBytes) throws FormatException {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(pemBytes)).toString();
    } catch (CharacterCodingException e) {
      throw new FormatException("not PEM text (invalid UTF-8)");
    }
    List<Pem.Block> blocks = Pem.decode(text);
    String type = blocks.get(0).type();
    for (Pem.Block b : blocks) {
      if (!b.type().equals(type) || !(type.equals("PUBLIC KEY") || type.equals("CERTIFICATE"))) {
        throw new FormatException("expected one PEM PUBLIC KEY block or PEM CERTIFICATE blocks, found "
            + describe(blocks));
      }
    }
    if (type.equals("PUBLIC KEY")) {
      if (blocks.size() != 1) {
        throw new FormatException("expected one PEM PUBLIC KEY block, found " + blocks.size());
      }
      PublicKey key = publicKeyOf(blocks.get(0));
      return new KeyMaterial(key, List.of(), Pem.encode("PUBLIC KEY", key.getEncoded()), List.of());
    }
    List<X509Certificate> certs = new ArrayList<>(blocks.size());
    StringBuilder pem = new StringBuilder();
    for (int i = 0; i < blocks.size(); i++) {
      X509Certificate cert = Der.certificate("certificate " + (i + 1), blocks.get(i).bytes());
      certs.add(cert);
      pem.append(Pem.encode("CERTIFICATE", blocks.get(i).bytes()));
    }
    for (int i = 0; i + 1 < certs.size(); i++) {
      try {
        certs.get(i).verify(certs.get(i + 1).getPublicKey());
      } catch (GeneralSecurityException e) {
        throw new FormatException("certificate " + (i + 1) + " of the chain is not signed by certificate "
            + (i + 2) + " (" + e.getMessage() + ")");
      }
    }
    PublicKey key = Der.publicKey("the certificate's key", certs.get(0).getPublicKey().getEncoded());
    return new KeyMaterial(key, certs, pem.toString(), subjectsOf(certs.get(0)));
  }

  private static String describe(List<Pem.Block> blocks) {
    List<String> types = new ArrayList<>();
    blocks.forEach(b -> types.add(b.type()));
    return types.toString();
  }

  /**
   * Parses text that must be exactly one PEM {@code PUBLIC KEY} block of a supported key type:
   * a log's key, as {@code GET /api/v1/log/publicKey} serves it and as key files hold it.
   * Certificates are refused: a log is trusted by its key.
   *
   * @throws FormatException naming the problem; the message never quotes the input
   */
  public static PublicKey parsePublicKey(String pemText) throws FormatException {
    return publicKeyOf(Pem.decodeSingle(pemText, "PUBLIC KEY"));
  }

  private static PublicKey publicKeyOf(Pem.Block block) throws FormatException {
    try {
      return PublicKeys.fromDer(block.bytes());
    } catch (InvalidKeyException e) {
      // Unprefixed: callers name the field ("signature.publicKey.content: unsupported ...").
      throw new FormatException(e.getMessage(), e);
    }
  }

  /**
   * The subject alternative names of a certificate, as Rekor indexes them: DNS names, e-mail
   * addresses, IP addresses, URIs and UTF-8 other names, lower-cased.
   */
  private static List<String> subjectsOf(X509Certificate cert) throws FormatException {
    Set<String> out = new LinkedHashSet<>();
    Collection<List<?>> sans;
    try {
      sans = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new FormatException("the certificate's subject alternative names do not parse: " + e.getMessage());
    }
    if (sans == null) {
      return List.of();
    }
    for (List<?> san : sans) {
      int kind = (Integer) san.get(0);
      Object value = san.get(1);
      if ((kind == 1 || kind == 2 || kind == 6 || kind == 7) && value instanceof String) {
        out.add(((String) value).toLowerCase(Locale.ROOT));
      } else if (kind == 0 && value instanceof byte[]) {
        String other = otherNameValue((byte[]) value);
        if (other != null) {
          out.add(other.toLowerCase(Locale.ROOT));
        }
      }
    }
    return new ArrayList<>(out);
  }

  /** The string value of an OtherName ({@code SEQUENCE {type-id OID, [0] EXPLICIT value}}). */
  private static String otherNameValue(byte[] der) {
    try {
      ASN1Encodable parsed = ASN1Sequence.getInstance(der);
      ASN1Sequence seq = (ASN1Sequence) parsed;
      if (seq.size() == 2 && seq.getObjectAt(1) instanceof ASN1TaggedObject) {
        ASN1Encodable value = ((ASN1TaggedObject) seq.getObjectAt(1)).getExplicitBaseObject();
        if (value instanceof ASN1String) {
          return ((ASN1String) value).getString();
        }
      }
    } catch (RuntimeException e) {
      // Not a form we index; the certificate itself parsed, so it is not an error.
    }
    return null;
  }

  /** The key that verifies signatures: the public key, or the leaf certificate's key. */
  public PublicKey publicKey() {
    return publicKey;
  }

  /** The certificates, leaf first; empty for a bare public key. */
  public List<X509Certificate> certificates() {
    return certificates;
  }

  /** The canonical PEM text: each block re-encoded, 64-character lines, final newline. */
  public String canonicalPem() {
    return canonicalPem;
  }

  /** The canonical PEM as UTF-8 bytes (what entry bodies carry, base64-encoded). */
  public byte[] canonicalPemBytes() {
    return canonicalPem.getBytes(StandardCharsets.US_ASCII);
  }

  /** SHA-256 of the canonical PEM: the search-index key of this key or certificate. */
  public Hash canonicalPemHash() {
    return Rfc6962.sha256(canonicalPemBytes());
  }

  /** Lower-cased subject alternative names of the leaf certificate; empty for a bare key. */
  public List<String> subjects() {
    return subjects;
  }

  /** For messages: "ECDSA P-256 key abcd1234" or "certificate with ECDSA P-256 key ...". */
  public String describe() {
    return (certificates.isEmpty() ? "" : "certificate with ") + PublicKeys.describe(publicKey);
  }

  @Override
  public String toString() {
    return "KeyMaterial[" + describe() + "]";
  }
}
