package dev.stele.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.merkle.Rfc6962;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** New entries signed by a watched key, or naming a watched digest, are reported exactly once. */
class WatchlistTest {
  @TempDir Path dir;

  @Test
  void watchedKey_onRealLog_reportedExactlyOnce_acrossChecksAndRestart() throws Exception {
    try (RealLog log = new RealLog(dir.resolve("log")); WebhookReceiver hook = new WebhookReceiver()) {
      TestEntries others = new TestEntries();
      TestEntries watched = new TestEntries();
      log.add(watched, "before-the-monitor", 1);
      log.add(others, "x", 4);
      TestConfig c = new TestConfig(log.url(), log.key(), dir.resolve("state"));
      c.webhook = hook.url();
      c.watchKeys.add(watched.pair.getPublic());
      try (Monitor m = c.monitor()) {
        assertEquals(0, m.check().exitCode(), "the entry logged before the monitor started is not new");
        log.add(others, "y", 3);
        log.add(watched.body("the-watched-one"));
        log.add(others, "z", 2);
        Monitor.Result r = m.check();
        assertEquals(List.of(AlarmKind.WATCH_MATCH), r.raised());
        assertEquals(20, r.exitCode());
        assertEquals(0, m.check().exitCode(), "not reported twice");
      }
      try (Monitor m = c.monitor()) {
        log.add(others, "w", 2);
        assertEquals(0, m.check().exitCode(), "not reported again after a restart");
      }
      assertEquals(1, hook.posts().size(), hook.posts().toString());
      JsonNode post = hook.posts().get(0);
      assertEquals("watch_match", post.path("kind").asText());
      assertEquals(8, post.path("match").path("index").asLong());
      byte[] body = Base64.getDecoder().decode(post.path("match").path("body").asText());
      assertEquals(Rfc6962.hashLeaf(body).hex(), post.path("match").path("leafHash").asText());
      assertTrue(post.path("match").path("reasons").get(0).asText().startsWith("signed by watched ECDSA P-256 key"),
          post.toString());
    }
  }

  @Test
  void watchedDigest_onV1OnlyLog_reportedOnce_andRedeliveredWhenTheWebhookFails() throws Exception {
    try (MisbehavingLog log = new MisbehavingLog(); WebhookReceiver hook = new WebhookReceiver()) {
      log.tiles(false);
      TestEntries signer = new TestEntries();
      log.append(signer, "old", 3);
      TestConfig c = new TestConfig(log.url(), log.keyPair().getPublic(), dir.resolve("state"));
      c.webhook = hook.url();
      c.watchDigests.add(TestEntries.digest("release-1.0").toUpperCase(java.util.Locale.ROOT).replace("SHA256", "sha256"));
      try (Monitor m = c.monitor()) {
        assertEquals(0, m.check().exitCode());
        log.append(List.of(signer.body("noise"), signer.body("release-1.0"), signer.body("more noise")));
        hook.answer(500);
        Monitor.Result r = m.check();
        assertEquals(List.of(), r.raised(), "not delivered: " + r);
        hook.answer(204);
        r = m.check();
        assertEquals(List.of(AlarmKind.WATCH_MATCH), r.raised());
        assertEquals(0, m.check().exitCode());
      }
      List<JsonNode> delivered = hook.posts().stream().filter(p -> true).toList();
      // Three failed attempts, then the one that was taken; all for entry 4.
      assertEquals(4, delivered.size());
      for (JsonNode p : delivered) {
        assertEquals(4, p.path("match").path("index").asLong());
        assertEquals("names watched digest " + TestEntries.digest("release-1.0"),
            p.path("match").path("reasons").get(0).asText());
      }
    }
  }

  @Test
  void badDigest_refused() {
    assertThrows(IllegalArgumentException.class, () -> new Watchlist(List.of(), List.of("sha256:abc")));
    assertThrows(IllegalArgumentException.class, () -> new Watchlist(List.of(), List.of("md5:" + "0".repeat(32))));
  }
}
