package dev.stele.client.verify;

import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.NoteKeys;
import dev.stele.client.protocol.NoteSignature;
import dev.stele.client.protocol.NoteVerifier;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.protocol.WitnessPolicy;
import java.security.GeneralSecurityException;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one place that decides whether a checkpoint satisfies a witness policy
 * (c2sp.org/tlog-policy): a verifier that requires it cannot be shown a forked or rolled-back
 * tree unless a quorum of the witnesses colludes, since each witness cosigns only checkpoints it
 * has proven consistent with every one it cosigned before (c2sp.org/tlog-witness). Every failure
 * is a {@link VerificationException} at {@link Stage#WITNESS}.
 *
 * <p>In this order:
 *
 * <ol>
 *   <li>if the policy lists logs, the note carries a valid signature by one of them, and its
 *       origin is that log's ({@code <name>} or {@code <name> - <tree ID>}, the rule of {@link
 *       Checkpoints}); a policy without logs leaves the log to the caller's own check;
 *   <li>every cosignature line whose key name and key ID are a policy witness's must verify
 *       (cosignature/v1, c2sp.org/tlog-cosignature): a line that does not is forged, and fails
 *       the checkpoint whatever else it carries; lines of other keys are ignored;
 *   <li>the witnesses whose cosignatures verified satisfy the quorum.
 * </ol>
 *
 * <p>A cosignature's time is reported, not judged: the witness states that as of then the tree
 * was the largest consistent one it had seen.
 */
public final class Witnesses {
  private Witnesses() {}

  /**
   * A verified cosignature.
   *
   * @param witness the witness's name in the policy
   * @param key the key's name and ID as on the line
   * @param time when the witness cosigned, Unix seconds
   */
  public record Cosignature(String witness, String key, long time) {}

  /**
   * Checks {@code note} against {@code policy}.
   *
   * @return the verified cosignatures of policy witnesses, in policy order
   * @throws VerificationException at {@link Stage#WITNESS}, saying what is missing or forged
   */
  public static List<Cosignature> verify(SignedNote note, WitnessPolicy policy) throws VerificationException {
    Checkpoint c;
    try {
      c = Checkpoint.parse(note.text());
    } catch (FormatException e) {
      throw new VerificationException(Stage.WITNESS, "the cosigned note is not a checkpoint: " + e.getMessage(), e);
    }
    if (!policy.logs().isEmpty()) {
      checkLog(note, c, policy);
    }
    List<Cosignature> verified = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    List<String> missing = new ArrayList<>();
    byte[] text = note.textBytes();
    for (WitnessPolicy.Witness w : policy.witnesses()) {
      NoteVerifier key = w.key();
      boolean found = false;
      for (NoteSignature s : note.signatures()) {
        if (s.keyId() != key.keyId() || !s.name().equals(key.name())) {
          continue;
        }
        try {
          key.verifier().verify(s.signature(), text);
        } catch (GeneralSecurityException e) {
          throw new VerificationException(Stage.WITNESS, "the cosignature of witness " + w.name() + " ("
              + key.keyName() + ") on the checkpoint of size " + c.size() + " does not verify: it is forged or"
              + " altered (" + e.getMessage() + ")", e);
        }
        if (!found) {
          verified.add(new Cosignature(w.name(), key.keyName(), time(s)));
          names.add(w.name());
          found = true;
        }
      }
      if (!found) {
        missing.add(w.name());
      }
    }
    if (!policy.satisfiedBy(names)) {
      throw new VerificationException(Stage.WITNESS, "the checkpoint of size " + c.size() + " ('" + c.origin()
          + "') has no witness quorum: the policy needs " + policy.describeQuorum() + "; verified cosignatures from "
          + names + ", none from " + missing);
    }
    return List.copyOf(verified);
  }

  private static void checkLog(SignedNote note, Checkpoint c, WitnessPolicy policy) throws VerificationException {
    List<NoteVerifier> logs = new ArrayList<>();
    policy.logs().forEach(l -> logs.add(l.key()));
    List<NoteSignature> signed;
    try {
      signed = note.verify(logs);
    } catch (SignatureException e) {
      throw new VerificationException(Stage.WITNESS, "the checkpoint is not signed by a log of the witness policy: "
          + e.getMessage(), e);
    }
    for (NoteSignature s : signed) {
      if (Checkpoints.isOriginOf(s.name(), c.origin())) {
        return;
      }
    }
    throw new VerificationException(Stage.WITNESS, "the checkpoint's origin '" + c.origin() + "' is not that of the"
        + " policy log that signed it (" + signed + ")");
  }

  private static long time(NoteSignature s) throws VerificationException {
    try {
      return NoteKeys.cosignatureTime(s.signature());
    } catch (FormatException e) {
      throw new VerificationException(Stage.WITNESS, "the cosignature of " + s.keyName() + ": " + e.getMessage(), e);
    }
  }
}
