package dev.stele.client.oci;

import dev.stele.client.protocol.Encodings;
import dev.stele.client.protocol.FormatException;
import dev.stele.merkle.Rfc6962;

/**
 * A content digest as the OCI image specification writes it: {@code sha256:<64 lowercase hex>}.
 * Only SHA-256 is accepted; it is what registries compute and what the cosign signature tag
 * scheme ({@code sha256-<hex>.sig}) is defined over.
 */
public record Digest(String hex) {
  public static final String ALGORITHM = "sha256";
  private static final int SIZE = 32;

  public Digest {
    if (hex == null) {
      throw new IllegalArgumentException("a sha256 digest needs exactly 64 lowercase hex digits");
    }
    try {
      Encodings.lowerHex("a sha256 digest", hex, SIZE);
    } catch (FormatException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Parses {@code sha256:<hex>}, rejecting other algorithms and anything not exact. */
  public static Digest parse(String text) throws OciException {
    if (text == null) {
      throw new OciException("missing digest");
    }
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new OciException("digest \"" + text + "\" has no algorithm prefix; expected sha256:<64 hex digits>");
    }
    String algorithm = text.substring(0, colon);
    if (!ALGORITHM.equals(algorithm)) {
      throw new OciException("digest \"" + text + "\" uses algorithm \"" + algorithm + "\"; only sha256 is supported");
    }
    String hex = text.substring(colon + 1);
    try {
      Encodings.lowerHex("the part after sha256:", hex, SIZE);
    } catch (FormatException e) {
      throw new OciException("digest \"" + text + "\" is not sha256:<64 lowercase hex digits>: "
          + e.getMessage());
    }
    return new Digest(hex);
  }

  /** The SHA-256 digest of exactly these bytes. */
  public static Digest of(byte[] content) {
    return new Digest(Rfc6962.sha256(content).hex());
  }

  /** The cosign signature tag for an image with this manifest digest: {@code sha256-<hex>.sig}. */
  public String signatureTag() {
    return ALGORITHM + "-" + hex + ".sig";
  }

  /** {@code sha256:<hex>}. */
  @Override
  public String toString() {
    return ALGORITHM + ":" + hex;
  }
}
