package dev.stele.monitor;

import dev.stele.merkle.Hash;
import java.io.IOException;
import java.util.logging.Logger;

/**
 * The full audit: reads every entry from the first one up to the verified checkpoint, recomputes
 * the tree, and checks that every entry, every tile and every checkpoint the monitor verified
 * agree with it ({@link EntryWalker} with all checks on).
 *
 * <p>Resumable: the recomputed tree's right edge is saved in the state every few seconds, so a
 * stopped audit continues where it was; later runs audit only what the log has added since.
 * Progress is logged every few seconds with the rate.
 */
final class Auditor {
  private static final Logger LOG = Logger.getLogger(Auditor.class.getName());
  private static final long REPORT_NANOS = 2_000_000_000L;

  private final EntryWalker walker;
  private final LogSource source;
  private final MonitorState state;
  private final MonitorMetrics metrics;
  private long saveNanos = 5_000_000_000L;

  Auditor(EntryWalker walker, LogSource source, MonitorState state, MonitorMetrics metrics) {
    this.walker = walker;
    this.source = source;
    this.state = state;
    this.metrics = metrics;
  }

  /**
   * Audits the log up to {@code target}, continuing from the saved progress.
   *
   * @return the number of entries read in this call
   * @throws AlarmException {@link AlarmKind#BAD_DATA} (or FORK, for a v1 log) if anything disagrees
   */
  long audit(CheckpointVerifier.Verified target) throws AlarmException, IOException {
    long size = target.checkpoint().size();
    TreeReplay replay = restore(size);
    long start = replay.size();
    if (start >= size) {
      metrics.audited(0, start);
      return 0;
    }
    LOG.info("audit: from entry " + start + " to " + size + " through "
        + (walkerUsesTiles() ? "tiles" : "the v1 API"));
    long t0 = System.nanoTime();
    long[] lastReport = {t0};
    long[] lastSave = {t0};
    long[] counted = {start};
    walker.walk(replay, target, true, state.history(), (index, body, leaf) -> { }, r -> {
      metrics.audited(r.size() - counted[0], r.size());
      counted[0] = r.size();
      long now = System.nanoTime();
      if (now - lastSave[0] >= saveNanos) {
        save(r);
        lastSave[0] = now;
      }
      if (now - lastReport[0] >= REPORT_NANOS) {
        lastReport[0] = now;
        LOG.info(String.format("audit: %,d / %,d entries (%.1f%%), %,.0f entries/s", r.size(), size,
            100.0 * r.size() / size, (r.size() - start) / ((now - t0) / 1e9)));
      }
    });
    save(replay);
    double seconds = (System.nanoTime() - t0) / 1e9;
    LOG.info(String.format("audit: complete up to %,d: every entry, tile and checkpoint agrees (root %s);"
        + " %,d entries in %.1f s, %,.0f entries/s", size, replay.root().hex(), size - start, seconds,
        (size - start) / Math.max(seconds, 1e-9)));
    return size - start;
  }

  /** How often progress is saved during a walk (default 5 s; tests save after every tile). */
  void saveEvery(long nanos) {
    saveNanos = nanos;
  }

  private boolean walkerUsesTiles() throws LogUnavailableException {
    return source.hasTiles();
  }

  private TreeReplay restore(long size) throws IOException {
    MonitorState.Audit a = state.audit().orElse(null);
    if (a == null || a.next() == 0) {
      return TreeReplay.empty();
    }
    if (a.next() > size) {
      LOG.warning("audit: saved progress (" + a.next() + " entries) is beyond the verified tree of size "
          + size + "; starting over");
      return TreeReplay.empty();
    }
    return TreeReplay.restore(a.next(), Hash.fromHex(a.root()), a.edge());
  }

  private void save(TreeReplay r) throws IOException {
    state.audit(new MonitorState.Audit(r.size(), r.root().hex(), r.encodeEdge()));
    state.save();
  }
}
