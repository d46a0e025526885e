package dev.stele.client.oci;

import dev.stele.client.protocol.Encodings;
import dev.stele.client.protocol.FormatException;
import java.util.Arrays;
import java.util.Objects;

/**
 * One signature as it is stored beside an image: a layer of the {@code sha256-<hex>.sig}
 * manifest whose blob is {@code payload} and whose annotations carry the rest.
 *
 * @param payload the signed bytes (normally a {@link SimpleSigningPayload})
 * @param signature the signature over {@code payload}, standard base64
 *     ({@code dev.cosignproject.cosign/signature})
 * @param bundle the log-entry evidence as JSON ({@code dev.sigstore.cosign/bundle}, see
 *     {@link CosignBundle}), or {@code null}
 * @param certificate the signer's PEM certificate ({@code dev.sigstore.cosign/certificate}), or
 *     {@code null} for a plain key
 * @param chain PEM certificates up to the root ({@code dev.sigstore.cosign/chain}), or {@code null}
 */
public record OciSignature(byte[] payload, String signature, String bundle, String certificate, String chain) {
  public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
  public static final String BUNDLE_ANNOTATION = "dev.sigstore.cosign/bundle";
  public static final String CERTIFICATE_ANNOTATION = "dev.sigstore.cosign/certificate";
  public static final String CHAIN_ANNOTATION = "dev.sigstore.cosign/chain";

  public OciSignature {
    if (payload == null || payload.length == 0) {
      throw new IllegalArgumentException("payload is required");
    }
    if (signature == null || signature.isEmpty()) {
      throw new IllegalArgumentException("signature is required");
    }
    decode(signature);
    payload = payload.clone();
  }

  /** A key-signed entry: payload, base64 signature and the log bundle JSON (may be null). */
  public static OciSignature of(byte[] payload, String signature, String bundle) {
    return new OciSignature(payload, signature, bundle, null, null);
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /** The signature decoded from base64. */
  public byte[] signatureBytes() {
    return decode(signature);
  }

  /** cosign writes the annotation with Go's standard base64, padded: only that is read. */
  private static byte[] decode(String signature) {
    try {
      return Encodings.base64("the " + SIGNATURE_ANNOTATION + " annotation", signature);
    } catch (FormatException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The digest of the payload, which is also the digest of its layer blob. */
  public Digest payloadDigest() {
    return Digest.of(payload);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OciSignature s && Arrays.equals(s.payload, payload) && s.signature.equals(signature)
        && Objects.equals(s.bundle, bundle) && Objects.equals(s.certificate, certificate)
        && Objects.equals(s.chain, chain);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(payload), signature);
  }

  @Override
  public String toString() {
    return "OciSignature[payload " + payloadDigest() + ", " + (bundle != null ? "with" : "without") + " bundle, "
        + (certificate != null ? "certificate" : "key") + "]";
  }
}
