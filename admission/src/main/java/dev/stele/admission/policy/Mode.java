package dev.stele.admission.policy;

/** What a rule does with an image that fails verification. */
public enum Mode {
  /** Deny the request. */
  ENFORCE,
  /** Allow the request, with a warning the client shows (kubectl prints it). */
  WARN
}
