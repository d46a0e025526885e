package dev.stele.server;

import dev.stele.client.cli.DurationConverter;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.WitnessPolicy;
import dev.stele.server.witness.WitnessConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options of the checkpoint key and the witnesses, a {@code @Mixin} of {@link Main}. */
final class WitnessOptions {
  @Option(names = "--checkpoint-key", paramLabel = "FILE", defaultValue = "${env:STELE_CHECKPOINT_KEY}",
      description = "PEM PKCS#8 Ed25519 private key for the checkpoints' second signature line (C2SP signed-note,"
          + " which witness networks require). Without it, DATA_DIR/checkpoint-key.pem is used, and generated on"
          + " first start (env STELE_CHECKPOINT_KEY).")
  Path checkpointKey;

  @Option(names = "--witness-policy", paramLabel = "FILE", defaultValue = "${env:STELE_WITNESS_POLICY}",
      description = "Ask the witnesses of this c2sp.org/tlog-policy file (each 'witness <name> <vkey> <url>') to cosign"
          + " every new checkpoint, and publish it with their cosignatures once they reach its quorum; not yet"
          + " with --storage postgres, which refuses to start with it (env STELE_WITNESS_POLICY).")
  Path witnessPolicy;

  @Option(names = "--witness-fail-closed", defaultValue = "${env:STELE_WITNESS_FAIL_CLOSED:-false}",
      description = "Answer an append only with a checkpoint that reached the witness quorum, waiting at most"
          + " --witness-timeout (then 503), and serve only such checkpoints; without it (fail-open) the log goes on"
          + " with its own signatures and the metrics say so (env STELE_WITNESS_FAIL_CLOSED=true).")
  boolean failClosed;

  @Option(names = "--witness-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      defaultValue = "${env:STELE_WITNESS_TIMEOUT:-10s}",
      description = "Longest exchange with one witness, and longest wait of a fail-closed append for the quorum (env"
          + " STELE_WITNESS_TIMEOUT, default ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--v1-signature-lines", paramLabel = "all|log", defaultValue = "${env:STELE_V1_SIGNATURE_LINES}",
      description = "Which signature lines the checkpoints of Rekor v1 answers carry: all (the Ed25519 line and the"
          + " cosignatures, which sigstore-js, sigstore-java and stele accept) or log (the ECDSA line alone, for Rekor's"
          + " Go verifier in cosign and rekor-cli, which refuses other lines); /checkpoint serves all (env"
          + " STELE_V1_SIGNATURE_LINES, default all with --witness-policy, else log).")
  String v1Lines;

  WitnessConfig config() throws IOException {
    Optional<WitnessPolicy> policy = Optional.empty();
    if (witnessPolicy != null) {
      try {
        policy = Optional.of(WitnessPolicy.parse(Files.readAllBytes(witnessPolicy)));
      } catch (FormatException e) {
        throw new IllegalArgumentException("--witness-policy " + witnessPolicy + ": " + e.getMessage());
      }
    }
    boolean all;
    if (v1Lines == null || v1Lines.isEmpty()) {
      all = policy.isPresent();
    } else if (v1Lines.equals("all") || v1Lines.equals("log")) {
      all = v1Lines.equals("all");
    } else {
      throw new IllegalArgumentException("--v1-signature-lines must be all or log, got '" + v1Lines + "'");
    }
    return new WitnessConfig(Optional.ofNullable(checkpointKey), policy, failClosed, timeout, all);
  }
}
