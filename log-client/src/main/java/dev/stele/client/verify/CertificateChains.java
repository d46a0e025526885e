package dev.stele.client.verify;

import dev.stele.client.trust.CertificateAuthority;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Signing certificates: the chain from the leaf must reach the root of a trusted certificate
 * authority that is valid at the signed time, every certificate on it valid at that time (RFC
 * 5280 path validation by the JDK's PKIX implementation, revocation not checked: Fulcio
 * certificates live minutes), and the leaf must allow code signing. Signed certificate
 * timestamps (SCTs) are not checked.
 */
final class CertificateChains {
  /** id-kp-codeSigning (RFC 5280 4.2.1.12). */
  static final String CODE_SIGNING = "1.3.6.1.5.5.7.3.3";

  private CertificateChains() {}

  /** id-kp-timeStamping (RFC 5280 4.2.1.12), required of an RFC 3161 timestamp's signer. */
  static final String TIME_STAMPING = "1.3.6.1.5.5.7.3.8";

  static void verify(List<X509Certificate> chain, List<CertificateAuthority> authorities, Instant time)
      throws VerificationException {
    verify(chain, authorities, time, CODE_SIGNING, Stage.CERTIFICATE, "signing certificate");
  }

  /**
   * As {@link #verify(List, List, Instant)} for a certificate with another purpose: {@code usage}
   * required of the leaf, failures at {@code stage}, the leaf called {@code what} in messages.
   */
  static void verify(List<X509Certificate> chain, List<CertificateAuthority> authorities, Instant time,
      String usage, Stage stage, String what) throws VerificationException {
    X509Certificate leaf = chain.get(0);
    List<String> usages;
    try {
      usages = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw new VerificationException(stage, "the " + what + "'s extended key usage does not parse: "
          + e.getMessage(), e);
    }
    if (usages == null || !usages.contains(usage)) {
      throw new VerificationException(stage, "the " + what + " does not allow "
          + (usage.equals(CODE_SIGNING) ? "code signing" : "time stamping") + " (extended key usage " + usages + ")");
    }
    Set<TrustAnchor> anchors = new HashSet<>();
    List<Certificate> pool = new ArrayList<>(chain);
    List<String> considered = new ArrayList<>();
    for (CertificateAuthority ca : authorities) {
      considered.add(ca.subject() + " " + ca.validity());
      if (ca.validity().contains(time)) {
        anchors.add(new TrustAnchor(ca.root(), null));
        pool.addAll(ca.intermediates());
      }
    }
    if (anchors.isEmpty()) {
      throw new VerificationException(stage, "no trusted " + (stage == Stage.CERTIFICATE ? "certificate" : "timestamp")
          + " authority is valid at "
          + time + " (trusted: " + considered + ")");
    }
    try {
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(leaf);
      PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
      params.setRevocationEnabled(false);
      params.setDate(Date.from(time));
      params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(pool)));
      CertPathBuilder.getInstance("PKIX").build(params);
    } catch (CertPathBuilderException e) {
      throw new VerificationException(stage, "no valid chain at " + time + " from the " + what + " (serial " + leaf.getSerialNumber().toString(16) + ", valid "
          + leaf.getNotBefore().toInstant() + " to " + leaf.getNotAfter().toInstant()
          + ") to a trusted authority: " + e.getMessage(), e);
    } catch (InvalidAlgorithmParameterException e) {
      throw new IllegalStateException("PKIX parameters rejected: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks PKIX path building: " + e.getMessage(), e);
    }
  }
}
