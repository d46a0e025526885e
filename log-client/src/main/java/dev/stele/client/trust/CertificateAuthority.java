package dev.stele.client.trust;

import dev.stele.client.ValidityPeriod;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A certificate authority a verifier trusts (a Fulcio instance, or a timestamp authority): its
 * certificate chain, from the issuing certificate to the self-signed root (the last one, the
 * trust anchor), and the period during which certificates it issued are accepted.
 *
 * @param subject the authority's name, for messages
 * @param uri where the authority lives, if known
 * @param chain issuing certificate first, root last; at least one certificate
 * @param validity when certificates from this authority are accepted
 */
public record CertificateAuthority(String subject, URI uri, List<X509Certificate> chain,
    ValidityPeriod validity) {
  public CertificateAuthority {
    Objects.requireNonNull(subject, "subject");
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a certificate authority needs at least one certificate");
    }
    Objects.requireNonNull(validity, "validity");
  }

  /** The trust anchor: the last certificate of the chain. */
  public X509Certificate root() {
    return chain.get(chain.size() - 1);
  }

  /** The certificates between a leaf and the root. */
  public List<X509Certificate> intermediates() {
    return chain.subList(0, chain.size() - 1);
  }

  @Override
  public String toString() {
    return "CertificateAuthority[" + subject + (uri == null ? "" : ", " + uri) + ", " + validity + "]";
  }
}
