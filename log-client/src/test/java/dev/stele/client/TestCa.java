package dev.stele.client;

import dev.stele.client.trust.CertificateAuthority;
import dev.stele.client.verify.IdentityPolicy;
import java.math.BigInteger;
import java.net.URI;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A real two-level certificate authority for tests (a Fulcio stand-in): a self-signed root, an
 * intermediate, and short-lived leaf certificates with code-signing usage, a subject alternative
 * name and the Fulcio OIDC issuer extension.
 */
public final class TestCa {
  private static final AtomicLong SERIAL = new AtomicLong(1000);

  private final KeyPair rootKey = TestLog.p256();
  private final KeyPair intermediateKey = TestLog.p256();
  private final X509Certificate root;
  private final X509Certificate intermediate;
  private final Instant notBefore;
  private final Instant notAfter;

  /** A CA whose own certificates are valid from {@code notBefore} to {@code notAfter}. */
  public TestCa(String name, Instant notBefore, Instant notAfter) {
    this.notBefore = notBefore;
    this.notAfter = notAfter;
    try {
      root = build(new X500Name("CN=" + name + " root"), new X500Name("CN=" + name + " root"), rootKey, rootKey,
          notBefore, notAfter, true, null);
      intermediate = build(new X500Name("CN=" + name + " root"), new X500Name("CN=" + name + " intermediate"),
          intermediateKey, rootKey, notBefore, notAfter, true, null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public CertificateAuthority authority(ValidityPeriod validity) {
    return new CertificateAuthority("test CA", URI.create("https://ca.test"), List.of(intermediate, root), validity);
  }

  public CertificateAuthority authority() {
    return authority(new ValidityPeriod(notBefore, java.util.Optional.of(notAfter)));
  }

  /** Options for a leaf certificate. */
  public static final class Leaf {
    public String uri = "https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main";
    public String email;
    /** The subject's common name; null for the empty subject Fulcio-style leaves have. */
    public String commonName;
    public String issuerV2 = "https://token.actions.githubusercontent.com";
    public String issuerV1;
    public boolean codeSigning = true;
    public Instant notBefore;
    public Instant notAfter;
  }

  /** A leaf for {@code subject}, valid for ten minutes from {@code from}, with default options. */
  public X509Certificate leaf(KeyPair subject, Instant from) {
    Leaf o = new Leaf();
    o.notBefore = from;
    o.notAfter = from.plusSeconds(600);
    return leaf(subject, o);
  }

  public X509Certificate leaf(KeyPair subject, Leaf o) {
    try {
      X500Name name = o.commonName == null ? new X500Name("")
          : new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, o.commonName).build();
      return build(new X500Name("CN=" + "intermediate"), name, subject, intermediateKey,
          o.notBefore, o.notAfter, false, o);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public X509Certificate root() {
    return root;
  }

  public X509Certificate intermediate() {
    return intermediate;
  }

  private X509Certificate build(X500Name issuer, X500Name subject, KeyPair subjectKey, KeyPair issuerKey,
      Instant from, Instant to, boolean ca, Leaf leaf) throws Exception {
    X500Name issuerName = ca ? issuer : new X500Name(intermediate.getSubjectX500Principal().getName());
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
        BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(from), Date.from(to), subject,
        subjectKey.getPublic());
    if (ca) {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      if (leaf.codeSigning) {
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
      } else {
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection));
      }
      GeneralName name = leaf.email != null ? new GeneralName(GeneralName.rfc822Name, leaf.email)
          : new GeneralName(GeneralName.uniformResourceIdentifier, leaf.uri);
      b.addExtension(Extension.subjectAlternativeName, true, new GeneralNames(name));
      if (leaf.issuerV2 != null) {
        b.addExtension(new ASN1ObjectIdentifier(IdentityPolicy.ISSUER_V2_OID), false,
            new DERUTF8String(leaf.issuerV2));
      }
      if (leaf.issuerV1 != null) {
        // Version 1 carries the raw string as the extension value.
        b.addExtension(new Extension(new ASN1ObjectIdentifier(IdentityPolicy.ISSUER_V1_OID), false,
            new DEROctetString(leaf.issuerV1.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
      }
    }
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
  }
}
