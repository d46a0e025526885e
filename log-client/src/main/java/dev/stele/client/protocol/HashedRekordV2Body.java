package dev.stele.client.protocol;

import dev.stele.client.crypto.HashAlgorithm;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A {@code hashedrekord} 0.0.2 body (docs/protocol.md 3.4; Rekor v2): a signature over a digest,
 * the key or certificate that made it, and its key details (the signature algorithm).
 *
 * <p>The signed digest is either an artifact's or, for a DSSE envelope recorded through Rekor v2,
 * the digest of the envelope's pre-authentication encoding.
 */
public final class HashedRekordV2Body implements EntryBody {
  static final String KIND = "hashedrekord";
  static final String VERSION = "0.0.2";

  private final HashAlgorithm algorithm;
  private final byte[] digest;
  private final byte[] signature;
  private final String keyDetails;
  private final KeyMaterial key;

  /**
   * @param algorithm the digest algorithm, the one {@code keyDetails} names
   * @param digest the signed digest
   * @param signature the signature bytes
   * @param keyDetails the protobuf {@code PublicKeyDetails} name, e.g. {@code PKIX_ECDSA_P256_SHA_256}
   * @param key the public key or the one certificate
   */
  public HashedRekordV2Body(HashAlgorithm algorithm, byte[] digest, byte[] signature, String keyDetails,
      KeyMaterial key) {
    this.algorithm = Objects.requireNonNull(algorithm);
    if (digest.length != algorithm.digestLength()) {
      throw new IllegalArgumentException("a " + algorithm + " digest is " + algorithm.digestLength()
          + " bytes, got " + digest.length);
    }
    this.digest = digest.clone();
    this.signature = signature.clone();
    this.keyDetails = Objects.requireNonNull(keyDetails);
    this.key = Objects.requireNonNull(key);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String apiVersion() {
    return VERSION;
  }

  public HashAlgorithm algorithm() {
    return algorithm;
  }

  public byte[] digest() {
    return digest.clone();
  }

  public byte[] signature() {
    return signature.clone();
  }

  public String keyDetails() {
    return keyDetails;
  }

  /** The public key, or the certificate (as a one-certificate chain). */
  public KeyMaterial key() {
    return key;
  }

  /**
   * The same keys as a hashedrekord 0.0.1 entry of this signer and digest (docs/protocol.md 10),
   * so that one search finds entries recorded through either API.
   */
  @Override
  public List<String> indexKeys() {
    Set<String> keys = new LinkedHashSet<>();
    keys.add(key.canonicalPemHash().hex());
    keys.addAll(key.subjects());
    keys.add((algorithm.rekorName() + ":" + Encodings.hex(digest)).toLowerCase(Locale.ROOT));
    return List.copyOf(keys);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof HashedRekordV2Body)) {
      return false;
    }
    HashedRekordV2Body b = (HashedRekordV2Body) o;
    return algorithm == b.algorithm && Arrays.equals(digest, b.digest) && Arrays.equals(signature, b.signature)
        && keyDetails.equals(b.keyDetails) && key.canonicalPem().equals(b.key.canonicalPem());
  }

  @Override
  public int hashCode() {
    return Objects.hash(algorithm, Arrays.hashCode(digest), Arrays.hashCode(signature), key.canonicalPem());
  }

  @Override
  public String toString() {
    return "hashedrekord 0.0.2 [" + algorithm + ":" + Encodings.hex(digest) + ", " + key.describe() + "]";
  }
}
