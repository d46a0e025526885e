package dev.stele.merkle;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * An immutable 32-byte SHA-256 value: a leaf hash, a node hash or a tree root.
 *
 * <p>Bytes are copied on the way in and on the way out, so a {@code Hash} can be shared freely
 * between threads. {@link #equals} compares in constant time.
 */
public final class Hash implements Comparable<Hash> {
  /** The length of a SHA-256 value in bytes. */
  public static final int SIZE = 32;

  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;

  private Hash(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Copies {@code bytes} into a new hash.
   *
   * @throws IllegalArgumentException unless exactly {@value #SIZE} bytes are given
   */
  public static Hash of(byte[] bytes) {
    if (bytes.length != SIZE) {
      throw new IllegalArgumentException("a hash is " + SIZE + " bytes, got " + bytes.length);
    }
    return new Hash(bytes.clone());
  }

  /**
   * Copies the {@value #SIZE} bytes at {@code offset} of {@code buf} into a new hash.
   *
   * @throws IllegalArgumentException if fewer than {@value #SIZE} bytes remain at {@code offset}
   */
  public static Hash of(byte[] buf, int offset) {
    if (offset < 0 || buf.length - offset < SIZE) {
      throw new IllegalArgumentException(
          "need " + SIZE + " bytes at offset " + offset + ", buffer holds " + buf.length);
    }
    return new Hash(Arrays.copyOfRange(buf, offset, offset + SIZE));
  }

  /**
   * Wraps a freshly computed digest without copying. Only for arrays nobody else holds.
   */
  static Hash wrap(byte[] digest) {
    if (digest.length != SIZE) {
      throw new IllegalArgumentException("a hash is " + SIZE + " bytes, got " + digest.length);
    }
    return new Hash(digest);
  }

  /**
   * Parses 64 hexadecimal digits (either case).
   *
   * @throws IllegalArgumentException on any other input
   */
  public static Hash fromHex(String hex) {
    if (hex.length() != 2 * SIZE) {
      throw new IllegalArgumentException(
          "a hash is " + (2 * SIZE) + " hex digits, got " + hex.length());
    }
    return new Hash(HEX.parseHex(hex));
  }

  /**
   * Parses standard base64 (with padding) of 32 bytes.
   *
   * @throws IllegalArgumentException on any other input
   */
  public static Hash fromBase64(String b64) {
    return of(Base64.getDecoder().decode(b64));
  }

  /** Returns a copy of the 32 bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Copies the 32 bytes into {@code dest} at {@code offset}. */
  public void copyTo(byte[] dest, int offset) {
    System.arraycopy(bytes, 0, dest, offset, SIZE);
  }

  /** Feeds the 32 bytes to {@code md} without copying them. */
  public void updateDigest(MessageDigest md) {
    md.update(bytes);
  }

  /** Lowercase hexadecimal, 64 characters. */
  public String hex() {
    return HEX.formatHex(bytes);
  }

  /** Standard base64 with padding, 44 characters. */
  public String base64() {
    return Base64.getEncoder().encodeToString(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Hash && MessageDigest.isEqual(bytes, ((Hash) o).bytes);
  }

  @Override
  public int hashCode() {
    // The bytes are a cryptographic hash already: the first four are as good as any.
    return (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8
        | (bytes[3] & 0xff);
  }

  /** Unsigned lexicographic order of the bytes. */
  @Override
  public int compareTo(Hash o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return hex();
  }
}
