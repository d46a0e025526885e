package dev.stele.server.witness;

import dev.stele.client.protocol.WitnessPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the log signs checkpoints for C2SP consumers and gets them cosigned; the command line is
 * {@code WitnessOptions} beside {@code Main}. Kept apart from {@code ServerConfig} so that a log
 * without witnesses is configured as before.
 *
 * @param checkpointKey PEM PKCS#8 Ed25519 private key for the second signature line of every
 *     checkpoint. When absent, {@code <dataDir>/checkpoint-key.pem} is used, and generated on
 *     first start: witness networks accept only Ed25519 log signatures (C2SP signed-note type
 *     0x01), so every log has one.
 * @param policy the witnesses to ask and the quorum their cosignatures must reach
 *     (c2sp.org/tlog-policy; each witness needs its URL there). Absent: no witnesses.
 * @param failClosed with a policy: whether an append's answer waits for a checkpoint that reached
 *     the quorum (at most {@code timeout}, then 503), and reads serve only such checkpoints; or
 *     (fail-open, the default) whether answers and reads go on with the log's own signatures, the
 *     cosigned checkpoint replacing the latest one as soon as it reaches the quorum, and the
 *     metrics say when it did not
 * @param timeout how long one witness exchange, and an append's wait for a quorum, may take.
 *     Default 10 s.
 * @param v1AllLines whether the checkpoints in Rekor v1 answers carry every signature line (the
 *     Ed25519 line, the cosignatures) or the log's ECDSA line alone. Default: all lines with a
 *     policy (clients can then check the quorum offline, from a bundle), the log's line without
 *     one (Rekor's Go verifier, used by cosign, refuses lines of other keys).
 */
public record WitnessConfig(Optional<Path> checkpointKey, Optional<WitnessPolicy> policy, boolean failClosed,
    Duration timeout, boolean v1AllLines) {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  public WitnessConfig {
    Objects.requireNonNull(checkpointKey, "checkpointKey");
    Objects.requireNonNull(policy, "policy");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("--witness-timeout must be positive, got " + timeout);
    }
    if (failClosed && policy.isEmpty()) {
      throw new IllegalArgumentException("--witness-fail-closed needs --witness-policy");
    }
    if (policy.isPresent()) {
      for (WitnessPolicy.Witness w : policy.get().witnesses()) {
        if (w.url().isEmpty()) {
          throw new IllegalArgumentException("witness " + w.name() + " in --witness-policy has no URL: the log"
              + " asks each witness at its submission prefix ('witness <name> <vkey> <url>')");
        }
      }
    }
  }

  /** No witnesses, a generated checkpoint key, v1 answers with the log's line only. */
  public static WitnessConfig defaults() {
    return new WitnessConfig(Optional.empty(), Optional.empty(), false, DEFAULT_TIMEOUT, false);
  }

  /** The checkpoint key file: the one given, or the one in the data directory. */
  public Path checkpointKeyFile(Path dataDir) {
    return checkpointKey.orElse(dataDir.resolve("checkpoint-key.pem"));
  }
}
