package dev.stele.client.crypto;

/**
 * The public-key types this library verifies: the ones Rekor v1 allows for artifact signatures
 * (ECDSA on the three NIST curves, Ed25519, RSA with 2048, 3072 or 4096-bit moduli). Anything
 * else is rejected where a key is first parsed.
 */
public enum KeyType {
  ECDSA_P256("ECDSA P-256", HashAlgorithm.SHA256, 8),
  ECDSA_P384("ECDSA P-384", HashAlgorithm.SHA384, 10),
  ECDSA_P521("ECDSA P-521", HashAlgorithm.SHA512, 22),
  ED25519("Ed25519", HashAlgorithm.SHA512, 1),
  RSA_2048("RSA 2048", HashAlgorithm.SHA256, 1),
  RSA_3072("RSA 3072", HashAlgorithm.SHA256, 2),
  RSA_4096("RSA 4096", HashAlgorithm.SHA256, 3);

  /** What {@link #description()} lists for error messages. */
  static final String SUPPORTED =
      "ECDSA P-256, ECDSA P-384, ECDSA P-521, Ed25519, RSA 2048, RSA 3072, RSA 4096";

  private final String description;
  private final HashAlgorithm naturalHash;
  private final int verifyCost;

  KeyType(String description, HashAlgorithm naturalHash, int verifyCost) {
    this.description = description;
    this.naturalHash = naturalHash;
    this.verifyCost = verifyCost;
  }

  /**
   * The CPU one signature check with a key of this type costs, in units of about 0.1 ms: measured
   * on a shared two-core server for a key seen for the first time (a log's worst case: ECDSA
   * keys are then parsed and their multiples computed afresh), Ed25519 78 us, RSA 2048 70 us,
   * RSA 3072 180 us and RSA 4096 250 us with a public exponent of up to 2^31, P-256 0.8 ms,
   * P-384 0.95 ms, P-521 2.2 ms. Limits on the work one request may cause are counted in these
   * units.
   */
  public int verifyCost() {
    return verifyCost;
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
