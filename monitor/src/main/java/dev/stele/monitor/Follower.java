package dev.stele.monitor;

import dev.stele.client.TrustedLog;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.track.CheckpointSource;
import dev.stele.client.track.CheckpointTracker;
import dev.stele.client.track.InconsistencyException;
import dev.stele.client.verify.VerificationException;
import dev.stele.merkle.proof.ConsistencyProof;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Follows the log's checkpoints with the client library's {@link CheckpointTracker} (which keeps
 * the last verified checkpoint in {@code <state dir>/checkpoint}, verifies signatures, proves
 * consistency, decides rollbacks and replaces the file atomically), and turns what it refuses
 * into alarms with the evidence exactly as served:
 *
 * <ul>
 *   <li>a checkpoint that is not the log's, or whose answer states another tree head beside it
 *       ({@link CheckpointVerifier}, the library's one rule): {@link AlarmKind#BAD_CHECKPOINT};
 *   <li>another root for the verified size, or for any size verified before: {@link AlarmKind#FORK};
 *   <li>a smaller tree (the tracker's rollback, with the proof if the log still gave one): {@link
 *       AlarmKind#ROLLBACK};
 *   <li>a larger tree whose consistency proof fails: {@link AlarmKind#INCONSISTENT}.
 * </ul>
 *
 * <p>Checkpoints and proofs come through {@link LogSource}, so a log with only tlog-tiles is
 * followed too (the proof is then computed from the new tree's tiles), and the raw answers are
 * at hand for the evidence. Each verified checkpoint is also added to the state's history, for
 * the audit and for forks at older sizes.
 */
final class Follower {
  /**
   * One step.
   *
   * @param previous the verified checkpoint before the step, or null on the first one
   * @param current the verified checkpoint after it
   * @param note {@code current}'s signed note
   * @param advanced whether the verified checkpoint changed
   */
  record Step(Checkpoint previous, Checkpoint current, String note, boolean advanced) {}

  /** The file the tracker keeps, in the state directory. */
  static final String FILE = "checkpoint";

  private final String log;
  private final LogSource source;
  private final CheckpointVerifier verifier;
  private final MonitorState state;
  private final LongConsumer servedSize;
  private final CheckpointTracker tracker;
  /** The proof the tracker asked for during the current step, as answered. */
  private LogSource.ProofAnswer lastProof;

  /**
   * @param servedSize told the size of every checkpoint that verifies (for the lag metric)
   * @throws IOException if the kept checkpoint cannot be read, or does not verify
   */
  Follower(TrustedLog trusted, LogSource source, CheckpointVerifier verifier, MonitorState state,
      LongConsumer servedSize) throws IOException {
    this.log = source.url();
    this.source = source;
    this.verifier = verifier;
    this.state = state;
    this.servedSize = servedSize;
    try {
      this.tracker = new CheckpointTracker(trusted, new Source(), state.directory().resolve(FILE));
    } catch (VerificationException e) {
      throw new IOException(e.getMessage() + " (was the state directory copied from another log?)", e);
    }
  }

  Optional<Checkpoint> current() {
    return tracker.current();
  }

  Optional<String> currentNote() {
    return tracker.currentNote().map(SignedNote::format);
  }

  /**
   * Fetches the log's latest checkpoint and moves to it if the tracker accepts it.
   *
   * @throws AlarmException if it does not, with the evidence
   * @throws LogUnavailableException if the log gave no usable answer
   * @throws IOException if the state cannot be written
   */
  Step update() throws AlarmException, IOException {
    LogSource.Served served = source.latest();
    String before = currentNote().orElse(null);
    CheckpointVerifier.Verified verified = verifier.verify(served, before);
    SignedNote note;
    try {
      note = SignedNote.parse(verified.note());
    } catch (FormatException e) {
      throw new IllegalStateException("a verified note does not parse", e);
    }
    Optional<Checkpoint> previous = tracker.current();
    CheckpointTracker.Update u;
    lastProof = null;
    try {
      u = tracker.accept(note);
    } catch (VerificationException e) {
      throw alarm(AlarmKind.BAD_CHECKPOINT, served.source() + ": " + e.getMessage(), before, served, note.format());
    } catch (InconsistencyException e) {
      throw inconsistency(e, served);
    }
    servedSize.accept(u.current().size());
    String current = currentNote().orElseThrow();
    if (u.advanced()) {
      state.advance(u.current(), current);
      state.save();
    }
    return new Step(previous.orElse(null), u.current(), current, u.advanced());
  }

  private AlarmException inconsistency(InconsistencyException e, LogSource.Served served) {
    Checkpoint next = e.next();
    for (MonitorState.Seen seen : state.history()) {
      if (seen.size() == next.size() && !seen.root().equals(next.root().hex())) {
        return alarm(AlarmKind.FORK, served.source() + ": tree size " + next.size() + " was verified with root "
            + seen.root() + ", and the log now signs root " + next.root().hex() + " for it",
            seen.checkpoint(), served, e.newNote());
      }
    }
    AlarmKind kind;
    switch (e.kind()) {
      case SAME_SIZE_DIFFERENT_ROOT:
        kind = AlarmKind.FORK;
        break;
      case ROLLBACK:
        kind = AlarmKind.ROLLBACK;
        break;
      default:
        kind = AlarmKind.INCONSISTENT;
    }
    return alarm(kind, served.source() + ": " + e.getMessage(), e.previousNote(), served, e.newNote());
  }

  private AlarmException alarm(AlarmKind kind, String message, String verified, LogSource.Served served,
      String offendingNote) {
    LogSource.ProofAnswer p = lastProof;
    Evidence.Proof proof = p == null ? null
        : Evidence.Proof.of(p.request(), p.size1(), p.size2(), p.hashes(), p.body());
    return new AlarmException(kind, message,
        Evidence.of(log, verified, served.source(), offendingNote, served.body(), proof, Map.of("problem", message)));
  }

  /** The tracker's source: the monitor's {@link LogSource}, remembering the proof it answered. */
  private final class Source implements CheckpointSource {
    @Override
    public SignedNote latestCheckpoint() throws IOException {
      try {
        return SignedNote.parse(source.latest().note());
      } catch (FormatException e) {
        throw new LogUnavailableException(source.url() + ": malformed checkpoint: " + e.getMessage());
      }
    }

    @Override
    public ConsistencyProof consistencyProof(long size1, long size2) throws IOException {
      LogSource.ProofAnswer p = source.consistency(size1, size2);
      lastProof = p;
      return new ConsistencyProof(size1, size2, p.hashes());
    }

    @Override
    public String toString() {
      return source.url();
    }
  }
}
