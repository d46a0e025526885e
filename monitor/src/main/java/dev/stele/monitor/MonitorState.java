package dev.stele.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.ProtocolJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the monitor remembers between runs, in {@code <state dir>/state.json}, beside the last
 * verified checkpoint that the client's tracker keeps in {@code <state dir>/checkpoint}: earlier
 * verified checkpoints, the watch list's position and undelivered matches, the audit's
 * progress, whether the log is unreachable since when, on how many checks in a row the log has
 * not proven a mirror's or peer's checkpoint, and which alarms were already notified.
 *
 * <p>Every {@link #save} writes a temporary file, syncs it and renames it over the old one, so
 * the file on disk is always either the old state or the new one, never a mix; a crash at any
 * moment leaves a state the monitor can continue from. Not thread-safe: one monitor owns it.
 */
final class MonitorState {
  static final String FILE = "state.json";
  /** Earlier verified checkpoints kept for fork detection and the audit. */
  static final int HISTORY = 256;
  /** Alarm fingerprints kept so that one fault is notified once. */
  static final int REPORTED = 256;

  /**
   * One verified checkpoint.
   *
   * @param size its tree size
   * @param root its root, hex
   * @param checkpoint the signed note as served
   */
  record Seen(long size, String root, String checkpoint) {}

  /**
   * A watch-list match not yet delivered.
   *
   * @param index the entry's index in the log
   * @param leafHash the entry's leaf hash (its UUID), hex
   * @param reasons what matched, e.g. {@code "key ECDSA P-256 key 1a2b3c4d"}
   * @param body the entry's canonical body, base64
   */
  record Match(long index, String leafHash, List<String> reasons, String body) {
    Match {
      reasons = List.copyOf(reasons);
    }
  }

  /**
   * The watch list's position.
   *
   * @param next the index of the next entry to read
   * @param pending matches found but not yet delivered, in log order
   */
  record Watch(long next, List<Match> pending) {
    Watch {
      pending = List.copyOf(pending);
    }
  }

  /**
   * The audit's progress.
   *
   * @param next entries {@code [0, next)} have been audited
   * @param root the recomputed root at {@code next}, hex
   * @param edge the recomputed tree's partial right-edge tiles at {@code next}: tile path to
   *     base64 hashes
   */
  record Audit(long next, String root, Map<String, String> edge) {
    Audit {
      edge = edge == null ? Map.of() : new LinkedHashMap<>(edge);
    }
  }

  /** The file's content. */
  record Content(
      Integer version,
      String log,
      List<Seen> history,
      Watch watch,
      Audit audit,
      Long unreachableSince,
      Boolean unreachableReported,
      Map<String, Integer> unproven,
      List<String> reported) {}

  private final Path dir;
  private final String log;
  private final List<Seen> history = new ArrayList<>();
  private Watch watch;
  private Audit audit;
  private Long unreachableSince;
  private boolean unreachableReported;
  private final Map<String, Integer> unproven = new LinkedHashMap<>();
  private final List<String> reported = new ArrayList<>();

  private MonitorState(Path dir, String log) {
    this.dir = dir;
    this.log = log;
  }

  /**
   * Loads the state in {@code dir}, or starts an empty one if there is none.
   *
   * @throws IOException if the file cannot be read or parsed, or belongs to another log
   */
  static MonitorState load(Path dir, String log) throws IOException {
    Files.createDirectories(dir);
    MonitorState s = new MonitorState(dir, log);
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return s;
    }
    Content c;
    try {
      c = ProtocolJson.mapper().readValue(Files.readAllBytes(file), Content.class);
    } catch (IOException e) {
      throw new IOException("state file " + file + " is not a monitor state: " + e.getMessage(), e);
    }
    if (c.log() != null && !c.log().equals(log)) {
      throw new IOException("state file " + file + " belongs to the log at " + c.log()
          + ", not " + log + "; use another --state directory");
    }
    if (c.history() != null) {
      s.history.addAll(c.history());
    }
    s.watch = c.watch();
    s.audit = c.audit();
    s.unreachableSince = c.unreachableSince();
    s.unreachableReported = Boolean.TRUE.equals(c.unreachableReported());
    if (c.unproven() != null) {
      s.unproven.putAll(c.unproven());
    }
    if (c.reported() != null) {
      s.reported.addAll(c.reported());
    }
    return s;
  }

  Path directory() {
    return dir;
  }

  /** Writes the state atomically (temporary file, sync, rename). */
  void save() throws IOException {
    Content c = new Content(1, log, List.copyOf(history), watch, audit, unreachableSince,
        unreachableReported, new LinkedHashMap<>(unproven), List.copyOf(reported));
    byte[] bytes;
    try {
      bytes = ProtocolJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(c);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode the monitor state", e);
    }
    writeAtomically(dir.resolve(FILE), bytes);
  }

  /** Writes {@code bytes} to {@code file} through a synced temporary file and a rename. */
  static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    // The rename is durable once the directory is synced; not every platform lets us open one.
    try (FileChannel d = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // Best effort.
    }
  }

  /** Records a newly verified checkpoint in the history (the tracker has proven it consistent). */
  void advance(Checkpoint cp, String note) {
    if (history.isEmpty() || history.get(history.size() - 1).size() != cp.size()) {
      history.add(new Seen(cp.size(), cp.root().hex(), note));
      // Keep the first one (the anchor) and the newest ones.
      while (history.size() > HISTORY) {
        history.remove(1);
      }
    }
  }

  List<Seen> history() {
    return List.copyOf(history);
  }

  Optional<Watch> watch() {
    return Optional.ofNullable(watch);
  }

  void watch(Watch w) {
    watch = w;
  }

  Optional<Audit> audit() {
    return Optional.ofNullable(audit);
  }

  void audit(Audit a) {
    audit = a;
  }

  Optional<Long> unreachableSince() {
    return Optional.ofNullable(unreachableSince);
  }

  boolean unreachableReported() {
    return unreachableReported;
  }

  void unreachable(Long since, boolean reported) {
    unreachableSince = since;
    unreachableReported = reported;
  }

  /**
   * Counts one more check on which the log did not prove {@code source}'s checkpoint consistent
   * with ours, and returns how many in a row that makes.
   */
  int unprovenAgain(String source) {
    return unproven.merge(source, 1, Integer::sum);
  }

  /** {@code source}'s checkpoint agrees with ours (or was proven to): the count starts again. */
  boolean proven(String source) {
    return unproven.remove(source) != null;
  }

  /** Whether this alarm fingerprint was already notified; remembers it if not. */
  boolean firstReport(String fingerprint) {
    if (reported.contains(fingerprint)) {
      return false;
    }
    reported.add(fingerprint);
    while (reported.size() > REPORTED) {
      reported.remove(0);
    }
    return true;
  }
}
