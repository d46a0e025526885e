package dev.stele.server.read;

import dev.stele.server.log.TreeState;
import dev.stele.server.sequencer.Appender;
import java.util.concurrent.CompletableFuture;

/**
 * Which signed tree head the read side serves. Without witnesses it is the newest durable head;
 * with them it is the head their cosignatures make trustworthy (see {@code witness.WitnessCollector}).
 * Implementations are thread-safe, and {@link #current} and {@link #atLeast} never block.
 */
public interface PublishedHead {
  /** The head that {@code /checkpoint} serves and reads prove against. */
  TreeState current();

  /**
   * The head to prove the entry at {@code index} against when it is read: {@link #current}, or an
   * older head that covers the entry and carries more trust (with witnesses, the newest cosigned
   * one).
   */
  default TreeState forEntry(long index) {
    return current();
  }

  /** Why the newest durable head is not published, for an answer that cannot be given yet. */
  default String whyNotPublished() {
    return "";
  }

  /**
   * Whether a read may prove an entry committed a moment ago against the newest durable head, which
   * is not published yet (it carries only the log's own signatures).
   */
  boolean readsBeyond();

  /**
   * A published head at least as large as {@code committed}, to prove a new entry of that batch
   * against: at once without witnesses; with a fail-closed witness policy, once a quorum has
   * cosigned one, or failing with a {@code log.UnwitnessedException} (503) when the witness timeout
   * passes first.
   */
  CompletableFuture<TreeState> atLeast(TreeState committed);

  /**
   * The newest durable head, served at once: a log without witnesses (the embedded sequencer, or
   * the distributed driver's frontend, which never has witnesses).
   */
  static PublishedHead of(Appender sequencer) {
    return new PublishedHead() {
      @Override
      public TreeState current() {
        return sequencer.head();
      }

      @Override
      public boolean readsBeyond() {
        return true;
      }

      @Override
      public CompletableFuture<TreeState> atLeast(TreeState committed) {
        return CompletableFuture.completedFuture(committed);
      }
    };
  }
}
