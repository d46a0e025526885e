package dev.stele.monitor;

/**
 * What the monitor can find wrong with a log. Each kind has its own metric label, log line and
 * exit code of {@code --once}; the table is in {@code monitor/README.md} and {@code --help}.
 */
public enum AlarmKind {
  /**
   * A checkpoint that does not verify (bad signature, unknown key, wrong origin, malformed), or
   * an answer that states another tree head beside it.
   */
  BAD_CHECKPOINT(10, "a checkpoint that does not verify (signature, key, origin or format), or contradicts its answer"),
  /** A consistency proof that fails: the new tree does not extend the verified one. */
  INCONSISTENT(11, "a consistency proof that fails: the log's new tree does not extend the verified one"),
  /** A validly signed checkpoint for a smaller tree than one already verified. */
  ROLLBACK(12, "a signed checkpoint for a smaller tree than already verified (rollback)"),
  /** Two different roots signed for one tree size by the log itself. */
  FORK(13, "two different roots signed for one tree size (fork)"),
  /**
   * Another URL of the log, or another monitor, holds a checkpoint that contradicts ours, or that
   * the log will not prove consistent with ours.
   */
  SPLIT_VIEW(14, "a checkpoint from another URL of the log or from another monitor contradicts ours, or the log will"
      + " not prove it (split view)"),
  /** The log could not be reached, or gave no usable answer, for longer than the threshold. */
  UNREACHABLE(15, "the log unreachable for longer than --unreachable-after"),
  /** Entries or tiles the log serves do not hash to the tree its checkpoint signs. */
  BAD_DATA(16, "entries or tiles that disagree with the signed checkpoint (audit, watch list)"),
  /** A new entry signed by a watched key or naming a watched digest (an alert, not a fault). */
  WATCH_MATCH(20, "a new entry signed by a watched key or naming a watched digest");

  private final int exitCode;
  private final String description;

  AlarmKind(int exitCode, String description) {
    this.exitCode = exitCode;
    this.description = description;
  }

  /** The exit code of {@code --once} when this is the alarm it reports. */
  public int exitCode() {
    return exitCode;
  }

  public String description() {
    return description;
  }

  /** The metric label: the name in lower case. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
