package dev.stele.merkle;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * RFC 6962 section 2.1 (and RFC 9162 section 2.1.1) hashing with SHA-256: the only home of the
 * domain-separation prefixes 0x00 (leaf) and 0x01 (interior node).
 *
 * <p>Thread-safe: each thread uses its own {@link MessageDigest}.
 */
public final class Rfc6962 {
  /** Prefix of a leaf hash input: {@code SHA-256(0x00 || leaf)}. */
  public static final byte LEAF_PREFIX = 0x00;
  /** Prefix of an interior node hash input: {@code SHA-256(0x01 || left || right)}. */
  public static final byte NODE_PREFIX = 0x01;

  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Rfc6962::newSha256);

  /** The root of the empty tree: SHA-256 of the empty string. */
  public static final Hash EMPTY_ROOT = Hash.wrap(newSha256().digest());

  private Rfc6962() {}

  /** Returns a fresh SHA-256 {@link MessageDigest}. */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must support SHA-256", e);
    }
  }

  /** {@code SHA-256(0x00 || leaf)}: the hash of one log entry. */
  public static Hash hashLeaf(byte[] leaf) {
    return hashLeaf(leaf, 0, leaf.length);
  }

  /** {@code SHA-256(0x00 || leaf[offset, offset+length))}. */
  public static Hash hashLeaf(byte[] leaf, int offset, int length) {
    MessageDigest md = SHA256.get();
    md.update(LEAF_PREFIX);
    md.update(leaf, offset, length);
    return Hash.wrap(md.digest());
  }

  /** {@code SHA-256(0x01 || left || right)}: the hash of an interior node. */
  public static Hash hashChildren(Hash left, Hash right) {
    MessageDigest md = SHA256.get();
    md.update(NODE_PREFIX);
    left.updateDigest(md);
    right.updateDigest(md);
    return Hash.wrap(md.digest());
  }

  /**
   * {@code SHA-256(0x01 || left || right)} for a left and right child held next to each other in
   * {@code src[srcOff, srcOff + 64)}, written to {@code dst[dstOff, dstOff + 32)}.
   *
   * <p>The allocation-free form for tight loops: {@code md} must be a SHA-256 digest owned by the
   * caller (see {@link #newSha256()}), and the output may overwrite the input, because the input is
   * consumed before the output is written.
   */
  public static void hashChildren(MessageDigest md, byte[] src, int srcOff, byte[] dst, int dstOff) {
    md.update(NODE_PREFIX);
    md.update(src, srcOff, 2 * Hash.SIZE);
    try {
      md.digest(dst, dstOff, Hash.SIZE);
    } catch (DigestException e) {
      throw new IllegalArgumentException(
          "no room for a hash at offset " + dstOff + " of " + dst.length + " bytes", e);
    }
  }

  /** Plain SHA-256 of {@code data} (no prefix), for content hashes that are not tree nodes. */
  public static Hash sha256(byte[] data) {
    MessageDigest md = SHA256.get();
    return Hash.wrap(md.digest(data));
  }
}
