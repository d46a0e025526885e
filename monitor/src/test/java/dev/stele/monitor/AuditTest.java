package dev.stele.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The full audit: complete, resumable, over tiles or the v1 API, incremental as the log grows. */
class AuditTest {
  @TempDir Path dir;

  @Test
  void audit_interrupted_resumesWhereItStopped_andCoversEveryEntryOnce() throws Exception {
    try (MisbehavingLog log = new MisbehavingLog()) {
      log.append(new TestEntries(), "e", 256 * 40 + 17);
      TestConfig c = new TestConfig(log.url(), log.keyPair().getPublic(), dir.resolve("state"));
      c.audit = true;
      MonitorMetrics metrics = new MonitorMetrics();
      try (Monitor m = c.monitor(metrics)) {
        m.saveAuditEvery(0);
        log.failTilesAfter(30);
        Monitor.Result r = m.check();
        assertFalse(r.checked(), "the log stopped serving tiles: " + r);
        long saved = m.state().audit().orElseThrow().next();
        assertTrue(saved > 0 && saved < log.size(), "progress saved part way: " + saved);
        assertEquals(0, saved % 256);

        log.failTilesAfter(-1);
        int before = log.requests().size();
        r = m.check();
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(log.size(), m.state().audit().orElseThrow().next());
        List<String> later = log.requests().subList(before, log.requests().size());
        assertFalse(later.contains("/tile/entries/000"), "resumed, not restarted: " + later);
        assertTrue(later.contains("/tile/entries/" + String.format("%03d", saved / 256)), later.toString());
        assertTrue(later.contains("/tile/1/000.p/40"), "the level 1 edge is compared: " + later);

        // Grows: only the new entries are read, and the partial data tile again.
        log.append(new TestEntries(), "f", 300);
        before = log.requests().size();
        assertEquals(0, m.check().exitCode());
        later = log.requests().subList(before, log.requests().size());
        assertFalse(later.contains("/tile/entries/000"), later.toString());
        assertEquals(log.size(), m.state().audit().orElseThrow().next());
      }
    }
  }

  @Test
  void audit_v1OnlyLog_readsEntriesThroughRetrieve() throws Exception {
    try (MisbehavingLog log = new MisbehavingLog()) {
      log.tiles(false);
      log.append(new TestEntries(), "e", 57);
      TestConfig c = new TestConfig(log.url(), log.keyPair().getPublic(), dir.resolve("state"));
      c.audit = true;
      try (Monitor m = c.monitor()) {
        assertEquals(0, m.check().exitCode());
        assertEquals(57, m.state().audit().orElseThrow().next());
        assertTrue(log.requests().contains("/api/v1/log/entries/retrieve"));
        assertFalse(log.requests().stream().anyMatch(p -> p.startsWith("/tile/")));
      }
    }
  }

  @Test
  void audit_checksEarlierCheckpoints_onTheWay() throws Exception {
    try (RealLog log = new RealLog(dir.resolve("log"))) {
      TestEntries signer = new TestEntries();
      log.add(signer, "a", 7);
      TestConfig c = new TestConfig(log.url(), log.key(), dir.resolve("state"));
      try (Monitor m = c.monitor()) {
        assertEquals(0, m.check().exitCode());
        log.add(signer, "b", 5);
        assertEquals(0, m.check().exitCode());
      }
      c.audit = true;
      try (Monitor m = c.monitor()) {
        assertEquals(0, m.check().exitCode());
        assertEquals(12, m.state().audit().orElseThrow().next());
        assertEquals(List.of(7L, 12L), m.state().history().stream().map(MonitorState.Seen::size).toList());
      }
    }
  }
}
