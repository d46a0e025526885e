package dev.stele.admission.policy;

import dev.stele.client.TrustedLog;
import dev.stele.client.trust.CertificateAuthority;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * A trusted log as the policy names it: a log's public key with its URL, or the logs and
 * certificate authorities of a Sigstore {@code trusted_root.json}.
 *
 * @param name what rules call it
 * @param logs the logs (keys, log IDs, validity)
 * @param authorities certificate authorities for certificate signers (only from a trusted root)
 * @param urls where entries are looked up
 */
public record LogSpec(String name, List<TrustedLog> logs, List<CertificateAuthority> authorities, List<URI> urls) {
  public LogSpec {
    Objects.requireNonNull(name);
    logs = List.copyOf(logs);
    authorities = List.copyOf(authorities);
    urls = List.copyOf(urls);
  }
}
