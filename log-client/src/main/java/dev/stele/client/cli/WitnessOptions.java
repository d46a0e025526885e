package dev.stele.client.cli;

import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.WitnessPolicy;
import dev.stele.client.verify.VerificationException;
import dev.stele.client.verify.Witnesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Which witnesses must have cosigned the log's checkpoint: a c2sp.org/tlog-policy file. */
final class WitnessOptions {
  @Option(names = "--witness-policy", paramLabel = "FILE", defaultValue = "${env:STELE_WITNESS_POLICY}",
      description = "A witness policy (c2sp.org/tlog-policy: witness, group and quorum lines): the log's checkpoint"
          + " must carry verified cosignatures from its quorum, and no forged one; otherwise verification fails"
          + " (exit 20). Its log lines, if any, must sign the checkpoint too (default: $STELE_WITNESS_POLICY).")
  Path policy;

  /**
   * Adds to the output of a verified entry the witnesses whose cosignatures the policy accepted
   * ({@code cosignedBy}), when a policy was given.
   */
  void addCosigners(java.util.Map<String, Object> result, LoggedEntry entry) throws CliException {
    Optional<WitnessPolicy> p = policy();
    if (p.isEmpty() || entry.inclusion().isEmpty()) {
      return;
    }
    try {
      result.put("cosignedBy", LogCommand.cosigners(Witnesses.verify(entry.inclusion().get().checkpoint(), p.get())));
    } catch (VerificationException e) {
      throw Failures.of(e); // verified a moment ago: cannot happen
    }
  }

  /** The policy, if one is given. */
  Optional<WitnessPolicy> policy() throws CliException {
    if (policy == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(WitnessPolicy.parse(Files.readAllBytes(policy)));
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCode.INPUT, "no witness policy file " + policy);
    } catch (IOException e) {
      throw new CliException(ExitCode.INPUT, "cannot read the witness policy " + policy + ": " + e);
    } catch (FormatException e) {
      throw new CliException(ExitCode.INPUT, "the witness policy " + policy + " is malformed: " + e.getMessage());
    }
  }
}
