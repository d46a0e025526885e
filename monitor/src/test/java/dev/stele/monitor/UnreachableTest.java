package dev.stele.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A log that does not answer is "not checked" at first and UNREACHABLE after the threshold. */
class UnreachableTest {
  @TempDir Path dir;

  private static URI closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + s.getLocalPort());
    }
  }

  @Test
  void noAnswer_withinThreshold_notChecked_thenAlarmOnce() throws Exception {
    try (MisbehavingLog keyOwner = new MisbehavingLog(); WebhookReceiver hook = new WebhookReceiver()) {
      TestConfig c = new TestConfig(closedPort(), keyOwner.keyPair().getPublic(), dir.resolve("state"));
      c.webhook = hook.url();
      try (Monitor m = c.monitor()) {
        Monitor.Result r = m.check();
        assertFalse(r.checked());
        assertEquals(List.of(), r.raised());
        assertEquals(3, r.exitCode());
      }
      c.unreachableAfter = Duration.ZERO;
      try (Monitor m = c.monitor()) {
        Monitor.Result r = m.check();
        assertEquals(List.of(AlarmKind.UNREACHABLE), r.raised());
        assertEquals(15, r.exitCode());
        assertEquals(15, m.check().exitCode(), "still unreachable");
      }
      assertEquals(1, hook.posts().size(), "notified once per outage");
      assertEquals("unreachable", hook.posts().get(0).path("kind").asText());
      assertTrue(hook.posts().get(0).path("message").asText().contains("no usable answer since"));
    }
  }
}
