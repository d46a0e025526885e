package dev.stele.client.verify;

import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1TaggedObject;

/**
 * Which certificate signers are accepted, as cosign's flags express it: the signer's identity (a
 * subject alternative name: e-mail, URI, DNS name or UTF-8 other name) and the OIDC issuer that
 * vouched for it (the Fulcio extension {@value #ISSUER_V2_OID}, or the older
 * {@value #ISSUER_V1_OID}). Both must be required, each exactly or by a regular expression,
 * unless the policy is {@link #any()}, which must be asked for explicitly.
 *
 * <p>Regular expressions must match the <em>whole</em> value (Java {@link Pattern} syntax), so
 * {@code https://github.com/org/.*} cannot be satisfied by a URI that merely contains it.
 *
 * <p>Immutable.
 */
public final class IdentityPolicy {
  /** Fulcio's OIDC issuer extension, version 1: the issuer URL as raw bytes. */
  public static final String ISSUER_V1_OID = "1.3.6.1.4.1.57264.1.1";
  /** Fulcio's OIDC issuer extension, version 2: the issuer URL as a DER UTF8String. */
  public static final String ISSUER_V2_OID = "1.3.6.1.4.1.57264.1.8";

  private static final IdentityPolicy ANY = new IdentityPolicy(null, null);

  private final Matcher identity;
  private final Matcher issuer;

  /** A string requirement: equality, or a whole-value regular expression match. */
  private record Matcher(String exact, Pattern pattern) {
    boolean matches(String value) {
      return exact != null ? exact.equals(value) : pattern.matcher(value).matches();
    }

    @Override
    public String toString() {
      return exact != null ? "'" + exact + "'" : "/" + pattern.pattern() + "/";
    }
  }

  private IdentityPolicy(Matcher identity, Matcher issuer) {
    this.identity = identity;
    this.issuer = issuer;
  }

  /** Accepts any identity from any issuer (cosign's {@code --any-identity}). */
  public static IdentityPolicy any() {
    return ANY;
  }

  /** Requires exactly this identity from exactly this issuer. */
  public static IdentityPolicy exact(String identity, String issuer) {
    return builder().identity(identity).issuer(issuer).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether this is {@link #any()}. */
  public boolean acceptsAny() {
    return identity == null;
  }

  /**
   * Checks the leaf certificate.
   *
   * @throws VerificationException at {@link Stage#IDENTITY}, naming what the certificate holds
   *     and what was required
   */
  public void check(X509Certificate cert) throws VerificationException {
    if (acceptsAny()) {
      return;
    }
    List<String> names = subjectAlternativeNames(cert);
    boolean identityOk = false;
    for (String n : names) {
      identityOk |= identity.matches(n);
    }
    if (!identityOk) {
      throw new VerificationException(Stage.IDENTITY, "the certificate's identities " + names
          + " do not match the required identity " + identity);
    }
    Optional<String> iss = issuer(cert);
    if (iss.isEmpty()) {
      throw new VerificationException(Stage.IDENTITY, "the certificate names no OIDC issuer (extension "
          + ISSUER_V2_OID + " or " + ISSUER_V1_OID + "); required issuer " + issuer);
    }
    if (!issuer.matches(iss.get())) {
      throw new VerificationException(Stage.IDENTITY, "the certificate's OIDC issuer '" + iss.get()
          + "' does not match the required issuer " + issuer);
    }
  }

  /** The certificate's e-mail, URI, DNS and UTF-8 other-name subject alternative names. */
  public static List<String> subjectAlternativeNames(X509Certificate cert) throws VerificationException {
    Collection<List<?>> sans;
    try {
      sans = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new VerificationException(Stage.IDENTITY,
          "the certificate's subject alternative names do not parse: " + e.getMessage(), e);
    }
    List<String> out = new ArrayList<>();
    if (sans == null) {
      return out;
    }
    for (List<?> san : sans) {
      int kind = (Integer) san.get(0);
      Object value = san.get(1);
      if ((kind == 1 || kind == 2 || kind == 6) && value instanceof String) {
        out.add((String) value);
      } else if (kind == 0 && value instanceof byte[]) {
        otherName((byte[]) value).ifPresent(out::add);
      }
    }
    return out;
  }

  /** The OIDC issuer from the version 2 extension, else from the version 1 extension. */
  public static Optional<String> issuer(X509Certificate cert) throws VerificationException {
    try {
      byte[] v2 = cert.getExtensionValue(ISSUER_V2_OID);
      if (v2 != null) {
        ASN1Primitive inner = ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(v2).getOctets());
        if (!(inner instanceof ASN1String)) {
          throw new VerificationException(Stage.IDENTITY, "the issuer extension " + ISSUER_V2_OID
              + " is not a string");
        }
        return Optional.of(((ASN1String) inner).getString());
      }
      byte[] v1 = cert.getExtensionValue(ISSUER_V1_OID);
      if (v1 != null) {
        return Optional.of(new String(ASN1OctetString.getInstance(v1).getOctets(), StandardCharsets.UTF_8));
      }
      return Optional.empty();
    } catch (java.io.IOException | RuntimeException e) {
      throw new VerificationException(Stage.IDENTITY, "the certificate's issuer extension is malformed: "
          + e.getMessage(), e);
    }
  }

  private static Optional<String> otherName(byte[] der) {
    try {
      ASN1Sequence seq = ASN1Sequence.getInstance(der);
      if (seq.size() == 2 && seq.getObjectAt(1) instanceof ASN1TaggedObject) {
        ASN1Encodable value = ((ASN1TaggedObject) seq.getObjectAt(1)).getExplicitBaseObject();
        if (value instanceof ASN1String) {
          return Optional.of(((ASN1String) value).getString());
        }
      }
    } catch (RuntimeException e) {
      // an other-name form without a string value names no identity
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return acceptsAny() ? "IdentityPolicy[any]" : "IdentityPolicy[identity " + identity + ", issuer " + issuer + "]";
  }

  /**
   * Builds a policy that requires an identity ({@link #identity} or {@link #identityRegexp}) and an
   * issuer ({@link #issuer} or {@link #issuerRegexp}).
   */
  public static final class Builder {
    private Matcher identity;
    private Matcher issuer;

    private Builder() {}

    public Builder identity(String value) {
      identity = set(identity, new Matcher(Objects.requireNonNull(value), null), "identity");
      return this;
    }

    /** @throws IllegalArgumentException if the expression does not compile */
    public Builder identityRegexp(String regexp) {
      identity = set(identity, new Matcher(null, compile(regexp, "identity")), "identity");
      return this;
    }

    public Builder issuer(String value) {
      issuer = set(issuer, new Matcher(Objects.requireNonNull(value), null), "issuer");
      return this;
    }

    /** @throws IllegalArgumentException if the expression does not compile */
    public Builder issuerRegexp(String regexp) {
      issuer = set(issuer, new Matcher(null, compile(regexp, "issuer")), "issuer");
      return this;
    }

    /** @throws IllegalStateException unless both an identity and an issuer are required */
    public IdentityPolicy build() {
      if (identity == null) {
        throw new IllegalStateException("a certificate identity is required (exact or regular expression)");
      }
      if (issuer == null) {
        throw new IllegalStateException("a certificate OIDC issuer is required (exact or regular expression)");
      }
      return new IdentityPolicy(identity, issuer);
    }

    private static Matcher set(Matcher old, Matcher value, String what) {
      if (old != null) {
        throw new IllegalStateException("the " + what + " is already required; give it once, exactly or by expression");
      }
      return value;
    }

    private static Pattern compile(String regexp, String what) {
      try {
        return Pattern.compile(regexp);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("the " + what + " expression does not compile: " + e.getDescription(), e);
      }
    }
  }
}
