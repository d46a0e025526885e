package dev.stele.monitor;

import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.protocol.DsseBody;
import dev.stele.client.protocol.Encodings;
import dev.stele.client.protocol.EntryBody;
import dev.stele.client.protocol.EntryKinds;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.HashedRekordBody;
import dev.stele.client.protocol.KeyMaterial;
import java.io.IOException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The watch list: public keys and artifact digests whose appearance in the log someone wants to
 * hear about (a key used without its owner knowing, an artifact signed by someone else).
 *
 * <p>An entry matches a key if the entry's signer key, or the public key of its signing
 * certificate, is that key (hashedrekord: the signature's key; dsse: any signature's verifier).
 * It matches a digest if it names it: a hashedrekord's data hash, a dsse entry's payload or
 * envelope hash.
 *
 * <p>New entries are read once, in order, from the size the log had when the watch started (the
 * position is in the state); a batch of entries counts as read only once the entries are proven
 * to be the verified checkpoint's tree, and its matches are saved with the new position before
 * they are delivered, so each match is reported once even across restarts (a webhook that fails
 * gets the match again on the next check).
 */
final class Watchlist {
  private static final Logger LOG = Logger.getLogger(Watchlist.class.getName());
  private static final Pattern DIGEST = Pattern.compile("(sha256:[0-9a-f]{64})|(sha384:[0-9a-f]{96})|(sha512:[0-9a-f]{128})");

  private final List<PublicKey> keys;
  private final Set<String> digests;

  /**
   * @param keys watched public keys
   * @param digests watched digests, {@code <algorithm>:<hex>}
   * @throws IllegalArgumentException if a digest is not {@code sha256:}, {@code sha384:} or {@code
   *     sha512:} with the right number of hex digits
   */
  Watchlist(List<PublicKey> keys, List<String> digests) {
    this.keys = List.copyOf(keys);
    this.digests = new LinkedHashSet<>();
    for (String d : digests) {
      String n = d.toLowerCase(Locale.ROOT);
      if (!DIGEST.matcher(n).matches()) {
        throw new IllegalArgumentException("--watch-digest must be sha256:<64 hex digits> (or sha384, sha512), got '"
            + d + "'");
      }
      this.digests.add(n);
    }
  }

  boolean isEmpty() {
    return keys.isEmpty() && digests.isEmpty();
  }

  /**
   * What in {@code body} matches the watch list; empty if nothing does. Bodies that do not parse,
   * and kinds without keys or digests this log knows, match nothing.
   */
  List<String> match(byte[] body) {
    EntryBody parsed;
    try {
      parsed = EntryKinds.parseBody(body);
    } catch (FormatException e) {
      LOG.fine("watch: an entry body does not parse: " + e.getMessage());
      return List.of();
    }
    List<String> reasons = new ArrayList<>();
    if (parsed instanceof HashedRekordBody) {
      HashedRekordBody h = (HashedRekordBody) parsed;
      matchKey(h.key(), reasons);
      matchDigest(h.algorithm().rekorName() + ":" + h.digestHex(), reasons);
    } else if (parsed instanceof DsseBody) {
      DsseBody d = (DsseBody) parsed;
      for (DsseBody.Signature s : d.signatures()) {
        matchKey(s.verifier(), reasons);
      }
      matchDigest("sha256:" + d.payloadHash().hex(), reasons);
      matchDigest("sha256:" + d.envelopeHash().hex(), reasons);
    }
    return reasons;
  }

  private void matchKey(KeyMaterial key, List<String> reasons) {
    byte[] der = key.publicKey().getEncoded();
    for (PublicKey k : keys) {
      if (Arrays.equals(k.getEncoded(), der)) {
        String r = "signed by watched " + PublicKeys.describe(k)
            + (key.certificates().isEmpty() ? "" : " (in a certificate)");
        if (!reasons.contains(r)) {
          reasons.add(r);
        }
      }
    }
  }

  private void matchDigest(String digest, List<String> reasons) {
    String d = digest.toLowerCase(Locale.ROOT);
    if (digests.contains(d) && !reasons.contains("names watched digest " + d)) {
      reasons.add("names watched digest " + d);
    }
  }

  /** Runs the watch list over the log's new entries; see the class comment. */
  static final class Runner {
    private final Watchlist list;
    private final LogSource source;
    private final EntryWalker walker;
    private final MonitorState state;
    private final Alarms alarms;
    private final MonitorMetrics metrics;
    /** The tree at the watch position, kept between checks so the edge is not read again. */
    private TreeReplay replay;

    Runner(Watchlist list, LogSource source, EntryWalker walker, MonitorState state, Alarms alarms,
        MonitorMetrics metrics) {
      this.list = list;
      this.source = source;
      this.walker = walker;
      this.state = state;
      this.alarms = alarms;
      this.metrics = metrics;
    }

    /**
     * Reads the entries added since the last check, up to {@code target}, and delivers matches.
     *
     * @throws AlarmException if the entries are not the verified tree
     */
    void check(CheckpointVerifier.Verified target) throws AlarmException, IOException {
      long size = target.checkpoint().size();
      MonitorState.Watch w = state.watch().orElse(null);
      if (w == null) {
        w = new MonitorState.Watch(size, List.of());
        state.watch(w);
        state.save();
        LOG.info("watch: watching entries from index " + size + " on");
      }
      List<MonitorState.Match> found = new ArrayList<>();
      if (w.next() < size) {
        boolean tiles = source.hasTiles();
        if (replay == null || replay.size() != w.next()) {
          replay = !tiles ? null : w.next() == 0 ? TreeReplay.empty() : TreeReplay.fromTiles(w.next(), source.tiles());
        }
        long[] count = {0};
        walker.startAt(w.next()).walk(replay, target, false, List.of(), (index, body, leaf) -> {
          count[0]++;
          List<String> reasons = list.match(body);
          if (!reasons.isEmpty()) {
            found.add(new MonitorState.Match(index, leaf.hex(), reasons, Encodings.base64(body)));
          }
        }, r -> { });
        metrics.watched(count[0]);
        List<MonitorState.Match> pending = new ArrayList<>(w.pending());
        pending.addAll(found);
        w = new MonitorState.Watch(size, pending);
        state.watch(w);
        state.save();
      }
      deliver(w);
    }

    private void deliver(MonitorState.Watch w) throws IOException {
      if (w.pending().isEmpty()) {
        return;
      }
      List<MonitorState.Match> left = new ArrayList<>(w.pending());
      while (!left.isEmpty()) {
        try {
          alarms.deliver(left.get(0));
        } catch (IOException e) {
          LOG.warning("watch: " + e.getMessage() + "; " + left.size() + " match(es) kept for the next check");
          break;
        }
        left.remove(0);
      }
      state.watch(new MonitorState.Watch(w.next(), left));
      state.save();
    }
  }
}
