package dev.stele.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.merkle.Hash;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Split views: a mirror URL of the same log (same key) that shows another tree, or a checkpoint
 * handed in by another monitor that contradicts ours.
 */
class SplitViewTest {
  @TempDir Path dir;

  @Test
  void mirrorWithAnotherRoot_sameSize_raisesSplitView() throws Exception {
    try (MisbehavingLog log = new MisbehavingLog(); MisbehavingLog mirror = new MisbehavingLog(log.keyPair())) {
      TestEntries signer = new TestEntries();
      List<byte[]> bodies = List.of(signer.body("a"), signer.body("b"), signer.body("c"), signer.body("d"));
      log.append(bodies);
      mirror.append(bodies);
      TestConfig c = new TestConfig(log.url(), log.keyPair().getPublic(), dir.resolve("state"));
      c.mirrors.add(mirror.url());
      try (Monitor m = c.monitor()) {
        assertEquals(0, m.check().exitCode(), "an honest mirror agrees");
        mirror.mode(MisbehavingLog.Mode.FORK);
        Monitor.Result r = m.check();
        assertEquals(List.of(AlarmKind.SPLIT_VIEW), r.raised());
        assertEquals(14, r.exitCode());
        JsonNode ev = TestConfig.json(c.evidenceFiles().get(0)).path("evidence");
        assertEquals(mirror.url() + "/api/v1/log", ev.path("offendingSource").asText());
        assertEquals(c.verifiedNote(), ev.path("verifiedCheckpoint").asText());
      }
    }
  }

  @Test
  void mirrorAhead_onAnotherBranch_failsTheProof_raisesSplitView() throws Exception {
    try (MisbehavingLog log = new MisbehavingLog(); MisbehavingLog mirror = new MisbehavingLog(log.keyPair())) {
      TestEntries signer = new TestEntries();
      log.append(List.of(signer.body("a"), signer.body("b"), signer.body("c")));
      mirror.append(List.of(signer.body("a"), signer.body("b"), signer.body("X"), signer.body("Y"), signer.body("Z")));
      log.append(List.of(signer.body("d"), signer.body("e"), signer.body("f"), signer.body("g")));
      TestConfig c = new TestConfig(log.url(), log.keyPair().getPublic(), dir.resolve("state"));
      c.mirrors.add(mirror.url());
      try (Monitor m = c.monitor()) {
        Monitor.Result r = m.check();
        assertEquals(List.of(AlarmKind.SPLIT_VIEW), r.raised(), "mirror at 5 is not a prefix of our 7");
        JsonNode proof = TestConfig.json(c.evidenceFiles().get(0)).path("evidence").path("proof");
        assertEquals(5, proof.path("firstSize").asLong());
        assertEquals(7, proof.path("lastSize").asLong());
      }
    }
  }

  @Test
  void mirrorAheadThatTheLogWillNotProve_warnsThenRaisesSplitView_withWhatTheLogAnswered() throws Exception {
    try (MisbehavingLog log = new MisbehavingLog(); MisbehavingLog mirror = new MisbehavingLog(log.keyPair())) {
      TestEntries signer = new TestEntries();
      List<byte[]> bodies = List.of(signer.body("a"), signer.body("b"), signer.body("c"), signer.body("d"),
          signer.body("e"));
      // The log shows the monitor 3 entries and the mirror's readers 5: a validly signed tree the
      // log then refuses to prove (400) from the monitor's.
      log.append(bodies.subList(0, 3));
      mirror.append(bodies);
      TestConfig c = new TestConfig(log.url(), log.keyPair().getPublic(), dir.resolve("state"));
      c.mirrors.add(mirror.url());
      c.splitViewTries = 2;
      try (Monitor m = c.monitor()) {
        Monitor.Result first = m.check();
        assertEquals(List.of(), first.raised(), "one refused proof is a warning");
        assertEquals(0, first.exitCode());
        assertEquals(List.of(), c.evidenceFiles());
      }
      // The next run (a new process with the same state, as with --once) counts on.
      try (Monitor m = c.monitor()) {
        Monitor.Result second = m.check();
        assertEquals(List.of(AlarmKind.SPLIT_VIEW), second.raised());
        assertEquals(14, second.exitCode());
        assertEquals(3, second.verifiedSize());
      }
      JsonNode ev = TestConfig.json(c.evidenceFiles().get(0)).path("evidence");
      assertEquals(c.verifiedNote(), ev.path("verifiedCheckpoint").asText());
      assertEquals(mirror.url() + "/api/v1/log", ev.path("offendingSource").asText());
      assertTrue(ev.path("offendingCheckpoint").asText().startsWith(MisbehavingLog.NAME + " - "
          + MisbehavingLog.TREE_ID + "\n5\n"), ev.toString());
      JsonNode asked = ev.path("proof");
      assertEquals(log.url() + "/api/v1/log/proof?firstSize=3&lastSize=5", asked.path("request").asText());
      assertEquals(3, asked.path("firstSize").asLong());
      assertEquals(5, asked.path("lastSize").asLong());
      assertEquals(0, asked.path("hashes").size());
      assertTrue(asked.path("response").asText().contains("bad sizes 3, 5"), "what the log answered: " + asked);
      assertEquals("400", ev.path("details").path("logStatus").asText());
      assertEquals("2", ev.path("details").path("checks").asText());
      assertEquals(2, log.requests().stream().filter(r -> r.startsWith("/api/v1/log/proof")).count(),
          "a 400 is the log's answer, not retried");
    }
  }

  @Test
  void unprovenChecks_countAgain_onceTheLogProvesTheMirror() throws Exception {
    try (MisbehavingLog log = new MisbehavingLog(); MisbehavingLog mirror = new MisbehavingLog(log.keyPair())) {
      TestEntries signer = new TestEntries();
      List<byte[]> bodies = new java.util.ArrayList<>();
      for (int i = 0; i < 7; i++) {
        bodies.add(signer.body("entry " + i));
      }
      log.append(bodies.subList(0, 3));
      mirror.append(bodies.subList(0, 5));
      TestConfig c = new TestConfig(log.url(), log.keyPair().getPublic(), dir.resolve("state"));
      c.mirrors.add(mirror.url());
      c.splitViewTries = 2;
      try (Monitor m = c.monitor()) {
        assertEquals(List.of(), m.check().raised(), "unproven once");
        log.append(bodies.subList(3, 5));
        assertEquals(List.of(), m.check().raised(), "the log caught up: the mirror agrees");
        mirror.append(bodies.subList(5, 7));
        assertEquals(List.of(), m.check().raised(), "unproven once again, not twice");
        assertEquals(List.of(AlarmKind.SPLIT_VIEW), m.check().raised(), "unproven twice in a row");
      }
    }
  }

  @Test
  void peerCheckpointFile_contradicting_raisesSplitView_andAnAgreeingOneDoesNot() throws Exception {
    try (MisbehavingLog log = new MisbehavingLog()) {
      TestEntries signer = new TestEntries();
      log.append(signer, "a", 9);
      Path agreeing = Files.writeString(dir.resolve("peer-ok"), log.sign(4, log.root(4)), StandardCharsets.UTF_8);
      TestConfig c = new TestConfig(log.url(), log.keyPair().getPublic(), dir.resolve("state"));
      c.peers.add(agreeing.toString());
      try (Monitor m = c.monitor()) {
        assertEquals(0, m.check().exitCode(), "a peer's older checkpoint on our branch agrees");
      }
      byte[] other = new byte[32];
      other[0] = 1;
      Path forged = Files.writeString(dir.resolve("peer-bad"), log.sign(9, Hash.of(other)), StandardCharsets.UTF_8);
      c.peers.add(forged.toString());
      try (Monitor m = c.monitor()) {
        Monitor.Result r = m.check();
        assertEquals(List.of(AlarmKind.SPLIT_VIEW), r.raised());
        assertEquals(forged.toString(), TestConfig.json(c.evidenceFiles().get(0)).path("evidence")
            .path("offendingSource").asText());
      }
    }
  }
}
