package dev.stele.monitor;

import java.net.URI;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the operator sets, resolved and checked; the command line and the {@code
 * STELE_MONITOR_*} variables are in {@link Main}.
 *
 * @param logUrl the log's base URL (Rekor v1 API and/or tlog-tiles under it)
 * @param logKey the log's public key: every checkpoint must carry its signature
 * @param logName the checkpoint signer name; default the host of {@code logUrl} (how Rekor v1 and
 *     Stele name it)
 * @param stateDir where the state file and evidence files live
 * @param interval time between checks when running continuously
 * @param unreachableAfter how long the log may give no usable answer before that is an alarm
 * @param protocol which face of the log to read
 * @param webhook where alarms and watch-list matches are POSTed, if anywhere
 * @param watchKeys public keys to watch for
 * @param watchDigests artifact digests to watch for, {@code <algorithm>:<hex>}
 * @param mirrors other URLs of the same log, compared for split views
 * @param peers checkpoints handed in by other monitors: URLs or files
 * @param splitViewTries consecutive checks on which the log may not prove a mirror's or peer's
 *     checkpoint consistent with ours before that is a split-view alarm
 * @param audit whether to run the full audit
 * @param once check once and exit with a code
 * @param metricsBind address of the metrics endpoint
 * @param metricsPort port of the metrics endpoint; 0 picks one, -1 turns it off
 * @param auditThreads concurrent requests while reading entries
 * @param logRoots TLS roots trusted for the log and its mirrors besides the system's (a private
 *     log's CA); empty for none
 * @param logTokenFile the file of the bearer token sent to the log's origin (a log that restricts
 *     reads); the token itself is read by {@link Monitor} and kept out of this record
 */
record MonitorConfig(
    URI logUrl,
    PublicKey logKey,
    String logName,
    Path stateDir,
    Duration interval,
    Duration unreachableAfter,
    LogSource.Protocol protocol,
    Optional<URI> webhook,
    List<PublicKey> watchKeys,
    List<String> watchDigests,
    List<URI> mirrors,
    List<String> peers,
    int splitViewTries,
    boolean audit,
    boolean once,
    String metricsBind,
    int metricsPort,
    int auditThreads,
    List<X509Certificate> logRoots,
    Optional<Path> logTokenFile) {

  MonitorConfig {
    logRoots = List.copyOf(logRoots);
    Objects.requireNonNull(logUrl, "logUrl");
    Objects.requireNonNull(logKey, "logKey");
    Objects.requireNonNull(stateDir, "stateDir");
    if (logUrl.getHost() == null || !("http".equals(logUrl.getScheme()) || "https".equals(logUrl.getScheme()))) {
      throw new IllegalArgumentException("--log-url must be an http(s) URL with a host, got " + logUrl);
    }
    if (logName == null || logName.isEmpty()) {
      logName = logUrl.getHost();
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("--interval must be positive, got " + interval);
    }
    if (unreachableAfter.isNegative()) {
      throw new IllegalArgumentException("--unreachable-after must not be negative");
    }
    if (metricsPort < -1 || metricsPort > 65535) {
      throw new IllegalArgumentException("--metrics-port must be -1 (off), 0 (any) or a port, got " + metricsPort);
    }
    if (splitViewTries < 1 || splitViewTries > 100) {
      throw new IllegalArgumentException("--split-view-tries must be 1..100, got " + splitViewTries);
    }
    if (auditThreads < 1 || auditThreads > 64) {
      throw new IllegalArgumentException("--read-threads must be 1..64, got " + auditThreads);
    }
    watchKeys = List.copyOf(watchKeys);
    watchDigests = List.copyOf(watchDigests);
    mirrors = List.copyOf(mirrors);
    peers = List.copyOf(peers);
  }

  /** Everything but the webhook's URL, which may carry a secret: its scheme and host only. */
  @Override
  public String toString() {
    return "MonitorConfig[logUrl=" + logUrl + ", logName=" + logName + ", stateDir=" + stateDir + ", interval="
        + interval + ", unreachableAfter=" + unreachableAfter + ", protocol=" + protocol + ", webhook="
        + webhook.map(u -> u.getScheme() + "://" + u.getHost() + "/...").orElse("none") + ", watchKeys="
        + watchKeys.size() + ", watchDigests=" + watchDigests + ", mirrors=" + mirrors + ", peers=" + peers
        + ", splitViewTries=" + splitViewTries + ", audit=" + audit + ", once=" + once + ", metrics=" + metricsBind
        + ":" + metricsPort + ", readThreads=" + auditThreads + "]";
  }
}
