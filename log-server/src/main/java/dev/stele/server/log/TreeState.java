package dev.stele.server.log;

import dev.stele.merkle.Hash;
import java.util.Objects;

/**
 * The durable head of the tree: its size and root, the signed checkpoint that commits to both,
 * and the integrated time of the newest entry (so that integrated times never go backwards, even
 * when the wall clock does).
 *
 * @param checkpoint the whole signed note (text, blank line, signature lines), exactly as served
 */
public record TreeState(long size, Hash root, long lastIntegratedTime, String checkpoint) {
  public TreeState {
    if (size < 0) throw new IllegalArgumentException("size " + size + " < 0");
    if (lastIntegratedTime < 0) {
      throw new IllegalArgumentException("lastIntegratedTime " + lastIntegratedTime + " < 0");
    }
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(checkpoint, "checkpoint");
  }
}
