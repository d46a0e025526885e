package dev.stele.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real Stele log under a stream of appends: no alarm, the state advances, a restart resumes. */
class HonestLogTest {
  @TempDir Path dir;

  @Test
  void realLog_underAppends_noAlarm_stateAdvances_restartResumes() throws Exception {
    try (RealLog log = new RealLog(dir.resolve("log"))) {
      TestEntries signer = new TestEntries();
      log.add(signer, "seed", 3);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger added = new AtomicInteger();
      AtomicReference<Throwable> failed = new AtomicReference<>();
      Thread appender = new Thread(() -> {
        try {
          for (int i = 0; !stop.get(); i++) {
            log.add(signer.body("stream-" + i));
            added.incrementAndGet();
          }
        } catch (Throwable t) {
          failed.set(t);
        }
      });
      appender.start();
      TestConfig c = new TestConfig(log.url(), log.key(), dir.resolve("state"));
      c.audit = true;
      List<Long> sizes = new ArrayList<>();
      try (Monitor m = c.monitor()) {
        for (int i = 0; i < 6; i++) {
          Monitor.Result r = m.check();
          assertEquals(List.of(), r.raised(), "check " + i);
          assertEquals(0, r.exitCode());
          sizes.add(r.verifiedSize());
          Thread.sleep(150);
        }
      }
      long beforeRestart = sizes.get(sizes.size() - 1);
      try (Monitor m = c.monitor()) {
        assertEquals(beforeRestart, m.verifiedCheckpoint().orElseThrow().size(), "restart resumes");
        Thread.sleep(150);
        Monitor.Result r = m.check();
        assertEquals(0, r.exitCode(), r.toString());
        sizes.add(r.verifiedSize());
      } finally {
        stop.set(true);
        appender.join();
      }
      if (failed.get() != null) {
        throw new AssertionError("appender failed", failed.get());
      }
      for (int i = 1; i < sizes.size(); i++) {
        assertTrue(sizes.get(i) >= sizes.get(i - 1), "sizes never go back: " + sizes);
      }
      assertTrue(sizes.get(sizes.size() - 1) > sizes.get(0), "the state advanced: " + sizes);
      assertTrue(sizes.stream().distinct().count() >= 3, "several consistency proofs: " + sizes);
      assertTrue(added.get() > 0);
    }
  }

  @Test
  void realLog_tilesOnly_provesFromTiles_andMetricsAndCheckpointServed() throws Exception {
    try (RealLog log = new RealLog(dir.resolve("log"))) {
      TestEntries signer = new TestEntries();
      log.add(signer, "a", 5);
      TestConfig c = new TestConfig(log.url(), log.key(), dir.resolve("state"));
      c.protocol = LogSource.Protocol.TILES;
      MonitorMetrics metrics = new MonitorMetrics();
      try (Monitor m = c.monitor(metrics);
          MetricsServer server = new MetricsServer("127.0.0.1", 0, metrics, m::verifiedNote)) {
        assertEquals(0, m.check().exitCode());
        log.add(signer, "b", 300);
        Monitor.Result r = m.check();
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(305, r.verifiedSize());
        HttpClient http = HttpClient.newHttpClient();
        String scrape = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
            .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(scrape.contains("stele_monitor_verified_tree_size 305.0"), scrape);
        assertTrue(scrape.contains("stele_monitor_alarms_total{kind=\"fork\"} 0.0"), scrape);
        assertTrue(scrape.contains("stele_monitor_last_success_timestamp_seconds "), scrape);
        assertTrue(scrape.contains("stele_monitor_lag_entries 0.0"), scrape);
        String cp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/checkpoint"))
            .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertEquals(c.verifiedNote(), cp);
      }
    }
  }
}
