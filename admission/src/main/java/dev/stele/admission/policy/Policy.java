package dev.stele.admission.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The admission policy: rules over image names, what happens to images no rule covers, and the
 * namespaces never checked. Every rule that matches an image applies, and each must pass: a
 * lenient rule cannot shadow a strict one. Immutable; read by {@link PolicyParser}.
 *
 * @param unmatched what an image that no rule matches gets
 * @param excludedNamespaces namespaces whose requests are allowed without checks (by name)
 * @param rules the rules, in the file's order
 */
public record Policy(Unmatched unmatched, Set<String> excludedNamespaces, List<Rule> rules) {
  public Policy {
    Objects.requireNonNull(unmatched);
    excludedNamespaces = Set.copyOf(excludedNamespaces);
    rules = List.copyOf(rules);
  }

  /** The rules that cover the image named {@code registry/repository}, in the file's order. */
  public List<Rule> rulesFor(String imageName) {
    List<Rule> out = new ArrayList<>();
    for (Rule r : rules) {
      if (r.matches(imageName)) {
        out.add(r);
      }
    }
    return out;
  }
}
