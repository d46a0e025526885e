package dev.stele.merkle;

/**
 * The address of a perfect node in a Merkle tree: {@code level} above the leaves, {@code index}
 * from the left within that level.
 *
 * <pre>
 *   level 2:          (2,0)
 *                   /       \
 *   level 1:    (1,0)        (1,1)
 *               /   \        /   \
 *   level 0: (0,0) (0,1) (0,2) (0,3)      leaves 0..3
 * </pre>
 *
 * <p>A node at level {@code L} and index {@code i} covers the leaves {@code [i * 2^L, (i + 1) *
 * 2^L)}; a perfect node's hash is the RFC 6962 Merkle Tree Hash of exactly those leaves, so it never
 * changes once the tree has grown past them. Requires {@code 0 <= level <= 62} and a coverage that
 * ends at or below {@link Long#MAX_VALUE}, the largest tree size Stele represents.
 */
public record NodeId(int level, long index) {
  /** The highest level of a perfect node in a tree of at most {@link Long#MAX_VALUE} leaves. */
  public static final int MAX_LEVEL = 62;

  public NodeId {
    if (level < 0 || level > MAX_LEVEL) {
      throw new IllegalArgumentException("node level " + level + " is outside 0.." + MAX_LEVEL);
    }
    // (index + 1) << level must not pass Long.MAX_VALUE.
    if (index < 0 || index >= Long.MAX_VALUE >>> level) {
      throw new IllegalArgumentException(
          "node index " + index + " at level " + level + " is outside 0.."
              + ((Long.MAX_VALUE >>> level) - 1));
    }
  }

  /** The node one level up that covers this one. */
  public NodeId parent() {
    return new NodeId(level + 1, index >>> 1);
  }

  /** The other child of this node's parent. */
  public NodeId sibling() {
    return new NodeId(level, index ^ 1);
  }

  /** The first leaf this node covers. */
  public long coverageBegin() {
    return index << level;
  }

  /** One past the last leaf this node covers. */
  public long coverageEnd() {
    return (index + 1) << level;
  }
}
