package dev.stele.client.track;

import dev.stele.client.http.HttpTransport;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.protocol.TreeInfo;
import dev.stele.client.rekor.RekorClient;
import dev.stele.client.verify.Checkpoints;
import dev.stele.client.verify.Stage;
import dev.stele.client.verify.VerificationException;
import dev.stele.merkle.proof.ConsistencyProof;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * Where a {@link CheckpointTracker} gets the log's latest checkpoint and the consistency proofs
 * between tree sizes. Nothing from a source is trusted: the tracker verifies signatures and
 * proofs itself.
 */
public interface CheckpointSource {
  /**
   * The log's latest signed checkpoint.
   *
   * @throws IOException if the log gives no usable answer
   * @throws VerificationException at {@link Stage#CHECKPOINT} if the answer contradicts its own
   *     checkpoint (a Rekor v1 log info whose tree head is not the checkpoint's)
   */
  SignedNote latestCheckpoint() throws IOException, VerificationException;

  /** An RFC 6962 consistency proof from {@code size1} to {@code size2} ({@code 0 < size1 < size2}). */
  ConsistencyProof consistencyProof(long size1, long size2) throws IOException;

  /**
   * A C2SP tlog-tiles log at {@code prefix}: {@code <prefix>/checkpoint}, and proofs computed
   * here from {@code <prefix>/tile/...}, read through an {@link HttpTransport} with
   * {@code timeout} for connecting, for each answer's headers and for each body.
   */
  static CheckpointSource tiles(URI prefix, Duration timeout) {
    return tiles(prefix, HttpTransport.builder().connectTimeout(timeout).timeout(timeout)
        .bodyTimeout(timeout).userAgent("stele-client").build());
  }

  /** As {@link #tiles(URI, Duration)}, through the given transport (a token, extra TLS roots). */
  static CheckpointSource tiles(URI prefix, HttpTransport http) {
    return new TileCheckpointSource(prefix, http);
  }

  /**
   * The Rekor v1 API: {@code GET /api/v1/log} and {@code GET /api/v1/log/proof}. The log info's
   * {@code treeSize} and {@code rootHash} must be its checkpoint's ({@link
   * Checkpoints#checkTreeHead}); the tracker then verifies the checkpoint itself.
   */
  static CheckpointSource rekor(RekorClient client) {
    return new CheckpointSource() {
      @Override
      public SignedNote latestCheckpoint() throws IOException, VerificationException {
        TreeInfo info = client.logInfo();
        Checkpoint c;
        try {
          c = Checkpoint.parse(info.signedTreeHead().text());
        } catch (FormatException e) {
          throw new VerificationException(Stage.CHECKPOINT, "the log info's signedTreeHead: " + e.getMessage(), e);
        }
        Checkpoints.checkTreeHead(c, info.treeSize(), info.rootHash(), "the log info's");
        return info.signedTreeHead();
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
