package dev.stele.client.protocol;

import dev.stele.client.crypto.HashAlgorithm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A {@code hashedrekord} 0.0.1 body (docs/protocol.md 3.1): a signature over an artifact's digest, and
 * the key or certificate that made it.
 */
public final class HashedRekordBody implements EntryBody {
  static final String KIND = "hashedrekord";
  static final String VERSION = "0.0.1";

  private final HashAlgorithm algorithm;
  private final String digestHex;
  private final byte[] digest;
  private final byte[] signature;
  private final KeyMaterial key;

  /**
   * @param algorithm the digest algorithm
   * @param digestHex the digest in hex, exactly as the signer sent it (case kept)
   * @param signature the signature bytes
   * @param key the public key or certificate(s)
   */
  public HashedRekordBody(HashAlgorithm algorithm, String digestHex, byte[] signature, KeyMaterial key) {
    this.algorithm = Objects.requireNonNull(algorithm);
    this.digest = decode(algorithm, digestHex);
    this.digestHex = digestHex;
    this.signature = signature.clone();
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

  /** The digest's hex digits as stored (the case the signer used). */
  public String digestHex() {
    return digestHex;
  }

  /** The digest bytes. */
  public byte[] digest() {
    return digest.clone();
  }

  private static byte[] decode(HashAlgorithm algorithm, String digestHex) {
    try {
      return Encodings.hex("a " + algorithm + " digest", digestHex, algorithm.digestLength());
    } catch (FormatException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** A copy of the signature bytes. */
  public byte[] signature() {
    return signature.clone();
  }

  /** The key or certificate(s) named by the entry. */
  public KeyMaterial key() {
    return key;
  }

  @Override
  public List<String> indexKeys() {
    Set<String> keys = new LinkedHashSet<>();
    keys.add(key.canonicalPemHash().hex());
    keys.addAll(key.subjects());
    keys.add((algorithm.rekorName() + ":" + digestHex).toLowerCase(Locale.ROOT));
    return List.copyOf(new ArrayList<>(keys));
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof HashedRekordBody)) {
      return false;
    }
    HashedRekordBody other = (HashedRekordBody) o;
    return algorithm == other.algorithm && digestHex.equals(other.digestHex)
        && Arrays.equals(signature, other.signature) && key.canonicalPem().equals(other.key.canonicalPem());
  }

  @Override
  public int hashCode() {
    return Objects.hash(algorithm, digestHex, Arrays.hashCode(signature), key.canonicalPem());
  }

  @Override
  public String toString() {
    return "hashedrekord 0.0.1 [" + algorithm + ":" + digestHex + ", " + key.describe() + "]";
  }
}
