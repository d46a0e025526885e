package dev.stele.monitor;

import dev.stele.client.TrustedLog;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.verify.Checkpoints;
import dev.stele.client.verify.VerificationException;
import dev.stele.merkle.Hash;
import dev.stele.merkle.proof.ProofException;
import dev.stele.merkle.proof.ProofVerifier;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * The monitor's side of the client library's one checkpoint rule: every checkpoint the monitor
 * sees, whatever its source, must be the log's ({@link Checkpoints#verify}: signature under the
 * configured key, origin, empty root), of the same tree as the one verified before, and, where
 * the answer states the tree head beside it, state the checkpoint's ({@link
 * Checkpoints#checkTreeHead}). Anything else is {@link AlarmKind#BAD_CHECKPOINT} with the answer
 * as evidence. Also proves two verified checkpoints consistent through a source's proof.
 */
final class CheckpointVerifier {
  /** A checkpoint that verified, with its note as served. */
  record Verified(Checkpoint checkpoint, String note) {}

  private final String log;
  private final TrustedLog trusted;

  /**
   * @param log the log's URL, for evidence
   * @param trusted the log's name and key
   */
  CheckpointVerifier(String log, TrustedLog trusted) {
    this.log = log;
    this.trusted = Objects.requireNonNull(trusted);
  }

  /**
   * Verifies a served checkpoint.
   *
   * @param verifiedNote the note verified before (for evidence and the origin), or null
   * @throws AlarmException {@link AlarmKind#BAD_CHECKPOINT}, with the served body as evidence
   */
  Verified verify(LogSource.Served s, String verifiedNote) throws AlarmException {
    try {
      Checkpoint cp = Checkpoints.verify(s.note().getBytes(StandardCharsets.UTF_8), trusted);
      if (verifiedNote != null) {
        String origin = originOf(verifiedNote);
        if (!cp.origin().equals(origin)) {
          throw bad(s, verifiedNote, "checkpoint origin '" + cp.origin() + "' differs from the verified one, '"
              + origin + "'");
        }
      }
      if (s.claimedRoot() != null) {
        Checkpoints.checkTreeHead(cp, s.claimedSize(), s.claimedRoot(), s.claimedBy());
      }
      return new Verified(cp, SignedNote.parse(s.note()).format());
    } catch (VerificationException e) {
      throw bad(s, verifiedNote, e.getMessage());
    } catch (FormatException e) {
      throw new IllegalStateException("a note that verified does not parse", e);
    }
  }

  private AlarmException bad(LogSource.Served s, String verifiedNote, String problem) {
    return new AlarmException(AlarmKind.BAD_CHECKPOINT, s.source() + ": " + problem,
        Evidence.of(log, verifiedNote, s.source(), s.note(), s.body(), null, Map.of("problem", problem)));
  }

  private static String originOf(String verifiedNote) {
    try {
      return Checkpoint.parse(SignedNote.parse(verifiedNote).text()).origin();
    } catch (FormatException e) {
      throw new IllegalStateException("the verified note does not parse", e);
    }
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
