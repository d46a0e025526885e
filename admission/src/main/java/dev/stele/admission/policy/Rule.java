package dev.stele.admission.policy;

import dev.stele.client.TrustedLog;
import dev.stele.client.trust.CertificateAuthority;
import dev.stele.client.trust.TrustRoot;
import dev.stele.client.verify.ImageVerifier;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * One rule of the policy: the images it covers, who may sign them, which logs must hold the
 * signatures, and what a failure does.
 *
 * @param name unique within the policy; metrics and messages name the rule by it
 * @param images the image name patterns ({@code registry/repository}); any one matching is enough
 * @param mode what a failed verification does
 * @param logs the trusted logs (each entry must be in one of them)
 * @param signers the accepted signers
 */
public record Rule(String name, List<ImageGlob> images, Mode mode, List<LogSpec> logs, ImageVerifier.Signers signers) {
  public Rule {
    Objects.requireNonNull(name);
    images = List.copyOf(images);
    Objects.requireNonNull(mode);
    logs = List.copyOf(logs);
    Objects.requireNonNull(signers);
  }

  /** Whether this rule covers the image named {@code registry/repository}. */
  public boolean matches(String imageName) {
    for (ImageGlob g : images) {
      if (g.matches(imageName)) {
        return true;
      }
    }
    return false;
  }

  /** What the verifier trusts under this rule: the rule's logs and their certificate authorities. */
  public TrustRoot trust() {
    List<TrustedLog> all = new ArrayList<>();
    List<CertificateAuthority> cas = new ArrayList<>();
    for (LogSpec l : logs) {
      all.addAll(l.logs());
      cas.addAll(l.authorities());
    }
    return TrustRoot.of(all, cas);
  }

  /** Where the entries are looked up, in the order the rule names its logs, each URL once. */
  public List<URI> urls() {
    LinkedHashSet<URI> out = new LinkedHashSet<>();
    logs.forEach(l -> out.addAll(l.urls()));
    return List.copyOf(out);
  }
}
