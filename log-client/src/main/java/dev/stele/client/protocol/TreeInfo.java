package dev.stele.client.protocol;

import dev.stele.merkle.Hash;
import java.util.List;
import java.util.Objects;

/**
 * The log's tree head as {@code GET /api/v1/log} gives it (docs/protocol.md 2.4), in domain types.
 *
 * @param rootHash the root of the tree at {@code treeSize}
 * @param treeSize the number of leaves, non-negative
 * @param signedTreeHead the signed checkpoint for that size and root (not verified here)
 * @param treeId the tree (shard) ID, non-negative
 * @param inactiveShards earlier, frozen trees; each has no shards of its own
 */
public record TreeInfo(Hash rootHash, long treeSize, SignedNote signedTreeHead, long treeId,
    List<TreeInfo> inactiveShards) {
  public TreeInfo {
    Objects.requireNonNull(rootHash, "rootHash");
    Objects.requireNonNull(signedTreeHead, "signedTreeHead");
    if (treeSize < 0 || treeId < 0) {
      throw new IllegalArgumentException("treeSize and treeId must be non-negative");
    }
    inactiveShards = List.copyOf(inactiveShards);
  }
}
