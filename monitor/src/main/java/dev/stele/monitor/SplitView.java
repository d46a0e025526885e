package dev.stele.monitor;

import dev.stele.client.http.HttpTransport;
import dev.stele.client.protocol.Checkpoint;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * Split-view detection: a log that shows one tree to the monitor and another to someone else is
 * caught by comparing the monitor's verified checkpoint with checkpoints gathered elsewhere,
 * from other URLs of the same log ({@code --mirror}) or handed in by other monitors ({@code
 * --peer}: a URL such as another monitor's {@code /checkpoint}, or a file).
 *
 * <p>A foreign checkpoint must be the log's (the library's one rule; a mirror that serves one
 * that is not is a {@link AlarmKind#BAD_CHECKPOINT}; a peer's is ignored with a warning). Then:
 * for the same size it must have the same root; for another size, the log (at the primary URL)
 * must prove the smaller tree consistent with the larger one. A proof that fails is a {@link
 * AlarmKind#SPLIT_VIEW} at once. A proof the log does not give (an error, a malformed answer, no
 * answer) is a warning, counted per mirror or peer across checks and across {@code --once} runs;
 * on the {@code splitViewTries}-th check in a row it is a {@link AlarmKind#SPLIT_VIEW} too, with
 * both checkpoints and what the log answered as evidence. A log that shows another tree
 * elsewhere need not lie in a proof: it can simply refuse to give one, so refusing cannot be
 * allowed to last; a few checks tell that apart from a restart or a slow minute, each request
 * having been retried already. A source that cannot be reached is skipped with a warning.
 */
final class SplitView {
  private static final Logger LOG = Logger.getLogger(SplitView.class.getName());

  private final String log;
  private final LogSource primary;
  private final List<LogSource> mirrors;
  private final List<String> peers;
  private final CheckpointVerifier verifier;
  private final MonitorState state;
  private final LogHttp peerHttp;
  private final int tries;

  /**
   * @param tries the consecutive checks on which the log may not prove a foreign checkpoint
   *     before that is an alarm (at least 1)
   */
  SplitView(String log, LogSource primary, List<LogSource> mirrors, List<String> peers, CheckpointVerifier verifier,
      MonitorState state, HttpTransport http, int tries) {
    if (tries < 1) {
      throw new IllegalArgumentException("tries must be at least 1, got " + tries);
    }
    this.log = log;
    this.primary = primary;
    this.mirrors = List.copyOf(mirrors);
    this.peers = List.copyOf(peers);
    this.verifier = verifier;
    this.state = state;
    this.peerHttp = new LogHttp(URI.create("http://peer.invalid"), http);
    this.tries = tries;
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
      compare(m.url(), ours, s, verifier.verify(s, ours.note()));
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
      compare(p, ours, s, v);
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
    return new LogSource.Served(p, body, text == null ? "" : text);
  }

  /**
   * @param key the mirror's URL or the peer as configured: what the count of unproven checks is
   *     kept under
   */
  private void compare(String key, CheckpointVerifier.Verified ours, LogSource.Served s,
      CheckpointVerifier.Verified theirs) throws AlarmException, IOException {
    Checkpoint o = ours.checkpoint();
    Checkpoint t = theirs.checkpoint();
    if (t.size() == o.size()) {
      if (!t.root().equals(o.root())) {
        throw conflict(ours, s, theirs, "tree size " + t.size() + " has root " + o.root().hex()
            + " here and root " + t.root().hex() + " at " + s.source());
      }
      proven(key);
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
      int n = state.unprovenAgain(key);
      state.save();
      if (n < tries) {
        LOG.warning("split view: the log does not prove " + s.source() + "'s tree size " + t.size() + " consistent"
            + " with ours (" + o.size() + "), check " + n + " of " + tries + " before the alarm: " + e.getMessage());
        return;
      }
      throw unproven(ours, s, theirs, older, newer, e);
    }
    proven(key);
  }

  private void proven(String key) throws IOException {
    if (state.proven(key)) {
      state.save();
    }
  }

  /** The log would not prove it, {@link #tries} checks in a row: a split view, with what it answered. */
  private AlarmException unproven(CheckpointVerifier.Verified ours, LogSource.Served s,
      CheckpointVerifier.Verified theirs, Checkpoint older, Checkpoint newer, LogUnavailableException e) {
    String request = primary.consistencyRequest(older.size(), newer.size());
    String problem = s.source() + " shows a validly signed checkpoint of tree size " + theirs.checkpoint().size()
        + " (root " + theirs.checkpoint().root().hex() + "), and the log at " + primary.url()
        + " has not proven it consistent with ours (size " + ours.checkpoint().size() + ") on " + tries
        + " consecutive checks";
    Map<String, String> details = new TreeMap<>();
    details.put("problem", problem);
    details.put("logAnswer", e.getMessage());
    details.put("logStatus", Integer.toString(e.status()));
    details.put("checks", Integer.toString(tries));
    Evidence.Proof asked = Evidence.Proof.of(request, older.size(), newer.size(), List.of(), e.body().orElse(null));
    return new AlarmException(AlarmKind.SPLIT_VIEW, "split view: " + problem + ": " + e.getMessage(),
        Evidence.of(log, ours.note(), s.source(), theirs.note(), s.body(), asked, details));
  }

  private AlarmException conflict(CheckpointVerifier.Verified ours, LogSource.Served s,
      CheckpointVerifier.Verified theirs, String problem) {
    return new AlarmException(AlarmKind.SPLIT_VIEW, "split view: " + problem,
        verifier.conflict(ours.note(), s, theirs.note(), problem));
  }
}
