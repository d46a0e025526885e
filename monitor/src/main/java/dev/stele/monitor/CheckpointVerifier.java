package dev.stele.monitor;

import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.NoteVerifier;
import dev.stele.client.protocol.SignedNote;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.proof.ProofException;
import dev.stele.merkle.proof.ProofVerifier;
import java.security.SignatureException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The checks every checkpoint the monitor sees goes through, whatever its source: the signature
 * under the configured log key, the checkpoint text, the origin, the v1 fields beside it, and
 * consistency with a checkpoint verified earlier.
 */
final class CheckpointVerifier {
  /** A checkpoint whose signature verified, with its note as served. */
  record Verified(Checkpoint checkpoint, String note) {}

  private final String log;
  private final NoteVerifier key;

  /**
   * @param log the log's URL, for evidence
   * @param key the log's key under its signer name
   */
  CheckpointVerifier(String log, NoteVerifier key) {
    this.log = log;
    this.key = Objects.requireNonNull(key);
  }

  /**
   * Verifies a served checkpoint.
   *
   * @param verifiedNote the note verified before (for evidence and the origin), or null
   * @throws AlarmException {@link AlarmKind#BAD_CHECKPOINT}, with the served body as evidence
   */
  Verified verify(LogSource.Served s, String verifiedNote) throws AlarmException {
    String problem;
    SignedNote note = null;
    Checkpoint cp = null;
    try {
      note = SignedNote.parse(s.note());
      note.verify(List.of(key));
      cp = Checkpoint.parse(note.text());
      problem = check(s, cp, verifiedNote);
    } catch (FormatException e) {
      problem = "malformed checkpoint: " + e.getMessage();
    } catch (SignatureException e) {
      problem = "checkpoint signature does not verify with " + key.keyName() + ": " + e.getMessage();
    }
    if (problem != null) {
      throw new AlarmException(AlarmKind.BAD_CHECKPOINT, s.source() + ": " + problem,
          Evidence.of(log, verifiedNote, s.source(), s.note(), s.body(), null, Map.of("problem", problem)));
    }
    return new Verified(cp, note.format());
  }

  private static String check(LogSource.Served s, Checkpoint cp, String verifiedNote) throws FormatException {
    if (verifiedNote != null) {
      String origin = Checkpoint.parse(SignedNote.parse(verifiedNote).text()).origin();
      if (!cp.origin().equals(origin)) {
        return "checkpoint origin '" + cp.origin() + "' differs from the verified one, '" + origin + "'";
      }
    }
    if (cp.size() == 0 && !cp.root().equals(Rfc6962.EMPTY_ROOT)) {
      return "checkpoint for the empty tree has root " + cp.root().hex() + ", not the empty root";
    }
    if (s.claimedRoot() != null) {
      if (s.claimedSize() != cp.size() || !s.claimedRoot().equalsIgnoreCase(cp.root().hex())) {
        return "the log info says size " + s.claimedSize() + " and root " + s.claimedRoot()
            + ", but its signed checkpoint says size " + cp.size() + " and root " + cp.root().hex();
      }
    }
    return null;
  }

  /**
   * Proves that {@code newer} extends {@code older} with a consistency proof from {@code source}
   * (there is nothing to prove from the empty tree, or between equal sizes).
   *
   * @param kind the alarm to raise if it does not ({@link AlarmKind#INCONSISTENT} for the log's
   *     own checkpoints, {@link AlarmKind#SPLIT_VIEW} for another source's)
   * @param verifiedNote the monitor's own verified note, for the evidence
   * @param offending the answer that carried the offending checkpoint
   * @param offendingNote the offending checkpoint's note
   * @throws AlarmException with both notes and the proof as evidence
   * @throws LogUnavailableException if the proof cannot be had
   */
  void proveConsistent(LogSource source, Checkpoint older, Checkpoint newer, AlarmKind kind,
      String verifiedNote, LogSource.Served offending, String offendingNote)
      throws AlarmException, LogUnavailableException {
    long size1 = older.size();
    long size2 = newer.size();
    if (size1 == 0 || size1 == size2) {
      return;
    }
    LogSource.ProofAnswer p = source.consistency(size1, size2);
    Evidence.Proof proof = Evidence.Proof.of(p.request(), size1, size2, p.hashes(), p.body());
    String problem = null;
    Hash root2 = newer.root();
    if (p.rootHash() != null && !p.rootHash().equals(root2)) {
      problem = "the proof answer states root " + p.rootHash().hex() + " for size " + size2
          + ", but the signed checkpoint says " + root2.hex();
    } else {
      try {
        ProofVerifier.verifyConsistency(size1, size2, p.hashes(), older.root(), root2);
      } catch (ProofException e) {
        problem = e.getMessage();
      }
    }
    if (problem != null) {
      throw new AlarmException(kind, "consistency proof " + size1 + " -> " + size2 + " from "
          + source.url() + " fails: " + problem,
          Evidence.of(log, verifiedNote, offending.source(), offendingNote, offending.body(), proof,
              Map.of("problem", problem)));
    }
  }

  /** Evidence of a conflict between two verified checkpoints, without a proof. */
  Evidence conflict(String verifiedNote, LogSource.Served offending, String offendingNote, String problem) {
    return Evidence.of(log, verifiedNote, offending.source(), offendingNote, offending.body(), null,
        Map.of("problem", problem));
  }
}
