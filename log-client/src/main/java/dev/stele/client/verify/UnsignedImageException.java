package dev.stele.client.verify;

import dev.stele.client.oci.Digest;
import dev.stele.client.oci.Repository;

/**
 * No signature is stored beside an image: not a failed check but nothing to check, which callers
 * report apart from a signature that does not verify (the CLI exits 6, not 10).
 */
public class UnsignedImageException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Repository repository;
  private final transient Digest digest;

  public UnsignedImageException(Repository repository, Digest digest) {
    super("no signature is stored for " + repository + "@" + digest + " (tag " + digest.signatureTag() + ")");
    this.repository = repository;
    this.digest = digest;
  }

  public Repository repository() {
    return repository;
  }

  public Digest digest() {
    return digest;
  }
}
