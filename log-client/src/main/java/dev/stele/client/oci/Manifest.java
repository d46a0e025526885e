package dev.stele.client.oci;

import java.util.Arrays;

/**
 * A manifest exactly as the registry sent it, with its media type and the digest that was
 * computed over these bytes (and checked against what the registry claimed and what was asked).
 */
public final class Manifest {
  private final Digest digest;
  private final String mediaType;
  private final byte[] bytes;

  Manifest(Digest digest, String mediaType, byte[] bytes) {
    this.digest = digest;
    this.mediaType = mediaType;
    this.bytes = bytes.clone();
  }

  /** The SHA-256 of {@link #bytes()}: the manifest digest, which is what gets signed. */
  public Digest digest() {
    return digest;
  }

  public String mediaType() {
    return mediaType;
  }

  /** True for an OCI index or a Docker manifest list. */
  public boolean isIndex() {
    return MediaTypes.isIndex(mediaType);
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Manifest m && m.digest.equals(digest) && m.mediaType.equals(mediaType)
        && Arrays.equals(m.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "Manifest[" + mediaType + " " + digest + ", " + bytes.length + " bytes]";
  }
}
