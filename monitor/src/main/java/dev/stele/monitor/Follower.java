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
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Follows the log's checkpoints with the client library's {@link CheckpointTracker} (which keeps
 * the last verified checkpoint in {@code <state dir>/checkpoint}, verifies signatures, proves
 * consistency and replaces the file atomically), and turns what it refuses into alarms with the
 * evidence exactly as served:
 *
 * <ul>
 *   <li>a note that does not parse or verify: {@link AlarmKind#BAD_CHECKPOINT};
 *   <li>another root for the verified size, or for any size verified before: {@link AlarmKind#FORK};
 *   <li>a smaller tree: {@link AlarmKind#ROLLBACK};
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
  private final TrustedLog trusted;
  private final LogSource source;
  private final MonitorState state;
  private final LongConsumer servedSize;
  private final CheckpointTracker tracker;
  /** The proof the tracker asked for during the current step, as answered. */
  private LogSource.ProofAnswer lastProof;

  /**
   * @param servedSize told the size of every checkpoint that verifies (for the lag metric)
   * @throws IOException if the kept checkpoint cannot be read, or does not verify
   */
  Follower(TrustedLog trusted, LogSource source, MonitorState state, LongConsumer servedSize) throws IOException {
    this.log = source.url();
    this.trusted = trusted;
    this.source = source;
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
    SignedNote note;
    try {
      note = SignedNote.parse(served.note());
    } catch (FormatException e) {
      throw alarm(AlarmKind.BAD_CHECKPOINT, served.source() + ": malformed checkpoint: " + e.getMessage(),
          before, served, served.note());
    }
    try {
      checkClaims(served, Checkpoint.parse(note.text()));
    } catch (FormatException e) {
      // Not a checkpoint: the tracker says so below, as a bad checkpoint.
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
    } catch (LogUnavailableException e) {
      AlarmException rollback = rollbackWithoutProof(note, served, before, e);
      if (rollback != null) {
        throw rollback;
      }
      throw e;
    }
    servedSize.accept(u.current().size());
    String current = currentNote().orElseThrow();
    if (u.advanced()) {
      state.advance(u.current(), current);
      state.save();
    }
    return new Step(previous.orElse(null), u.current(), current, u.advanced());
  }

  /**
   * The tracker asks for a proof even when the log went back, as evidence; a log that really went
   * back cannot give one up to the size it lost. A validly signed smaller tree is a rollback all
   * the same.
   *
   * @return the ROLLBACK alarm, or null if this is not a validly signed smaller tree
   */
  private AlarmException rollbackWithoutProof(SignedNote note, LogSource.Served served, String before,
      LogUnavailableException e) {
    Optional<Checkpoint> current = tracker.current();
    try {
      note.verify(java.util.List.of(trusted.noteVerifier()));
      Checkpoint next = Checkpoint.parse(note.text());
      if (current.isEmpty() || next.size() >= current.get().size()
          || !next.origin().equals(current.get().origin())) {
        return null;
      }
      return alarm(AlarmKind.ROLLBACK, served.source() + ": the log signs tree size " + next.size()
          + ", smaller than the verified " + current.get().size() + ", and cannot prove it a prefix: "
          + e.getMessage(), before, served, note.format());
    } catch (FormatException | java.security.SignatureException ex) {
      return null;
    }
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

  /**
   * The v1 log info repeats the size and root beside the signed note; unsigned, they are not
   * evidence of anything, but a log that contradicts its own checkpoint is not giving a usable
   * answer.
   */
  private static void checkClaims(LogSource.Served s, Checkpoint cp) throws LogUnavailableException {
    if (s.claimedRoot() != null
        && (s.claimedSize() != cp.size() || !s.claimedRoot().equalsIgnoreCase(cp.root().hex()))) {
      throw new LogUnavailableException(s.source() + ": the log info says size " + s.claimedSize() + " and root "
          + s.claimedRoot() + ", but its signed checkpoint says size " + cp.size() + " and root " + cp.root().hex());
    }
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
