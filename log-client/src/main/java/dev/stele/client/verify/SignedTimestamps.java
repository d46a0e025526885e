package dev.stele.client.verify;

import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.trust.CertificateAuthority;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.SignerId;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.tsp.TimeStampTokenInfo;

/**
 * RFC 3161 signed timestamps, a Sigstore bundle's other source of signed time (the one a Rekor v2
 * entry, which has no SET, relies on): a timestamp counts when it is a granted TimeStampResp whose
 * token
 *
 * <ol>
 *   <li>imprints the digest (SHA-256, -384 or -512) of the artifact signature it is about;
 *   <li>is signed by a certificate that allows time stamping, chains to a timestamp authority of
 *       the trusted root valid at the token's time, and is itself valid then (RFC 5280);
 *   <li>carries a signature that verifies under that certificate (CMS, RFC 5652).
 * </ol>
 *
 * Failures are at {@link Stage#TIMESTAMP}; the token's {@code genTime} is the signed time.
 */
public final class SignedTimestamps {
  private SignedTimestamps() {}

  /**
   * Verifies one timestamp over {@code signature}.
   *
   * @param response the DER TimeStampResp ({@code signedTimestamp} in a bundle)
   * @return the time the authority signed
   * @throws VerificationException at {@link Stage#TIMESTAMP}, saying which check failed
   */
  public static Instant verify(byte[] response, byte[] signature, List<CertificateAuthority> authorities)
      throws VerificationException {
    TimeStampToken token;
    try {
      TimeStampResponse resp = new TimeStampResponse(response);
      if (resp.getStatus() != 0 && resp.getStatus() != 1) {
        throw fail("the timestamp response has status " + resp.getStatus() + ", not granted");
      }
      token = resp.getTimeStampToken();
    } catch (TSPException | IOException | RuntimeException e) {
      throw fail("not an RFC 3161 timestamp response: " + e.getMessage(), e);
    }
    if (token == null) {
      throw fail("the timestamp response holds no token");
    }
    TimeStampTokenInfo info = token.getTimeStampInfo();
    Instant time = info.getGenTime().toInstant();
    HashAlgorithm imprint = imprintAlgorithm(info);
    if (!MessageDigest.isEqual(imprint.digest(signature), info.getMessageImprintDigest())) {
      throw fail("the timestamp of " + time + " is not over this signature (its " + imprint
          + " message imprint differs)");
    }
    X509Certificate signer = signerCertificate(token, authorities);
    if (signer == null) {
      throw fail("the timestamp of " + time + " was signed by a certificate that neither the token nor"
          + " a trusted timestamp authority holds (trusted: " + authorities.size() + ")");
    }
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(signer);
    CertificateChains.verify(chain, authorities, time, CertificateChains.TIME_STAMPING, Stage.TIMESTAMP,
        "timestamp authority's certificate");
    try {
      token.validate(new JcaSimpleSignerInfoVerifierBuilder().build(signer));
    } catch (TSPException | OperatorCreationException | RuntimeException e) {
      throw fail("the timestamp of " + time + " does not verify under the authority's certificate: "
          + e.getMessage(), e);
    }
    return time;
  }

  /**
   * The signed time of the first of {@code responses} that verifies; empty if there are none.
   *
   * @throws VerificationException if one is present and fails (a broken timestamp is never
   *     passed over silently)
   */
  public static java.util.Optional<Instant> verifyAll(Collection<byte[]> responses, byte[] signature,
      List<CertificateAuthority> authorities) throws VerificationException {
    Instant first = null;
    for (byte[] r : responses) {
      Instant t = verify(r, signature, authorities);
      if (first == null) first = t;
    }
    return java.util.Optional.ofNullable(first);
  }

  private static HashAlgorithm imprintAlgorithm(TimeStampTokenInfo info) throws VerificationException {
    var oid = info.getMessageImprintAlgOID();
    if (oid.equals(NISTObjectIdentifiers.id_sha256)) return HashAlgorithm.SHA256;
    if (oid.equals(NISTObjectIdentifiers.id_sha384)) return HashAlgorithm.SHA384;
    if (oid.equals(NISTObjectIdentifiers.id_sha512)) return HashAlgorithm.SHA512;
    throw fail("the timestamp's message imprint uses " + oid + "; supported: SHA-256, SHA-384, SHA-512");
  }

  /** The certificate the token's signer ID names: one the token carries, or a trusted TSA's. */
  private static X509Certificate signerCertificate(TimeStampToken token, List<CertificateAuthority> authorities)
      throws VerificationException {
    SignerId sid = token.getSID();
    JcaX509CertificateConverter convert = new JcaX509CertificateConverter();
    try {
      for (X509CertificateHolder h : token.getCertificates().getMatches(null)) {
        if (sid.match(h)) return convert.getCertificate(h);
      }
      for (CertificateAuthority ca : authorities) {
        for (X509Certificate c : ca.chain()) {
          if (sid.match(new JcaX509CertificateHolder(c))) return c;
        }
      }
    } catch (CertificateException e) {
      throw fail("a certificate in the timestamp does not parse: " + e.getMessage(), e);
    }
    return null;
  }

  private static VerificationException fail(String message) {
    return new VerificationException(Stage.TIMESTAMP, message);
  }

  private static VerificationException fail(String message, Exception cause) {
    return new VerificationException(Stage.TIMESTAMP, message, cause);
  }
}
