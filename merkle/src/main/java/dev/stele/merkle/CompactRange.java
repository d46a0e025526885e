package dev.stele.merkle;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The smallest set of perfect nodes that covers exactly the leaves {@code [begin, end)}: enough to
 * keep appending leaves, to merge with the range that follows, and (for ranges that start at 0) to
 * compute the RFC 6962 tree root.
 *
 * <p>The nodes are kept in left-to-right order. Their levels first grow from {@code begin} up to a
 * split point and then shrink towards {@code end}, for example {@code [3, 7)} is covered by {@code
 * (0,3) (1,2) (0,6)}:
 *
 * <pre>
 *   leaves:  0  1  2 [3][4  5][6] 7
 *   nodes:            ^   ^    ^
 *                   (0,3)(1,2)(0,6)
 * </pre>
 *
 * <p>Appending reports every new perfect node to an optional {@link NodeVisitor}; that is how a
 * store learns which nodes to keep.
 *
 * <p>Not thread-safe: keep a range on one thread, or {@link #copy()} it.
 */
public final class CompactRange {
  private long begin;
  private long end;
  /** The node hashes, left to right, {@link Hash#SIZE} bytes each; {@code count} are in use. */
  private byte[] buf;
  private int count;
  private MessageDigest md;

  private CompactRange(long begin, long end, byte[] buf, int count) {
    this.begin = begin;
    this.end = end;
    this.buf = buf;
    this.count = count;
  }

  /** An empty range at {@code begin}, ready to append the leaf with index {@code begin}. */
  public static CompactRange empty(long begin) {
    if (begin < 0) {
      throw new IllegalArgumentException("range begin " + begin + " is negative");
    }
    return new CompactRange(begin, begin, new byte[8 * Hash.SIZE], 0);
  }

  /**
   * The range {@code [begin, end)} from its node hashes, left to right (as {@link #hashes()}
   * returns them).
   *
   * @throws IllegalArgumentException unless {@code 0 <= begin <= end} and exactly as many hashes
   *     are given as the range has nodes
   */
  public static CompactRange of(long begin, long end, List<Hash> hashes) {
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("range [" + begin + ", " + end + ") is not 0 <= begin <= end");
    }
    int want = nodeCount(begin, end);
    if (hashes.size() != want) {
      throw new IllegalArgumentException(
          "range [" + begin + ", " + end + ") has " + want + " nodes, got " + hashes.size() + " hashes");
    }
    byte[] buf = new byte[Math.max(8, want) * Hash.SIZE];
    for (int i = 0; i < want; i++) {
      hashes.get(i).copyTo(buf, i * Hash.SIZE);
    }
    return new CompactRange(begin, end, buf, want);
  }

  /** The index of the first leaf covered. */
  public long begin() {
    return begin;
  }

  /** One past the index of the last leaf covered; the index the next appended leaf gets. */
  public long end() {
    return end;
  }

  /** The node hashes, left to right. */
  public List<Hash> hashes() {
    List<Hash> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(Hash.of(buf, i * Hash.SIZE));
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * Appends the leaf with index {@link #end()}. The visitor, if not null, receives the leaf node
   * {@code (0, end)} and then every parent that becomes perfect because of it.
   *
   * @throws IllegalStateException if the range already ends at {@link Long#MAX_VALUE}
   */
  public void append(Hash leafHash, NodeVisitor visitor) {
    Objects.requireNonNull(leafHash, "leafHash");
    if (end == Long.MAX_VALUE) {
      throw new IllegalStateException("range [" + begin + ", " + end + ") cannot grow");
    }
    ensureCapacity(count + 1);
    leafHash.copyTo(buf, count * Hash.SIZE);
    if (visitor != null) {
      visitor.visit(new NodeId(0, end), leafHash);
    }
    pushed(0, visitor);
  }

  /**
   * Appends the range that starts where this one ends, so that this range covers {@code [begin(),
   * other.end())}. {@code other} is not changed. The visitor, if not null, receives every parent
   * node that the merge makes perfect (the nodes of {@code other} themselves are not new).
   *
   * @throws IllegalArgumentException unless {@code other.begin() == end()}
   */
  public void appendRange(CompactRange other, NodeVisitor visitor) {
    if (other.begin != end) {
      throw new IllegalArgumentException(
          "cannot append range [" + other.begin + ", " + other.end + ") to [" + begin + ", " + end
              + "): they are not adjacent");
    }
    byte[] src = other.buf;
    long split = splitPoint(other.begin, other.end);
    long left = split - other.begin;
    long right = other.end - split;
    int i = 0;
    // Left part: levels grow, one node per set bit of its length, lowest first.
    for (long bits = left; bits != 0; bits &= bits - 1) {
      pushCopy(Long.numberOfTrailingZeros(bits), src, i++, visitor);
    }
    // Right part: levels shrink, highest first.
    for (long bits = right; bits != 0; bits &= ~Long.highestOneBit(bits)) {
      pushCopy(63 - Long.numberOfLeadingZeros(bits), src, i++, visitor);
    }
  }

  /**
   * The RFC 6962 Merkle Tree Hash of the leaves {@code [0, end())}: {@link Rfc6962#EMPTY_ROOT} for
   * an empty range.
   *
   * @throws IllegalStateException if {@link #begin()} is not 0
   */
  public Hash root() {
    if (begin != 0) {
      throw new IllegalStateException(
          "only a range that starts at 0 has a tree root; this one is [" + begin + ", " + end + ")");
    }
    if (count == 0) {
      return Rfc6962.EMPTY_ROOT;
    }
    // Fold from the right: the accumulated hash sits in scratch[32, 64), the next node to its left
    // is copied into scratch[0, 32), and their parent replaces the accumulator.
    byte[] scratch = new byte[2 * Hash.SIZE];
    System.arraycopy(buf, (count - 1) * Hash.SIZE, scratch, Hash.SIZE, Hash.SIZE);
    MessageDigest digest = digest();
    for (int i = count - 2; i >= 0; i--) {
      System.arraycopy(buf, i * Hash.SIZE, scratch, 0, Hash.SIZE);
      Rfc6962.hashChildren(digest, scratch, 0, scratch, Hash.SIZE);
    }
    return Hash.of(scratch, Hash.SIZE);
  }

  /** An independent copy of this range. */
  public CompactRange copy() {
    return new CompactRange(begin, end, buf.clone(), count);
  }

  /** Equal when both cover the same leaves with the same node hashes. */
  @Override
  public boolean equals(Object o) {
    return o instanceof CompactRange
        && begin == ((CompactRange) o).begin
        && end == ((CompactRange) o).end
        && Arrays.equals(buf, 0, count * Hash.SIZE, ((CompactRange) o).buf, 0, count * Hash.SIZE);
  }

  @Override
  public int hashCode() {
    return 31 * Long.hashCode(begin) + Long.hashCode(end);
  }

  @Override
  public String toString() {
    return "CompactRange[" + begin + ", " + end + ") " + hashes();
  }

  /**
   * The number of nodes covering {@code [begin, end)}. Requires {@code 0 <= begin <= end}.
   */
  static int nodeCount(long begin, long end) {
    long split = splitPoint(begin, end);
    return Long.bitCount(split - begin) + Long.bitCount(end - split);
  }

  /**
   * Where the levels of the nodes covering {@code [begin, end)} stop growing and start shrinking:
   * the multiple of the largest power of two that lies in {@code [begin, end]}. Requires {@code 0 <=
   * begin <= end}.
   */
  static long splitPoint(long begin, long end) {
    if (begin == 0) {
      return 0;
    }
    // The highest bit in which begin-1 and end differ is the level of that power of two; clearing
    // end's lower bits lands on its multiple, which is >= begin because begin-1 < it.
    int k = 63 - Long.numberOfLeadingZeros((begin - 1) ^ end);
    return (end >>> k) << k;
  }

  private void pushCopy(int level, byte[] src, int srcIndex, NodeVisitor visitor) {
    ensureCapacity(count + 1);
    System.arraycopy(src, srcIndex * Hash.SIZE, buf, count * Hash.SIZE, Hash.SIZE);
    pushed(level, visitor);
  }

  /**
   * Accounts for the node at {@code level} just written at position {@code count}, which covers
   * the {@code 2^level} leaves from {@code end}, and merges it with its left neighbours while they
   * are its siblings.
   */
  private void pushed(int level, NodeVisitor visitor) {
    long size = 1L << level;
    if (end > Long.MAX_VALUE - size) {
      throw new IllegalStateException("range [" + begin + ", " + end + ") cannot grow by " + size);
    }
    long index = end >>> level;
    end += size;
    count++;
    // A right child (odd index) whose left sibling lies inside the range: that sibling is exactly
    // the previous node, because no node of the range can end at a multiple of 2^level while
    // being bigger than 2^level.
    while ((index & 1) == 1 && ((index - 1) << level) >= begin) {
      int off = (count - 2) * Hash.SIZE;
      Rfc6962.hashChildren(digest(), buf, off, buf, off);
      count--;
      level++;
      index >>>= 1;
      if (visitor != null) {
        visitor.visit(new NodeId(level, index), Hash.of(buf, off));
      }
    }
  }

  private void ensureCapacity(int nodes) {
    if (nodes * Hash.SIZE > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(nodes, 2 * count) * Hash.SIZE);
    }
  }

  private MessageDigest digest() {
    if (md == null) {
      md = Rfc6962.newSha256();
    }
    return md;
  }
}
