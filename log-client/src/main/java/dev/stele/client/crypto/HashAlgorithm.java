package dev.stele.client.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The message digests that signatures in a Rekor v1 log are made over. Digests are computed with
 * the JDK's {@link MessageDigest}, one instance per thread.
 */
public enum HashAlgorithm {
  SHA256("sha256", "SHA-256", 32, "3031300d060960864801650304020105000420"),
  SHA384("sha384", "SHA-384", 48, "3041300d060960864801650304020205000430"),
  SHA512("sha512", "SHA-512", 64, "3051300d060960864801650304020305000440");

  private final String rekorName;
  private final String jcaName;
  private final int digestLength;
  private final byte[] digestInfoPrefix;
  private final ThreadLocal<MessageDigest> digests;

  HashAlgorithm(String rekorName, String jcaName, int digestLength, String digestInfoPrefixHex) {
    this.rekorName = rekorName;
    this.jcaName = jcaName;
    this.digestLength = digestLength;
    // RFC 8017 section 9.2, note 1: DER of DigestInfo up to (and including) the OCTET STRING
    // header of the digest.
    this.digestInfoPrefix = HexFormat.of().parseHex(digestInfoPrefixHex);
    this.digests = ThreadLocal.withInitial(this::newDigest);
  }

  /** The lower-case name used in Rekor entries: {@code sha256}, {@code sha384}, {@code sha512}. */
  public String rekorName() {
    return rekorName;
  }

  /** The digest length in bytes. */
  public int digestLength() {
    return digestLength;
  }

  /** The digest length in hexadecimal digits. */
  public int hexLength() {
    return 2 * digestLength;
  }

  /** Returns the algorithm for a Rekor name (exact, lower case), if it is one of ours. */
  public static Optional<HashAlgorithm> fromRekorName(String name) {
    for (HashAlgorithm a : values()) {
      if (a.rekorName.equals(name)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** Digests {@code data}. Thread-safe. */
  public byte[] digest(byte[] data) {
    return digests.get().digest(data);
  }

  /** A fresh {@link MessageDigest} for streaming use. */
  public MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance(jcaName);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must support " + jcaName, e);
    }
  }

  /** DER {@code DigestInfo} for RSA PKCS#1 v1.5 signatures: prefix followed by {@code digest}. */
  byte[] digestInfo(byte[] digest) {
    byte[] out = Arrays.copyOf(digestInfoPrefix, digestInfoPrefix.length + digest.length);
    System.arraycopy(digest, 0, out, digestInfoPrefix.length, digest.length);
    return out;
  }

  @Override
  public String toString() {
    return rekorName;
  }
}
