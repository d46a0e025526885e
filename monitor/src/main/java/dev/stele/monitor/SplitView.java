package dev.stele.monitor;

import dev.stele.client.protocol.Checkpoint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

/**
 * Split-view detection: a log that shows one tree to the monitor and another to someone else is
 * caught by comparing the monitor's verified checkpoint with checkpoints gathered elsewhere,
 * from other URLs of the same log ({@code --mirror}) or handed in by other monitors ({@code
 * --peer}: a URL such as another monitor's {@code /checkpoint}, or a file).
 *
 * <p>A foreign checkpoint must verify under the log key (a mirror that serves one that does not
 * is a {@link AlarmKind#BAD_CHECKPOINT}; a peer's is ignored with a warning). Then: for the same
 * size it must have the same root; for another size, the log must prove the smaller tree
 * consistent with the larger one; otherwise {@link AlarmKind#SPLIT_VIEW}, with both checkpoints
 * (and the proof) as evidence. A source that cannot be reached is skipped with a warning.
 */
final class SplitView {
  private static final Logger LOG = Logger.getLogger(SplitView.class.getName());

  private final LogSource primary;
  private final List<LogSource> mirrors;
  private final List<String> peers;
  private final CheckpointVerifier verifier;
  private final MonitorState state;
  private final LogHttp peerHttp;

  SplitView(LogSource primary, List<LogSource> mirrors, List<String> peers, CheckpointVerifier verifier,
      MonitorState state, HttpClient http) {
    this.primary = primary;
    this.mirrors = List.copyOf(mirrors);
    this.peers = List.copyOf(peers);
    this.verifier = verifier;
    this.state = state;
    this.peerHttp = new LogHttp(URI.create("http://peer.invalid"), http, Duration.ofSeconds(10), Duration.ofMillis(200));
  }

  boolean isEmpty() {
    return mirrors.isEmpty() && peers.isEmpty();
  }

  /** Compares {@code ours} with every mirror's and peer's checkpoint. */
  void check(CheckpointVerifier.Verified ours) throws AlarmException, IOException {
    for (LogSource m : mirrors) {
      LogSource.Served s;
      try {
        s = m.latest();
      } catch (LogUnavailableException e) {
        LOG.warning("split view: mirror " + m.url() + " skipped: " + e.getMessage());
        continue;
      }
      compare(ours, s, verifier.verify(s, ours.note()));
    }
    for (String p : peers) {
      LogSource.Served s;
      try {
        s = readPeer(p);
      } catch (IOException e) {
        LOG.warning("split view: peer " + p + " skipped: " + e.getMessage());
        continue;
      }
      CheckpointVerifier.Verified v;
      try {
        v = verifier.verify(s, ours.note());
      } catch (AlarmException e) {
        LOG.warning("split view: peer " + p + " handed in a checkpoint that does not verify, ignored: "
            + e.getMessage());
        continue;
      }
      compare(ours, s, v);
    }
  }

  private LogSource.Served readPeer(String p) throws IOException {
    byte[] body;
    if (p.startsWith("http://") || p.startsWith("https://")) {
      body = peerHttp.get(URI.create(p));
    } else {
      body = Files.readAllBytes(Path.of(p));
    }
    String text = Evidence.text(body);
    return new LogSource.Served(p, body, text == null ? "" : text, -1, null);
  }

  private void compare(CheckpointVerifier.Verified ours, LogSource.Served s, CheckpointVerifier.Verified theirs)
      throws AlarmException {
    Checkpoint o = ours.checkpoint();
    Checkpoint t = theirs.checkpoint();
    if (t.size() == o.size()) {
      if (!t.root().equals(o.root())) {
        throw conflict(ours, s, theirs, "tree size " + t.size() + " has root " + o.root().hex()
            + " here and root " + t.root().hex() + " at " + s.source());
      }
      return;
    }
    for (MonitorState.Seen seen : state.history()) {
      if (seen.size() == t.size() && !seen.root().equals(t.root().hex())) {
        throw conflict(ours, s, theirs, "tree size " + t.size() + " was verified here with root " + seen.root()
            + ", and " + s.source() + " has root " + t.root().hex());
      }
    }
    Checkpoint older = t.size() < o.size() ? t : o;
    Checkpoint newer = t.size() < o.size() ? o : t;
    try {
      verifier.proveConsistent(primary, older, newer, AlarmKind.SPLIT_VIEW, ours.note(), s, theirs.note());
    } catch (LogUnavailableException e) {
      LOG.warning("split view: cannot prove " + s.source() + "'s tree size " + t.size() + " against ours ("
          + o.size() + "): " + e.getMessage());
    }
  }

  private AlarmException conflict(CheckpointVerifier.Verified ours, LogSource.Served s,
      CheckpointVerifier.Verified theirs, String problem) {
    return new AlarmException(AlarmKind.SPLIT_VIEW, "split view: " + problem,
        verifier.conflict(ours.note(), s, theirs.note(), problem));
  }
}
