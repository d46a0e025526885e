package dev.stele.client.oci;

/**
 * A registry could not be used, or answered something that must not be trusted. The message
 * names the registry, the repository (when there is one) and the HTTP status (when there was
 * a response); {@link #reason()} lets a caller choose an exit code or a retry.
 */
public class RegistryException extends OciException {
  private static final long serialVersionUID = 1L;

  /** Why the operation failed. */
  public enum Reason {
    /** No usable answer: connection refused, TLS failure, timeout, interrupted. */
    NETWORK,
    /** 401 or 403 after every authentication the client could offer. */
    UNAUTHORIZED,
    /** 404: no such repository, tag, manifest or blob. */
    NOT_FOUND,
    /** Content whose SHA-256 is not the digest the registry claimed or the caller asked for. */
    DIGEST_MISMATCH,
    /** An answer that does not follow the distribution API: bad JSON, wrong media type, too large. */
    BAD_RESPONSE,
    /** Any other unexpected HTTP status. */
    HTTP_STATUS
  }

  private final Reason reason;
  private final String registry;
  private final String repository;
  private final int status;

  RegistryException(Reason reason, String registry, String repository, int status, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.registry = registry;
    this.repository = repository;
    this.status = status;
  }

  public Reason reason() {
    return reason;
  }

  /** {@code host[:port]} of the registry. */
  public String registry() {
    return registry;
  }

  /** The repository name inside the registry, or {@code null} for registry-wide requests. */
  public String repository() {
    return repository;
  }

  /** The HTTP status of the answer, or 0 when there was no answer. */
  public int status() {
    return status;
  }
}
