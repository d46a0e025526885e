package dev.stele.monitor;

import dev.stele.client.protocol.AddCheckpoint;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.NoteSignature;
import dev.stele.client.protocol.NoteSigner;
import dev.stele.client.protocol.NoteVerifier;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.verify.Checkpoints;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.proof.ProofException;
import dev.stele.merkle.proof.ProofVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * A witness (c2sp.org/tlog-witness): cosigns a log's checkpoint only after proving it consistent
 * with the latest checkpoint of that log it cosigned before, so that a client requiring a quorum of
 * witnesses cannot be shown a fork or a rollback unless the quorum colludes.
 *
 * <p>{@code add-checkpoint}, in the specification's order:
 *
 * <ol>
 *   <li>a body that is not {@code old <size>}, up to 63 proof lines, a blank line and a signed
 *       note, or whose note is not a checkpoint: 400;
 *   <li>an origin of no trusted log: 404 (a log is trusted by its checkpoint key; its origin is the
 *       key's name, or {@code <name> - <tree ID>} as Rekor v1 and Stele write it);
 *   <li>no valid signature of a trusted key for the origin, or a line of a trusted key that does
 *       not verify: 403;
 *   <li>an old size larger than the checkpoint's: 400;
 *   <li>an old size that is not the size last cosigned for the origin (0 if none): 409 with that
 *       size ({@code text/x.tlog.size});
 *   <li>a checkpoint of the empty tree with another root, a proof with an old size of 0, a proof
 *       that does not verify from the root cosigned to the new root, or the same size with another
 *       root: 422;
 *   <li>otherwise the witness cosigns (cosignature/v1, c2sp.org/tlog-cosignature, timestamped
 *       now), makes the cosigned checkpoint durable, and only then answers 200 with its
 *       cosignature line.
 * </ol>
 *
 * <p>Steps 5 to 7 run under one lock, so that checking the old size and storing the new checkpoint
 * are atomic: two requests racing cannot roll the stored size back.
 *
 * <p>A validly signed checkpoint that contradicts one cosigned before is evidence, whatever the
 * answer's code: a smaller tree is {@link AlarmKind#ROLLBACK}, another root for the cosigned size
 * {@link AlarmKind#FORK}, a proof that fails {@link AlarmKind#INCONSISTENT}. Each goes to the alarm
 * sink with both signed notes (and the proof) as they arrived.
 *
 * <p>Thread-safe.
 */
final class Witness {
  private static final Logger LOG = Logger.getLogger(Witness.class.getName());

  /**
   * An answer.
   *
   * @param status the HTTP status
   * @param contentType its content type
   * @param body the body
   */
  record Answer(int status, String contentType, byte[] body) {
    static Answer text(int status, String message) {
      return new Answer(status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  private final NoteSigner cosigner;
  private final List<NoteVerifier> logs;
  private final WitnessState state;
  private final Consumer<AlarmException> alarms;
  private final MonitorMetrics metrics;
  private final Object lock = new Object();

  /**
   * @param cosigner the witness's cosignature/v1 signer (its name and key)
   * @param logs the checkpoint keys of the logs it witnesses
   * @param alarms where evidence of a misbehaving log goes (must not block for long)
   */
  Witness(NoteSigner cosigner, List<NoteVerifier> logs, WitnessState state, Consumer<AlarmException> alarms,
      MonitorMetrics metrics) {
    this.cosigner = Objects.requireNonNull(cosigner);
    this.logs = List.copyOf(logs);
    this.state = Objects.requireNonNull(state);
    this.alarms = Objects.requireNonNull(alarms);
    this.metrics = Objects.requireNonNull(metrics);
  }

  /** Handles one {@code add-checkpoint} body; see the class comment. */
  Answer addCheckpoint(byte[] body) {
    Answer a = handle(body);
    metrics.witnessAnswer(a.status());
    return a;
  }

  private Answer handle(byte[] body) {
    AddCheckpoint req;
    Checkpoint cp;
    try {
      req = AddCheckpoint.parse(body);
      cp = Checkpoint.parse(req.checkpoint().text());
    } catch (FormatException e) {
      return Answer.text(400, e.getMessage());
    }
    List<NoteVerifier> keys = keysFor(cp.origin());
    if (keys.isEmpty()) {
      return Answer.text(404, "unknown log: no trusted key for the origin '" + cp.origin() + "'");
    }
    List<NoteSignature> verified;
    try {
      verified = req.checkpoint().verify(keys);
    } catch (SignatureException e) {
      return Answer.text(403, "the checkpoint is not validly signed by the log: " + e.getMessage());
    }
    synchronized (lock) {
      WitnessState.Cosigned last = state.get(cp.origin()).orElse(null);
      long lastSize = last == null ? 0 : last.checkpoint().size();
      detectContradiction(last, cp, req, body);
      if (req.oldSize() > cp.size()) {
        return Answer.text(400, "old size " + req.oldSize() + " is larger than the checkpoint's size " + cp.size());
      }
      if (req.oldSize() != lastSize) {
        return new Answer(409, AddCheckpoint.SIZE_CONTENT_TYPE, AddCheckpoint.encodeSize(lastSize));
      }
      if (cp.size() == 0 && !cp.root().equals(Rfc6962.EMPTY_ROOT)) {
        return Answer.text(422, "a checkpoint of the empty tree must have the empty tree's root "
            + Rfc6962.EMPTY_ROOT.base64() + ", not " + cp.root().base64());
      }
      String unproven = consistency(last, cp, req);
      if (unproven != null) {
        return Answer.text(422, unproven);
      }
      NoteSignature cosignature;
      try {
        cosignature = cosigner.sign(req.checkpoint().textBytes());
      } catch (GeneralSecurityException e) {
        LOG.severe("the witness key failed to sign: " + e.getMessage());
        return Answer.text(500, "the witness cannot sign now");
      }
      List<NoteSignature> kept = new ArrayList<>(verified);
      kept.add(cosignature);
      try {
        state.put(new WitnessState.Cosigned(cp, new SignedNote(req.checkpoint().text(), kept)));
      } catch (IOException e) {
        LOG.severe("cannot store the cosigned checkpoint of '" + cp.origin() + "': " + e.getMessage());
        return Answer.text(500, "the witness cannot store its state now");
      }
      metrics.witnessCosigned(cp.size());
      return new Answer(200, "text/plain; charset=utf-8", cosignature.line().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The latest checkpoint cosigned for the origin with this SHA-256 (hex), as served to monitors. */
  java.util.Optional<String> latest(String originHash) {
    return state.byOriginHash(originHash).map(c -> c.note().format());
  }

  /** The trusted keys whose name the origin belongs to: {@code <name>} or {@code <name> - <tree ID>}. */
  private List<NoteVerifier> keysFor(String origin) {
    List<NoteVerifier> out = new ArrayList<>();
    for (NoteVerifier k : logs) {
      if (Checkpoints.isOriginOf(k.name(), origin)) {
        out.add(k);
      }
    }
    return out;
  }

  /** Null if the checkpoint extends the one cosigned last, else why not (the caller answers 422). */
  private String consistency(WitnessState.Cosigned last, Checkpoint cp, AddCheckpoint req) {
    long old = req.oldSize();
    if (old == 0) {
      return req.proof().isEmpty() ? null : "a consistency proof from the empty tree must be empty, got "
          + req.proof().size() + " hashes";
    }
    Checkpoint prev = last.checkpoint();
    if (old == cp.size()) {
      if (!cp.root().equals(prev.root())) {
        return "the checkpoint of size " + cp.size() + " has root " + cp.root().base64() + ", but the one cosigned"
            + " has root " + prev.root().base64();
      }
      return req.proof().isEmpty() ? null : "a proof between equal sizes must be empty, got "
          + req.proof().size() + " hashes";
    }
    try {
      ProofVerifier.verifyConsistency(old, cp.size(), req.proof(), prev.root(), cp.root());
      return null;
    } catch (ProofException e) {
      return "the consistency proof from size " + old + " to " + cp.size() + " does not verify: " + e.getMessage();
    }
  }

  /**
   * Raises an alarm if the validly signed {@code cp} contradicts the checkpoint cosigned last:
   * smaller, another root for the same size, or (when asked from that size) not provably its
   * extension.
   */
  private void detectContradiction(WitnessState.Cosigned last, Checkpoint cp, AddCheckpoint req, byte[] body) {
    if (last == null) {
      return;
    }
    Checkpoint prev = last.checkpoint();
    AlarmKind kind = null;
    String problem = null;
    if (cp.size() < prev.size()) {
      kind = AlarmKind.ROLLBACK;
      problem = "the log asked the witness to cosign tree size " + cp.size() + " of '" + cp.origin()
          + "', smaller than the size " + prev.size() + " it cosigned before";
    } else if (cp.size() == prev.size() && !cp.root().equals(prev.root())) {
      kind = AlarmKind.FORK;
      problem = "the log signed root " + cp.root().hex() + " for tree size " + cp.size() + " of '" + cp.origin()
          + "', but the witness cosigned root " + prev.root().hex() + " for it";
    } else if (cp.size() > prev.size() && req.oldSize() == prev.size() && prev.size() > 0) {
      try {
        ProofVerifier.verifyConsistency(prev.size(), cp.size(), req.proof(), prev.root(), cp.root());
      } catch (ProofException e) {
        kind = AlarmKind.INCONSISTENT;
        problem = "the log's consistency proof from the cosigned size " + prev.size() + " to " + cp.size() + " of '"
            + cp.origin() + "' does not verify: " + e.getMessage();
      }
    }
    if (kind == null) {
      return;
    }
    List<Hash> proof = req.proof();
    Evidence.Proof p = proof.isEmpty() ? null
        : Evidence.Proof.of("add-checkpoint", req.oldSize(), cp.size(), proof, null);
    alarms.accept(new AlarmException(kind, "witness: " + problem, Evidence.of(cp.origin(), last.note().format(),
        "add-checkpoint request to the witness " + cosigner.name(), req.checkpoint().format(), body, p,
        Map.of("problem", problem, "witness", cosigner.name()))));
  }
}
