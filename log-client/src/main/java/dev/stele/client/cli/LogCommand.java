package dev.stele.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.TrustedLog;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.ProtocolJson;
import dev.stele.client.protocol.RekorJson;
import dev.stele.client.protocol.TreeInfo;
import dev.stele.client.rekor.LogClientException;
import dev.stele.client.rekor.RekorClient;
import dev.stele.client.track.CheckpointSource;
import dev.stele.client.track.CheckpointTracker;
import dev.stele.client.track.InconsistencyException;
import dev.stele.client.trust.TrustRoot;
import dev.stele.client.verify.Checkpoints;
import dev.stele.client.verify.Stage;
import dev.stele.client.verify.VerificationException;
import dev.stele.client.verify.Witnesses;
import dev.stele.client.protocol.WitnessPolicy;
import dev.stele.merkle.Hash;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "log", mixinStandardHelpOptions = true,
    description = "Inspect the log: its tree head, an entry, a consistency proof.",
    subcommands = {LogCommand.Info.class, LogCommand.Get.class, LogCommand.Proof.class})
final class LogCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing command: give info, get or proof");
  }

  /** The trusted log at --log-url: its entry in the trust material. */
  static TrustedLog trustedLog(LogOptions log) throws CliException {
    TrustRoot trust = log.trust();
    String host = log.url().getHost().toLowerCase(Locale.ROOT);
    for (TrustedLog l : trust.logs()) {
      if (l.checkpointName().equals(host)) {
        return l;
      }
    }
    throw new CliException(ExitCode.USAGE, "the trust material names no log at host " + host
        + " (it names " + trust.logs().stream().map(l -> l.baseUrl().toString()).toList() + ")");
  }

  @Command(name = "info", mixinStandardHelpOptions = true,
      description = {"Print the log's tree head. With --trusted-root or --log-key, verify the checkpoint's"
          + " signature; with --state FILE also prove it consistent with the checkpoint kept in FILE, then"
          + " keep the new one (a fork or split view exits 18, a rollback 19, each with the evidence). With"
          + " --witness-policy the checkpoint must also carry the policy's quorum of witness cosignatures (exit 20)."})
  static final class Info extends BaseCommand {
    @Mixin
    LogOptions log;

    @Option(names = "--state", paramLabel = "FILE",
        description = "The last verified checkpoint of this log (created on first use).")
    Path state;

    @Mixin
    WitnessOptions witnesses;

    @Option(names = "--tiles", description = "With --state: read the checkpoint and compute the consistency"
        + " proof from the log's C2SP tlog-tiles (<log-url>/checkpoint, <log-url>/tile/...) instead of the"
        + " Rekor API.")
    boolean tiles;

    @Override
    public Integer call() throws CliException {
      RekorClient client = log.client();
      Map<String, Object> r = new LinkedHashMap<>();
      if (state != null) {
        TrustedLog trusted = trustedLog(log);
        CheckpointSource source = tiles
            ? CheckpointSource.tiles(log.url(), log.tilesTransport())
            : CheckpointSource.rekor(client);
        CheckpointTracker tracker;
        try {
          tracker = new CheckpointTracker(trusted, source, state, witnesses.policy());
        } catch (VerificationException e) {
          throw new CliException(ExitCode.CHECKPOINT, e.getMessage() + " (is the state file of this log?)", e);
        } catch (IOException e) {
          throw new CliException(ExitCode.INPUT, "cannot read the state file " + state + ": " + e, e);
        }
        CheckpointTracker.Update u;
        try {
          u = tracker.update();
        } catch (LogClientException e) {
          throw Failures.of(e);
        } catch (VerificationException e) {
          throw checkpointFailure(e);
        } catch (InconsistencyException e) {
          printEvidence(e);
          if (e.kind() == InconsistencyException.Kind.ROLLBACK) {
            throw new CliException(ExitCode.ROLLBACK, "the log rolled back: it signs tree size " + e.next().size()
                + ", smaller than the size " + e.previous().size() + " of the checkpoint kept in " + state
                + ". The state file is unchanged; keep the evidence above (" + e.getMessage() + ")", e);
          }
          throw new CliException(ExitCode.INCONSISTENT_LOG, e.kind() + ": " + e.getMessage(), e);
        } catch (IOException e) {
          throw new CliException(ExitCode.INPUT, "cannot write the state file " + state + ": " + e, e);
        }
        r.put("ok", true);
        r.put("treeSize", u.current().size());
        r.put("rootHash", u.current().root().hex());
        r.put("origin", u.current().origin());
        r.put("checkpointVerified", true);
        r.put("previousSize", u.previous().map(c -> (Object) c.size()).orElse("(none: first checkpoint kept)"));
        r.put("consistent", true);
        if (witnesses.policy().isPresent()) {
          try {
            r.put("cosignedBy", cosigners(Witnesses.verify(tracker.currentNote().orElseThrow(),
                witnesses.policy().get())));
          } catch (VerificationException e) {
            throw Failures.of(e);
          }
        }
        r.put("state", state.toString());
        print(r);
        return ExitCode.OK.code;
      }
      if (tiles) {
        throw new CliException(ExitCode.USAGE, "--tiles goes with --state");
      }
      TreeInfo info;
      try {
        info = client.logInfo();
      } catch (LogClientException e) {
        throw Failures.of(e);
      }
      r.put("ok", true);
      r.put("treeSize", info.treeSize());
      r.put("rootHash", info.rootHash().hex());
      r.put("treeId", info.treeId());
      boolean verified = false;
      if (log.hasTrust()) {
        TrustedLog trusted = trustedLog(log);
        try {
          Checkpoint c = Checkpoints.verify(info.signedTreeHead(), trusted);
          Checkpoints.checkTreeHead(c, info.treeSize(), info.rootHash(), "the log info's");
          verified = true;
        } catch (VerificationException e) {
          throw checkpointFailure(e);
        }
      }
      r.put("checkpointVerified", verified);
      Optional<WitnessPolicy> policy = witnesses.policy();
      if (policy.isPresent()) {
        try {
          r.put("cosignedBy", cosigners(Witnesses.verify(info.signedTreeHead(), policy.get())));
        } catch (VerificationException e) {
          throw Failures.of(e);
        }
      }
      r.put("checkpoint", info.signedTreeHead().format().strip().replace("\n", "\\n"));
      print(r);
      return ExitCode.OK.code;
    }

    private CliException checkpointFailure(VerificationException e) {
      if (e.stage() == Stage.WITNESS) {
        return Failures.of(e);
      }
      return new CliException(ExitCode.CHECKPOINT, "the log's checkpoint does not verify: " + e.reason()
          + " (is this the log --trusted-root or --log-key names?)", e);
    }

    private void printEvidence(InconsistencyException e) {
      err().println("evidence: checkpoint kept:\n" + e.previousNote() + "evidence: checkpoint received:\n"
          + e.newNote() + e.proof().map(p -> "evidence: consistency proof " + p.size1() + " -> " + p.size2()
          + ": " + hexes(p.hashes()) + "\n").orElse(""));
      err().flush();
    }
  }

  static final class Which {
    @Option(names = "--uuid", paramLabel = "ID", required = true,
        description = "The entry's UUID (64 hex digits) or entry ID (80).")
    String uuid;

    @Option(names = "--index", paramLabel = "N", required = true, description = "The entry's log index.")
    Long index;
  }

  @Command(name = "get", mixinStandardHelpOptions = true,
      description = {"Print one entry (by UUID or index) with its inclusion proof, checkpoint and SET, as the"
          + " log returns it. To verify an entry against an artifact, use verify-blob with a bundle."})
  static final class Get extends BaseCommand {
    @Mixin
    LogOptions log;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    @Override
    public Integer call() throws CliException {
      RekorClient client = log.client();
      Optional<LoggedEntry> e;
      try {
        e = which.uuid != null ? client.getByUuid(which.uuid) : client.getByIndex(which.index);
      } catch (IllegalArgumentException ex) {
        throw new CliException(ExitCode.USAGE, ex.getMessage());
      } catch (LogClientException ex) {
        throw Failures.of(ex);
      }
      if (e.isEmpty()) {
        throw new CliException(ExitCode.REFUSED, "the log has no entry " + (which.uuid != null ? which.uuid
            : "at index " + which.index));
      }
      LoggedEntry entry = e.get();
      if (json()) {
        out().println(new String(RekorJson.writeEntry(entry), StandardCharsets.UTF_8));
        out().flush();
        return ExitCode.OK.code;
      }
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("uuid", entry.id().toString());
      r.put("logIndex", entry.logIndex());
      r.put("integratedTime", entry.integratedTime());
      r.put("logID", entry.logId().hex());
      r.put("body", body(entry.body()));
      r.put("signedEntryTimestamp", entry.signedEntryTimestamp().isPresent() ? "present" : "absent");
      entry.inclusion().ifPresent(i -> {
        r.put("inclusionProof", "leaf " + i.proof().leafIndex() + " in tree of size " + i.proof().treeSize()
            + ", " + i.proof().hashes().size() + " hashes, root " + i.rootHash().hex());
        r.put("checkpoint", i.checkpoint().format().strip().replace("\n", "\\n"));
      });
      print(r);
      return ExitCode.OK.code;
    }

    private static String body(byte[] body) {
      try {
        JsonNode n = ProtocolJson.mapper().readTree(body);
        return n.toString();
      } catch (IOException ex) {
        return "(" + body.length + " bytes, not JSON)";
      }
    }
  }

  @Command(name = "proof", mixinStandardHelpOptions = true,
      description = {"Print the consistency proof between two tree sizes (RFC 6962), as the log gives it.",
          "To check it, use 'log info --state FILE', which proves consistency before keeping a checkpoint."})
  static final class Proof extends BaseCommand {
    @Mixin
    LogOptions log;

    @Option(names = "--first-size", paramLabel = "N", required = true, description = "The smaller tree size.")
    long firstSize;

    @Option(names = "--last-size", paramLabel = "N",
        description = "The larger tree size (default: the log's current size).")
    Long lastSize;

    @Override
    public Integer call() throws CliException {
      RekorClient client = log.client();
      RekorClient.Consistency c;
      long last;
      try {
        last = lastSize != null ? lastSize : client.logInfo().treeSize();
        c = client.consistencyProof(firstSize, last);
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCode.USAGE, e.getMessage());
      } catch (LogClientException e) {
        throw Failures.of(e);
      }
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("firstSize", firstSize);
      r.put("lastSize", last);
      r.put("rootHash", c.rootHash().hex());
      r.put("hashes", hexes(c.proof().hashes()));
      print(r);
      return ExitCode.OK.code;
    }
  }

  /** The witnesses that cosigned, with their times, e.g. {@code "w1 at 2026-01-02T03:04:05Z"}. */
  static List<String> cosigners(List<Witnesses.Cosignature> cosignatures) {
    List<String> out = new ArrayList<>(cosignatures.size());
    cosignatures.forEach(c -> out.add(c.witness() + " at " + java.time.Instant.ofEpochSecond(c.time())));
    return out;
  }

  static List<String> hexes(List<Hash> hashes) {
    List<String> out = new ArrayList<>(hashes.size());
    hashes.forEach(h -> out.add(h.hex()));
    return out;
  }
}
