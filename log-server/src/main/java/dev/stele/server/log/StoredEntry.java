package dev.stele.server.log;

import java.util.Arrays;

/**
 * One entry as the log keeps it: the canonical body (the Merkle leaf), the second at which it was
 * integrated, and the signed entry timestamp (SET) issued for it when it was appended.
 *
 * <p>The SET signs {@code (body, integratedTime, logID, logIndex)}, all fixed at append time, so it
 * is stored and handed out again on every read rather than signed anew.
 *
 * <p>An entry appended by {@code stele-server import} is stored without its SET ({@link #noSet}):
 * signing one per entry was most of an import's work, and nobody waits for it there. The read side
 * signs it the first time the entry is served and stores it ({@code LogReader}); the signature
 * covers the same fixed fields, so it is a SET the entry could have had from the start.
 */
public record StoredEntry(long index, long integratedTime, byte[] set, byte[] body) {
  /** The SET of an entry whose SET is not signed yet: empty (a new array each time). */
  public static byte[] noSet() {
    return new byte[0];
  }

  public StoredEntry {
    if (index < 0) throw new IllegalArgumentException("index " + index + " < 0");
    if (integratedTime < 0) throw new IllegalArgumentException("integratedTime " + integratedTime + " < 0");
    set = set.clone();
    body = body.clone();
  }

  @Override
  public byte[] set() {
    return set.clone();
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  /** Whether the SET is still to be signed ({@link #noSet}). */
  public boolean setPending() {
    return set.length == 0;
  }

  /** The body without a copy, for encoders that only read it. */
  public byte[] bodyUnsafe() {
    return body;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredEntry
        && ((StoredEntry) o).index == index
        && ((StoredEntry) o).integratedTime == integratedTime
        && Arrays.equals(((StoredEntry) o).set, set)
        && Arrays.equals(((StoredEntry) o).body, body);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(index) * 31 + Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return "StoredEntry[index=" + index + ", integratedTime=" + integratedTime + ", body=" + body.length + " bytes]";
  }
}
