package dev.stele.server.storage;

import java.nio.charset.StandardCharsets;

/**
 * Key layouts, all fixed-width big-endian so that the byte order RocksDB sorts by is the numeric
 * order: "the last entry" and "the entries of one bundle" are plain range scans.
 *
 * <pre>
 * entries     index (8)                       -> Records.entry
 * leaf_index  leaf hash (32)                  -> index (8)
 * tiles       level (1) || index (8)          -> hash tile bytes at its newest width
 * search      utf8(key) || 0x00 || index (8)  -> leaf hash (32); empty in rows written before it
 * meta        ascii name                      -> Records.treeState ("tree", "cosigned") | Records.identity | Records.importProgress
 * </pre>
 */
final class Keys {
  private static final String META_TREE = "tree";
  private static final String META_IDENTITY = "identity";
  private static final String META_IMPORT = "import";
  private static final String META_COSIGNED = "cosigned";
  private static final String META_SETS_PENDING = "sets-pending-from";

  /** The {@code meta} key of the tree state (a fresh array: callers may not share one). */
  static byte[] metaTree() {
    return META_TREE.getBytes(StandardCharsets.US_ASCII);
  }

  /** The {@code meta} key of the log identity (a fresh array). */
  static byte[] metaIdentity() {
    return META_IDENTITY.getBytes(StandardCharsets.US_ASCII);
  }

  /** The {@code meta} key of the progress of the last import (a fresh array). */
  static byte[] metaImport() {
    return META_IMPORT.getBytes(StandardCharsets.US_ASCII);
  }

  /** The {@code meta} key of the newest cosigned checkpoint (a fresh array). */
  static byte[] metaCosigned() {
    return META_COSIGNED.getBytes(StandardCharsets.US_ASCII);
  }

  /** The {@code meta} key of the first index whose SET may still be unsigned (a fresh array). */
  static byte[] metaSetsPending() {
    return META_SETS_PENDING.getBytes(StandardCharsets.US_ASCII);
  }

  private Keys() {}

  static byte[] index(long index) {
    byte[] k = new byte[8];
    putLong(k, 0, index);
    return k;
  }

  static long index(byte[] key) {
    return getLong(key, 0);
  }

  static byte[] tile(int level, long index) {
    byte[] k = new byte[9];
    k[0] = (byte) level;
    putLong(k, 1, index);
    return k;
  }

  /**
   * The block roots kept beside the full tile (level, index) ({@code HashTile#blockRoots}): the
   * tile's key with the top bit of the level byte set, so that they sort apart from the tiles
   * (levels are below 64).
   */
  static byte[] tileBlockRoots(int level, long index) {
    byte[] k = tile(level, index);
    k[0] |= (byte) 0x80;
    return k;
  }

  /** The prefix under which all entries of one search key sort. */
  static byte[] searchPrefix(String key) {
    byte[] s = key.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[s.length + 1];
    System.arraycopy(s, 0, k, 0, s.length);
    k[s.length] = 0;
    return k;
  }

  static byte[] search(String key, long index) {
    byte[] p = searchPrefix(key);
    byte[] k = new byte[p.length + 8];
    System.arraycopy(p, 0, k, 0, p.length);
    putLong(k, p.length, index);
    return k;
  }

  static void putLong(byte[] b, int off, long v) {
    for (int i = 7; i >= 0; i--) {
      b[off + i] = (byte) v;
      v >>>= 8;
    }
  }

  static long getLong(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | (b[off + i] & 0xff);
    return v;
  }
}
