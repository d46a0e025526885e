package dev.stele.client.protocol;

import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.crypto.KeyType;
import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.SignatureVerifiers;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.security.SignatureException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
   * The most certificates a chain may hold, leaf included. Each link costs a signature check
   * with the issuer's key, and the sender chooses how many there are; Fulcio's chains have three.
   */
  public static final int MAX_CERTIFICATES = 5;

  /**
   * Parses PEM bytes (UTF-8) holding a public key, a certificate, or a certificate chain of at
   * most {@value #MAX_CERTIFICATES} certificates whose every key is of a supported type. The
   * chain's links are checked within a budget of {@value VerificationBudget#PER_REQUEST} units.
   *
   * @throws FormatException naming the problem; the message never quotes the input
   */
  public static KeyMaterial parse(byte[] pemBytes) throws FormatException {
    return parse(pemBytes, VerificationBudget.perRequest());
  }

  /**
   * As {@link #parse(byte[])}, charging each link of a certificate chain to {@code budget}
   * before checking it.
   *
   * @throws FormatException naming the problem, or if the chain needs more than the budget
   */
  static KeyMaterial parse(byte[] pemBytes, VerificationBudget budget) throws FormatException {
    return parse(pemBytes, budget, Integer.MAX_VALUE);
  }

  /**
   * As {@link #parse(byte[], VerificationBudget)}, refusing a certificate chain whose canonical
   * PEM is longer than {@code maxCanonicalPem} characters before any of its links is checked: an
   * entry carries the PEM (base64-encoded), so one that could not hold it is refused unchecked.
   *
   * @throws FormatException naming the problem, also a chain too long for the entry
   */
  static KeyMaterial parse(byte[] pemBytes, VerificationBudget budget, int maxCanonicalPem) throws FormatException {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(pemBytes)).toString();
    } catch (CharacterCodingException e) {
      throw new FormatException("not PEM text (invalid UTF-8)");
    }
    // Counted before any block is decoded: a chain's length is the sender's choice, and a body
    // can hold hundreds of certificates that would all be base64-decoded only to be refused.
    int certificateBlocks = occurrences(text, "-----BEGIN CERTIFICATE-----");
    if (certificateBlocks > MAX_CERTIFICATES) {
      throw new FormatException("a certificate chain of " + certificateBlocks + " certificates; at most "
          + MAX_CERTIFICATES + " are accepted, leaf first");
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
    if (blocks.size() > MAX_CERTIFICATES) {
      throw new FormatException("a certificate chain of " + blocks.size() + " certificates; at most "
          + MAX_CERTIFICATES + " are accepted, leaf first");
    }
    StringBuilder pem = new StringBuilder();
    for (Pem.Block b : blocks) {
      pem.append(Pem.encode("CERTIFICATE", b.bytes()));
    }
    if (pem.length() > maxCanonicalPem) {
      throw new FormatException("the certificates are " + pem.length() + " characters of PEM; the entry"
          + " can hold at most " + maxCanonicalPem);
    }
    List<X509Certificate> certs = new ArrayList<>(blocks.size());
    for (int i = 0; i < blocks.size(); i++) {
      certs.add(Der.certificate("certificate " + (i + 1), blocks.get(i).bytes()));
    }
    for (int i = 0; i + 1 < certs.size(); i++) {
      // The issuer's key decides what checking the link costs: only supported types and sizes
      // (an RSA key with a huge exponent is refused here), and within the budget.
      PublicKey issuer = certs.get(i + 1).getPublicKey();
      KeyType issuerType;
      try {
        issuerType = PublicKeys.typeOf(issuer);
      } catch (InvalidKeyException e) {
        throw new FormatException("certificate " + (i + 2) + " of the chain: " + e.getMessage(), e);
      }
      try {
        checkLink(certs.get(i), issuer, issuerType, budget, "the signature of certificate " + (i + 1) + " of the chain");
      } catch (GeneralSecurityException e) {
        throw new FormatException("certificate " + (i + 1) + " of the chain is not signed by certificate "
            + (i + 2) + " (" + e.getMessage() + ")");
      }
    }
    PublicKey key = Der.publicKey("the certificate's key", certs.get(0).getPublicKey().getEncoded());
    return new KeyMaterial(key, certs, pem.toString(), subjectsOf(certs.get(0)));
  }

  /**
   * The signature algorithms of certificates that are checked with the library's own verifiers
   * ({@link SignatureVerifiers}, Bouncy Castle's engines), whose cost {@link KeyType#verifyCost}
   * states: each with the key type it needs and its digest.
   */
  private record LinkAlgorithm(String family, HashAlgorithm hash) {}

  private static final Map<String, LinkAlgorithm> LINK_ALGORITHMS = Map.of(
      "1.2.840.10045.4.3.2", new LinkAlgorithm("EC", HashAlgorithm.SHA256),
      "1.2.840.10045.4.3.3", new LinkAlgorithm("EC", HashAlgorithm.SHA384),
      "1.2.840.10045.4.3.4", new LinkAlgorithm("EC", HashAlgorithm.SHA512),
      "1.2.840.113549.1.1.11", new LinkAlgorithm("RSA", HashAlgorithm.SHA256),
      "1.2.840.113549.1.1.12", new LinkAlgorithm("RSA", HashAlgorithm.SHA384),
      "1.2.840.113549.1.1.13", new LinkAlgorithm("RSA", HashAlgorithm.SHA512),
      "1.3.101.112", new LinkAlgorithm("Ed25519", HashAlgorithm.SHA512));

  /**
   * Checks that {@code cert} is signed by {@code issuer}, charging {@code budget} first. The
   * usual algorithms (ECDSA, RSA PKCS #1 v1.5 with SHA-2, Ed25519) are checked by the library's
   * verifiers over the certificate's signed part; any other (RSA-PSS, SHA-1) by the JDK, which is
   * slower and is charged three times the key's cost.
   */
  private static void checkLink(X509Certificate cert, PublicKey issuer, KeyType issuerType,
      VerificationBudget budget, String what) throws FormatException, GeneralSecurityException {
    LinkAlgorithm alg = LINK_ALGORITHMS.get(cert.getSigAlgOID());
    if (alg == null) {
      budget.charge(issuerType, what, 3);
      cert.verify(issuer);
      return;
    }
    String family = issuerType.isEcdsa() ? "EC" : issuerType.isRsa() ? "RSA" : "Ed25519";
    if (!family.equals(alg.family())) {
      throw new SignatureException("the signature algorithm " + cert.getSigAlgName() + " does not go with the "
          + issuerType + " key of the issuer");
    }
    budget.charge(issuerType, what);
    SignatureVerifiers.forKey(issuer, alg.hash()).verify(cert.getSignature(), cert.getTBSCertificate());
  }

  private static int occurrences(String text, String marker) {
    int n = 0;
    for (int i = text.indexOf(marker); i >= 0; i = text.indexOf(marker, i + marker.length())) {
      n++;
    }
    return n;
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
