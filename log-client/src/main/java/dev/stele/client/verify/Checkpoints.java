package dev.stele.client.verify;

import dev.stele.client.TrustedLog;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.NoteVerifier;
import dev.stele.client.protocol.SignedNote;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.security.SignatureException;
import java.util.List;
import java.util.Objects;

/**
 * The one place that decides whether a signed checkpoint is a log's, and the one place for the
 * Rekor v1 rule that an answer repeating the tree head beside a checkpoint repeats it exactly.
 * Every verifier of checkpoints (entry verification, the checkpoint tracker, the CLI, the
 * monitor, the log server's start-up check) goes through here; each failure is a {@link
 * VerificationException} at {@link Stage#CHECKPOINT} that says what and with which values.
 *
 * <p>A checkpoint is the log's when, in this order:
 *
 * <ol>
 *   <li>it is a signed note (C2SP signed-note), and one of its signature lines verifies under the
 *       log's key, with the log's name and key ID on the line ({@link SignedNote#verify});
 *   <li>its text is a checkpoint (C2SP tlog-checkpoint, {@link Checkpoint#parse});
 *   <li>its <b>origin</b> is the log's (below);
 *   <li>a checkpoint of the empty tree has the empty tree's root, SHA-256 of nothing (RFC 6962
 *       2.1): the signature would otherwise vouch for a tree that cannot exist.
 * </ol>
 *
 * <p><b>The origin rule.</b> A log's name is the lower-case host of its URL, without scheme or
 * port ({@link TrustedLog#checkpointName}): the name its signature lines carry, which
 * sigstore-java compares with the host of the log's URL (docs/protocol.md 7.1). The origin line must
 * be one of
 *
 * <ul>
 *   <li>{@code <name>} itself: a C2SP checkpoint's origin is a schema-less URL, and a log at the
 *       root of its host (Rekor v2, a tlog-tiles log) names itself by its host (docs/protocol.md 7.2, 9);
 *   <li>{@code <name> - <tree ID>}, the tree ID in canonical decimal (digits only, no leading
 *       zero, at most 2^63 - 1): Rekor v1's {@code "<hostname> - <treeID>"} (docs/protocol.md 4, 7.1),
 *       which Stele's log writes.
 * </ul>
 *
 * Nothing else is the log's: not another host, not {@code "<name> - "} followed by anything but a
 * tree ID, not {@code "<name>/path"}. A verifier that knows the tree ID, as the log itself does at
 * start-up, pins the one origin ({@link #verify(SignedNote, NoteVerifier, String)}). A client
 * that trusts a log by its URL and key (a Sigstore trusted root names no tree ID) accepts any tree
 * ID; a {@code track.CheckpointTracker} then holds the log to the origin of the first checkpoint it
 * kept, since a new tree of a Rekor v1 log (a new shard) is a new history, not a continuation.
 */
public final class Checkpoints {
  private Checkpoints() {}

  /**
   * Verifies a signed checkpoint as it came over the wire or from a file.
   *
   * @return the checkpoint, now known to be the log's
   * @throws VerificationException at {@link Stage#CHECKPOINT}: not a signed note, not signed by
   *     the log, not a checkpoint, not the log's origin, or an empty tree with another root
   */
  public static Checkpoint verify(byte[] signedNote, TrustedLog log) throws VerificationException {
    return verify(parse(signedNote), log);
  }

  /** {@link #verify(byte[], TrustedLog)} for a note already parsed. */
  public static Checkpoint verify(SignedNote note, TrustedLog log) throws VerificationException {
    return check(note, log.noteVerifier(), null);
  }

  /**
   * Verifies a checkpoint of a log whose exact origin the caller knows (the log's own tree ID):
   * {@code origin} must itself be one the rule allows for the key's name.
   *
   * @throws IllegalArgumentException if {@code origin} is not {@code <name>} or {@code <name> -
   *     <tree ID>} for the key's name
   */
  public static Checkpoint verify(SignedNote note, NoteVerifier key, String origin) throws VerificationException {
    if (!isOriginOf(key.name(), Objects.requireNonNull(origin, "origin"))) {
      throw new IllegalArgumentException("'" + origin + "' is not an origin of the log '" + key.name() + "'");
    }
    return check(note, key, origin);
  }

  /** The rule; {@code pinned} is the one origin accepted, or null for any the rule allows. */
  private static Checkpoint check(SignedNote note, NoteVerifier key, String pinned) throws VerificationException {
    try {
      note.verify(List.of(key));
    } catch (SignatureException e) {
      throw new VerificationException(Stage.CHECKPOINT, "not signed by " + key.keyName() + ": " + e.getMessage(), e);
    }
    Checkpoint c;
    try {
      c = Checkpoint.parse(note.text());
    } catch (FormatException e) {
      throw new VerificationException(Stage.CHECKPOINT, e.getMessage(), e);
    }
    if (pinned != null && !c.origin().equals(pinned)) {
      throw new VerificationException(Stage.CHECKPOINT, "origin '" + c.origin() + "' is not the log's '"
          + pinned + "'");
    }
    if (pinned == null && !isOriginOf(key.name(), c.origin())) {
      throw new VerificationException(Stage.CHECKPOINT, "origin '" + c.origin() + "' is not the log's: expected '"
          + key.name() + "' or '" + key.name() + " - <tree ID>'");
    }
    if (c.size() == 0 && !c.root().equals(Rfc6962.EMPTY_ROOT)) {
      throw new VerificationException(Stage.CHECKPOINT, "the checkpoint of the empty tree has root "
          + c.root().hex() + ", not the empty tree's root " + Rfc6962.EMPTY_ROOT.hex());
    }
    return c;
  }

  /**
   * The Rekor v1 rule: an answer that states a tree head beside a verified checkpoint (the log
   * info's {@code treeSize} and {@code rootHash}; an inclusion proof's {@code treeSize} and
   * {@code rootHash}) must state exactly the checkpoint's. The fields are unsigned, and clients
   * compute with them (sigstore-java checks the proof against {@code treeSize}/{@code rootHash}
   * and compares only the root with the checkpoint, docs/protocol.md 6), so an answer whose fields
   * differ from its signature misleads some client, and is refused by all of Stele's.
   *
   * @param signed the verified checkpoint
   * @param whose whose fields these are, for the message, e.g. {@code "the inclusion proof's"}
   * @throws VerificationException at {@link Stage#CHECKPOINT} with both values
   */
  public static void checkTreeHead(Checkpoint signed, long treeSize, Hash rootHash, String whose)
      throws VerificationException {
    if (signed.size() != treeSize) {
      throw new VerificationException(Stage.CHECKPOINT, "tree size " + signed.size() + " differs from " + whose
          + " tree size " + treeSize);
    }
    if (!signed.root().equals(rootHash)) {
      throw new VerificationException(Stage.CHECKPOINT, "root " + signed.root().hex() + " at size "
          + signed.size() + " differs from " + whose + " root " + rootHash.hex());
    }
  }

  /**
   * Whether {@code origin} is {@code name} or {@code name - <canonical decimal tree ID>}: the
   * origins a log whose key is named {@code name} signs (a witness finds a log's keys by it).
   */
  public static boolean isOriginOf(String name, String origin) {
    if (origin.equals(name)) {
      return true;
    }
    String prefix = name + " - ";
    if (!origin.startsWith(prefix)) {
      return false;
    }
    String id = origin.substring(prefix.length());
    if (id.isEmpty() || id.length() > 19 || (id.length() > 1 && id.charAt(0) == '0')) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      if (id.charAt(i) < '0' || id.charAt(i) > '9') {
        return false;
      }
    }
    try {
      Long.parseLong(id);
      return true;
    } catch (NumberFormatException e) {
      return false; // beyond 2^63 - 1
    }
  }

  private static SignedNote parse(byte[] bytes) throws VerificationException {
    try {
      return SignedNote.parse(bytes);
    } catch (FormatException e) {
      throw new VerificationException(Stage.CHECKPOINT, "not a signed note: " + e.getMessage(), e);
    }
  }
}
