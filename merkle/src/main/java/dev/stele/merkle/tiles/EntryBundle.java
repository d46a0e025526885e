package dev.stele.merkle.tiles;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * C2SP tlog-tiles entry bundles: up to 256 log entries, each as a big-endian {@code uint16} length
 * followed by that many bytes. An entry is therefore at most {@value #MAX_ENTRY_SIZE} bytes.
 */
public final class EntryBundle {
  /** The largest entry a bundle can carry. */
  public static final int MAX_ENTRY_SIZE = 0xffff;

  private EntryBundle() {}

  /**
   * The bundle holding {@code entries} in order.
   *
   * @throws IllegalArgumentException unless there are 1 to 256 entries of at most {@value
   *     #MAX_ENTRY_SIZE} bytes
   */
  public static byte[] encode(List<byte[]> entries) {
    if (entries.isEmpty() || entries.size() > TileId.FULL_WIDTH) {
      throw new IllegalArgumentException(
          "an entry bundle holds 1 to " + TileId.FULL_WIDTH + " entries, got " + entries.size());
    }
    int total = 0;
    for (int i = 0; i < entries.size(); i++) {
      int n = entries.get(i).length;
      if (n > MAX_ENTRY_SIZE) {
        throw new IllegalArgumentException(
            "entry " + i + " of the bundle is " + n + " bytes, above " + MAX_ENTRY_SIZE);
      }
      total += 2 + n;
    }
    byte[] out = new byte[total];
    int off = 0;
    for (byte[] e : entries) {
      out[off] = (byte) (e.length >>> 8);
      out[off + 1] = (byte) e.length;
      System.arraycopy(e, 0, out, off + 2, e.length);
      off += 2 + e.length;
    }
    return out;
  }

  /**
   * The entries of a bundle, in order.
   *
   * @throws TileFormatException if a length or an entry is cut short, or there are not 1 to 256
   *     entries
   */
  public static List<byte[]> decode(byte[] bundle) throws TileFormatException {
    List<byte[]> out = new ArrayList<>();
    int off = 0;
    while (off < bundle.length) {
      if (out.size() == TileId.FULL_WIDTH) {
        throw new TileFormatException(
            "entry bundle has bytes after entry " + TileId.FULL_WIDTH + ", at offset " + off);
      }
      if (bundle.length - off < 2) {
        throw new TileFormatException(
            "entry bundle ends inside the length of entry " + out.size() + " at offset " + off);
      }
      int n = (bundle[off] & 0xff) << 8 | (bundle[off + 1] & 0xff);
      off += 2;
      if (bundle.length - off < n) {
        throw new TileFormatException(
            "entry " + out.size() + " of the bundle needs " + n + " bytes at offset " + off
                + ", only " + (bundle.length - off) + " remain");
      }
      byte[] e = new byte[n];
      System.arraycopy(bundle, off, e, 0, n);
      out.add(e);
      off += n;
    }
    if (out.isEmpty()) {
      throw new TileFormatException("entry bundle is empty");
    }
    return Collections.unmodifiableList(out);
  }
}
