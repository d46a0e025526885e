package dev.stele.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook's URL may carry a secret: it is never logged, and its alarm never goes elsewhere. */
class WebhookTest {
  private static final String SECRET = "T0KEN-s3cr3t-9f8e";

  @TempDir Path dir;

  private final List<String> logged = Collections.synchronizedList(new ArrayList<>());
  private final Logger monitorLogs = Logger.getLogger("dev.stele.monitor");
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      logged.add(r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown()));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void captureLogs() {
    monitorLogs.addHandler(capture);
  }

  @AfterEach
  void stopCapturing() {
    monitorLogs.removeHandler(capture);
  }

  /** A log that is honest for one check, then signs badly: one BAD_CHECKPOINT alarm for the webhook. */
  private Monitor.Result alarmOnce(MisbehavingLog log, TestConfig c) throws Exception {
    try (Monitor m = c.monitor()) {
      assertEquals(0, m.check().exitCode());
      log.mode(MisbehavingLog.Mode.BAD_SIGNATURE);
      return m.check();
    }
  }

  @Test
  void failingWebhook_isReportedWithoutItsUrl() throws Exception {
    try (MisbehavingLog log = new MisbehavingLog(); WebhookReceiver hook = new WebhookReceiver()) {
      log.append(new TestEntries(), "a", 3);
      hook.answer(500);
      TestConfig c = new TestConfig(log.url(), log.keyPair().getPublic(), dir.resolve("state"));
      c.webhook = hook.url(SECRET);
      Monitor.Result r = alarmOnce(log, c);
      assertEquals(List.of(AlarmKind.BAD_CHECKPOINT), r.raised());
      assertEquals(3, hook.posts().size(), "the webhook was tried (and retried)");
      List<String> lines = List.copyOf(logged);
      assertTrue(lines.stream().anyMatch(l -> l.contains("could not notify the webhook") && l.contains("500")),
          "the failure is logged: " + lines);
      assertTrue(lines.stream().noneMatch(l -> l.contains(SECRET) || l.contains(hook.url().toString())),
          "the webhook URL is logged: " + lines);
      try (Stream<Path> files = Files.walk(c.state)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          assertFalse(Files.readString(f).contains(SECRET), f + " names the webhook URL");
        }
      }
      assertFalse(c.build().toString().contains(SECRET), "the configuration prints the webhook URL");
    }
  }

  @Test
  void webhookRedirectingToAnotherOrigin_isNotFollowed() throws Exception {
    try (MisbehavingLog log = new MisbehavingLog(); WebhookReceiver hook = new WebhookReceiver();
        WebhookReceiver elsewhere = new WebhookReceiver()) {
      log.append(new TestEntries(), "a", 3);
      hook.redirectTo(elsewhere.url());
      TestConfig c = new TestConfig(log.url(), log.keyPair().getPublic(), dir.resolve("state"));
      c.webhook = hook.url(SECRET);
      Monitor.Result r = alarmOnce(log, c);
      assertEquals(List.of(AlarmKind.BAD_CHECKPOINT), r.raised());
      assertEquals(0, elsewhere.posts().size(), "the alarm went to another origin");
      List<String> lines = List.copyOf(logged);
      assertTrue(lines.stream().anyMatch(l -> l.contains("could not notify the webhook")
          && l.contains("redirect to another origin")), lines.toString());
      assertTrue(lines.stream().noneMatch(l -> l.contains(SECRET)), lines.toString());
    }
  }
}
