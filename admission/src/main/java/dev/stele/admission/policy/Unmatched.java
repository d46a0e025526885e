package dev.stele.admission.policy;

/** What the policy does with an image that no rule matches. */
public enum Unmatched {
  /** Deny the request (the default: an image nobody wrote a rule for is not trusted). */
  DENY,
  /** Allow it, with a warning. */
  WARN,
  /** Allow it silently. */
  ALLOW
}
