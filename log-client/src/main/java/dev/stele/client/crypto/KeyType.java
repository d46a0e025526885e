package dev.stele.client.crypto;

/**
 * The public-key types this library verifies: the ones Rekor v1 allows for artifact signatures
 * (ECDSA on the three NIST curves, Ed25519, RSA with 2048, 3072 or 4096-bit moduli). Anything
 * else is rejected where a key is first parsed.
 */
public enum KeyType {
  ECDSA_P256("ECDSA P-256", HashAlgorithm.SHA256),
  ECDSA_P384("ECDSA P-384", HashAlgorithm.SHA384),
  ECDSA_P521("ECDSA P-521", HashAlgorithm.SHA512),
  ED25519("Ed25519", HashAlgorithm.SHA512),
  RSA_2048("RSA 2048", HashAlgorithm.SHA256),
  RSA_3072("RSA 3072", HashAlgorithm.SHA256),
  RSA_4096("RSA 4096", HashAlgorithm.SHA256);

  /** What {@link #description()} lists for error messages. */
  static final String SUPPORTED =
      "ECDSA P-256, ECDSA P-384, ECDSA P-521, Ed25519, RSA 2048, RSA 3072, RSA 4096";

  private final String description;
  private final HashAlgorithm naturalHash;

  KeyType(String description, HashAlgorithm naturalHash) {
    this.description = description;
    this.naturalHash = naturalHash;
  }

  /** A human-readable name, e.g. {@code "ECDSA P-256"}. */
  public String description() {
    return description;
  }

  /**
   * The digest that goes with this key by default: the curve's own size for ECDSA, SHA-256 for
   * RSA, and SHA-512 for Ed25519 (the digest inside Ed25519 and Ed25519ph).
   */
  public HashAlgorithm naturalHash() {
    return naturalHash;
  }

  /** True for the three ECDSA curves. */
  public boolean isEcdsa() {
    return this == ECDSA_P256 || this == ECDSA_P384 || this == ECDSA_P521;
  }

  /** True for the three RSA sizes. */
  public boolean isRsa() {
    return this == RSA_2048 || this == RSA_3072 || this == RSA_4096;
  }

  @Override
  public String toString() {
    return description;
  }
}
