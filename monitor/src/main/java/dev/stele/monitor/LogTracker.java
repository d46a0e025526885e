package dev.stele.monitor;

import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.FormatException;
import java.io.IOException;
import java.util.function.LongConsumer;

/**
 * The monitor's {@link Tracker}: one step over {@link LogSource}, with the checks of {@link
 * CheckpointVerifier}, remembering what it verified in {@link MonitorState}.
 *
 * <p>Order of checks, each raising its own alarm with the evidence:
 *
 * <ol>
 *   <li>the checkpoint verifies ({@link AlarmKind#BAD_CHECKPOINT});
 *   <li>its root is the one already verified for its size, if any ({@link AlarmKind#FORK});
 *   <li>it is not smaller than the verified tree ({@link AlarmKind#ROLLBACK});
 *   <li>a consistency proof from the verified tree to it verifies ({@link
 *       AlarmKind#INCONSISTENT}).
 * </ol>
 *
 * <p>The first checkpoint, when there is no state yet, is trusted on first use once its
 * signature verifies: there is nothing earlier to prove it against.
 */
final class LogTracker implements Tracker {
  private final LogSource source;
  private final CheckpointVerifier verifier;
  private final MonitorState state;
  private final LongConsumer servedSize;

  /** @param servedSize told the size of every checkpoint that verifies (for the lag metric) */
  LogTracker(LogSource source, CheckpointVerifier verifier, MonitorState state, LongConsumer servedSize) {
    this.source = source;
    this.verifier = verifier;
    this.state = state;
    this.servedSize = servedSize;
  }

  @Override
  public Step update() throws AlarmException, IOException {
    LogSource.Served served = source.latest();
    String verifiedNote = state.checkpointNote().orElse(null);
    CheckpointVerifier.Verified v = verifier.verify(served, verifiedNote);
    Checkpoint cp = v.checkpoint();
    servedSize.accept(cp.size());
    Checkpoint old;
    try {
      old = state.verifiedCheckpoint().orElse(null);
    } catch (FormatException e) {
      throw new IOException("the state's checkpoint does not parse: " + e.getMessage(), e);
    }
    for (MonitorState.Seen seen : state.history()) {
      if (seen.size() == cp.size() && !seen.root().equals(cp.root().hex())) {
        String problem = "tree size " + cp.size() + " was verified with root " + seen.root()
            + ", and the log now signs root " + cp.root().hex() + " for it";
        throw new AlarmException(AlarmKind.FORK, served.source() + ": " + problem,
            verifier.conflict(seen.checkpoint(), served, v.note(), problem));
      }
    }
    if (old == null) {
      state.advance(cp, v.note());
      state.save();
      return new Step(null, cp, v.note(), true);
    }
    if (cp.size() < old.size()) {
      String problem = "the log signs tree size " + cp.size() + ", smaller than the verified " + old.size();
      throw new AlarmException(AlarmKind.ROLLBACK, served.source() + ": " + problem,
          verifier.conflict(verifiedNote, served, v.note(), problem));
    }
    if (cp.size() == old.size()) {
      return new Step(old, old, verifiedNote, false);
    }
    verifier.proveConsistent(source, old, cp, AlarmKind.INCONSISTENT, verifiedNote, served, v.note());
    state.advance(cp, v.note());
    state.save();
    return new Step(old, cp, v.note(), true);
  }
}
