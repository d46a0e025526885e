package dev.stele.client.track;

import dev.stele.client.TrustedLog;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.protocol.WitnessPolicy;
import dev.stele.client.verify.Checkpoints;
import dev.stele.client.verify.EntryVerifier;
import dev.stele.client.verify.Stage;
import dev.stele.client.verify.VerificationException;
import dev.stele.client.verify.Witnesses;
import dev.stele.merkle.proof.ConsistencyProof;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;

/**
 * The latest checkpoint of one log that this client has verified, kept in a file, and the only
 * way to move it forward: {@link #update()} fetches the log's latest checkpoint, verifies its
 * signature, proves it consistent with the one kept (RFC 6962 / RFC 9162 2.1.4), and only then
 * replaces the file, atomically (a temporary file in the same folder, forced to disk, renamed).
 *
 * <p>Outcomes of {@link #update()}:
 *
 * <ul>
 *   <li>normal return: the checkpoint kept is now the log's latest (unchanged if the log has not
 *       grown);
 *   <li>{@link VerificationException} at {@link Stage#CHECKPOINT}: the new checkpoint is not the
 *       log's ({@link Checkpoints#verify}: signature, origin), or is of another tree of the log
 *       than the one kept; nothing changes;
 *   <li>{@link VerificationException} at {@link Stage#WITNESS}, for a tracker with a witness
 *       policy: the new checkpoint lacks the policy's quorum of cosignatures, or carries a forged
 *       one ({@code verify.Witnesses}); nothing changes;
 *   <li>{@link InconsistencyException}, with both signed checkpoints (and the proof, if there is
 *       one) as evidence; nothing changes:
 *       <ul>
 *         <li>{@link InconsistencyException.Kind#ROLLBACK}: a validly signed checkpoint of a
 *             smaller tree than the one kept. That alone decides it, before and whatever the
 *             log answers next: a log that went back (restored from a backup, say) cannot prove
 *             a tree it no longer has, and a log that still can has shown a tree head older
 *             than one it already published. The tracker still asks for the proof, as evidence
 *             only, and says in the message whether the log gave one and whether it holds;
 *         <li>{@link InconsistencyException.Kind#SAME_SIZE_DIFFERENT_ROOT}: a split view;
 *         <li>{@link InconsistencyException.Kind#FORK}: a larger tree that is not proven to
 *             extend the one kept;
 *       </ul>
 *   <li>{@link IOException}: the source or the file failed (for a larger tree: no proof could be
 *       had); nothing changes.
 * </ul>
 *
 * <p>The first checkpoint ever seen is accepted on its signature alone (there is nothing to be
 * consistent with); the file written then is the root of all later checks. The file holds the
 * signed note itself and is verified again when read. Thread-safe; one tracker per file.
 */
public final class CheckpointTracker {
  private final TrustedLog log;
  private final CheckpointSource source;
  private final Path file;
  private final Optional<WitnessPolicy> witnesses;
  private SignedNote currentNote;
  private Checkpoint current;

  /**
   * The outcome of an update.
   *
   * @param previous the checkpoint kept before, if there was one
   * @param current the checkpoint kept now
   */
  public record Update(Optional<Checkpoint> previous, Checkpoint current) {
    /** Whether the checkpoint kept changed. */
    public boolean advanced() {
      return previous.isEmpty() || previous.get().size() != current.size();
    }
  }

  /**
   * A tracker for {@code log}, reading what it verified before from {@code file} if it exists.
   *
   * @throws IOException if the file cannot be read
   * @throws VerificationException at {@link Stage#CHECKPOINT} if the file's checkpoint is not
   *     validly signed by the log (the file was tampered with, or belongs to another log)
   */
  public CheckpointTracker(TrustedLog log, CheckpointSource source, Path file)
      throws IOException, VerificationException {
    this(log, source, file, Optional.empty());
  }

  /**
   * A tracker that also requires every new checkpoint to satisfy {@code witnesses}, if given: a
   * checkpoint without the policy's quorum of cosignatures, or with a forged one, is refused at
   * {@link Stage#WITNESS} and nothing changes. The checkpoint kept in {@code file} was accepted
   * under the policy in force then and is checked for the log's signature only.
   *
   * @throws IOException if the file cannot be read
   * @throws VerificationException at {@link Stage#CHECKPOINT} if the file's checkpoint is not
   *     validly signed by the log
   */
  public CheckpointTracker(TrustedLog log, CheckpointSource source, Path file, Optional<WitnessPolicy> witnesses)
      throws IOException, VerificationException {
    this.witnesses = Objects.requireNonNull(witnesses, "witnesses");
    this.log = Objects.requireNonNull(log, "log");
    this.source = Objects.requireNonNull(source, "source");
    this.file = Objects.requireNonNull(file, "file");
    if (Files.exists(file)) {
      SignedNote note;
      try {
        note = SignedNote.parse(Files.readAllBytes(file));
      } catch (FormatException e) {
        throw new VerificationException(Stage.CHECKPOINT, "the checkpoint kept in " + file
            + " does not parse: " + e.getMessage(), e);
      }
      this.current = verify(note, "the checkpoint kept in " + file);
      this.currentNote = note;
    }
  }

  /** The last verified checkpoint, if any. */
  public synchronized Optional<Checkpoint> current() {
    return Optional.ofNullable(current);
  }

  /** The last verified checkpoint as a signed note, if any (evidence to hand to others). */
  public synchronized Optional<SignedNote> currentNote() {
    return Optional.ofNullable(currentNote);
  }

  public Path file() {
    return file;
  }

  /**
   * Fetches the log's latest checkpoint and moves to it if, and only if, it is validly signed and
   * consistent with the one kept.
   */
  public synchronized Update update() throws IOException, VerificationException, InconsistencyException {
    SignedNote note = source.latestCheckpoint();
    return accept(note);
  }

  /**
   * Moves to {@code note}, a checkpoint obtained elsewhere (e.g. from a verified entry), under the
   * same rules as {@link #update()}: signature, then consistency through the source's proof.
   */
  public synchronized Update accept(SignedNote note) throws IOException, VerificationException, InconsistencyException {
    Checkpoint next = verify(note, "the log's checkpoint");
    if (witnesses.isPresent()) {
      try {
        Witnesses.verify(note, witnesses.get());
      } catch (VerificationException e) {
        throw new VerificationException(Stage.WITNESS, "the log's checkpoint: " + e.reason(), e);
      }
    }
    Optional<Checkpoint> previous = Optional.ofNullable(current);
    if (current == null) {
      store(note, next);
      return new Update(previous, next);
    }
    if (!next.origin().equals(current.origin())) {
      throw new VerificationException(Stage.CHECKPOINT, "the log's checkpoint is for '" + next.origin()
          + "', the one kept is for '" + current.origin() + "'");
    }
    if (next.size() == current.size()) {
      if (!next.root().equals(current.root())) {
        throw inconsistency(InconsistencyException.Kind.SAME_SIZE_DIFFERENT_ROOT, note, next, null,
            "two signed checkpoints for tree size " + next.size() + " with different roots: "
                + current.root().hex() + " (kept) and " + next.root().hex() + " (new)");
      }
      return new Update(previous, current);
    }
    if (next.size() < current.size()) {
      throw rollback(note, next);
    }
    ConsistencyProof proof = current.size() == 0 ? null : source.consistencyProof(current.size(), next.size());
    if (proof != null) {
      try {
        EntryVerifier.checkConsistency(current, next, proof);
      } catch (VerificationException e) {
        throw inconsistency(InconsistencyException.Kind.FORK, note, next, proof, "the log's checkpoint at size "
            + next.size() + " is not consistent with the one kept at size " + current.size() + ": " + e.reason());
      }
    }
    store(note, next);
    return new Update(previous, next);
  }

  /**
   * A validly signed smaller tree: a rollback. The proof that the smaller tree is a prefix of the
   * kept one is asked for as evidence only; whether it comes, and whether it holds, is said in
   * the message and changes nothing.
   */
  private InconsistencyException rollback(SignedNote note, Checkpoint next) {
    ConsistencyProof proof = null;
    String about;
    if (next.size() == 0) {
      about = " (the empty tree)";
    } else {
      try {
        proof = source.consistencyProof(next.size(), current.size());
        EntryVerifier.checkConsistency(next, current, proof);
        about = "; the log still proves the smaller tree a prefix of the kept one";
      } catch (VerificationException e) {
        about = "; the log's proof that the smaller tree is a prefix of the kept one fails too: " + e.reason();
      } catch (IOException e) {
        about = "; the log gives no proof that the smaller tree is a prefix of the kept one (" + e.getMessage() + ")";
      }
    }
    return inconsistency(InconsistencyException.Kind.ROLLBACK, note, next, proof, "the log went back from size "
        + current.size() + " (kept) to " + next.size() + about);
  }

  private Checkpoint verify(SignedNote note, String what) throws VerificationException {
    try {
      return Checkpoints.verify(note, log);
    } catch (VerificationException e) {
      throw new VerificationException(Stage.CHECKPOINT, what + ": " + e.reason(), e);
    }
  }

  private InconsistencyException inconsistency(InconsistencyException.Kind kind, SignedNote note, Checkpoint next,
      ConsistencyProof proof, String message) {
    return new InconsistencyException(kind, message, currentNote.format(), current, note.format(), next, proof);
  }

  /** Writes the note to a temporary file beside the state file, forces it, and renames it over. */
  private void store(SignedNote note, Checkpoint c) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(java.nio.ByteBuffer.wrap(note.format().getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot replace " + file + " atomically on this file system", e);
      }
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true); // the rename itself reaches the disk
      } catch (IOException ignored) {
        // not every platform can open a directory; the rename is still atomic
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    currentNote = note;
    current = c;
  }

  @Override
  public String toString() {
    return "CheckpointTracker[" + log.baseUrl() + ", " + file + ", size "
        + (current == null ? "none" : Long.toString(current.size())) + "]";
  }
}
