package dev.stele.client.track;

import dev.stele.client.protocol.SignedNote;
import dev.stele.client.rekor.RekorClient;
import dev.stele.merkle.proof.ConsistencyProof;
import java.io.IOException;

/**
 * Where a {@link CheckpointTracker} gets the log's latest checkpoint and the consistency proofs
 * between tree sizes. Nothing from a source is trusted: the tracker verifies signatures and
 * proofs itself.
 */
public interface CheckpointSource {
  /** The log's latest signed checkpoint. */
  SignedNote latestCheckpoint() throws IOException;

  /** An RFC 6962 consistency proof from {@code size1} to {@code size2} ({@code 0 < size1 < size2}). */
  ConsistencyProof consistencyProof(long size1, long size2) throws IOException;

  /**
   * A C2SP tlog-tiles log at {@code prefix}: {@code <prefix>/checkpoint}, and proofs computed
   * here from {@code <prefix>/tile/...} (each request with {@code timeout}).
   */
  static CheckpointSource tiles(java.net.URI prefix, java.time.Duration timeout) {
    return new TileCheckpointSource(prefix, timeout);
  }

  /** The Rekor v1 API: {@code GET /api/v1/log} and {@code GET /api/v1/log/proof}. */
  static CheckpointSource rekor(RekorClient client) {
    return new CheckpointSource() {
      @Override
      public SignedNote latestCheckpoint() throws IOException {
        return client.logInfo().signedTreeHead();
      }

      @Override
      public ConsistencyProof consistencyProof(long size1, long size2) throws IOException {
        return client.consistencyProof(size1, size2).proof();
      }

      @Override
      public String toString() {
        return "Rekor v1 API at " + client.baseUrl();
      }
    };
  }
}
