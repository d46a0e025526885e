package dev.stele.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.NoteKeys;
import dev.stele.client.protocol.SignedNote;
import dev.stele.merkle.Hash;
import dev.stele.merkle.proof.ProofException;
import dev.stele.merkle.proof.ProofVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each way a log can misbehave, served by {@link MisbehavingLog}, raises its own alarm, writes the
 * evidence, notifies the webhook, and leaves the verified checkpoint where it was.
 */
class MisbehavingLogTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0} raises {1}")
  @CsvSource({"FORK, FORK", "ROLLBACK, ROLLBACK", "RESTORED_FROM_BACKUP, ROLLBACK", "BAD_SIGNATURE, BAD_CHECKPOINT",
      "LYING_PROOF, INCONSISTENT", "LYING_TREE_HEAD, BAD_CHECKPOINT"})
  void misbehaviour_raisesItsAlarm_withEvidence_andStateDoesNotAdvance(MisbehavingLog.Mode mode, AlarmKind kind)
      throws Exception {
    try (MisbehavingLog log = new MisbehavingLog(); WebhookReceiver hook = new WebhookReceiver()) {
      TestEntries signer = new TestEntries();
      log.append(signer, "artifact", 6);
      TestConfig c = new TestConfig(log.url(), log.keyPair().getPublic(), dir.resolve("state"));
      c.webhook = hook.url();
      MonitorMetrics metrics = new MonitorMetrics();
      try (Monitor m = c.monitor(metrics)) {
        Monitor.Result first = m.check();
        assertEquals(0, first.exitCode(), "honest log: " + first);
        assertEquals(6, first.verifiedSize());
        String verified = c.verifiedNote();

        log.mode(mode);
        if (mode == MisbehavingLog.Mode.LYING_PROOF) {
          log.append(signer, "more", 5);
        }
        Monitor.Result bad = m.check();
        assertEquals(List.of(kind), bad.raised());
        assertEquals(kind.exitCode(), bad.exitCode());
        assertEquals(6, bad.verifiedSize(), "the verified tree must not advance");
        assertEquals(verified, c.verifiedNote(), "the state must keep the verified checkpoint");
        assertEquals(1.0, metrics.alarmCount(kind));

        List<Path> files = c.evidenceFiles();
        assertEquals(1, files.size(), "one evidence file: " + files);
        JsonNode ev = TestConfig.json(files.get(0));
        assertEquals(kind.label(), ev.path("kind").asText());
        assertEquals(verified, ev.path("evidence").path("verifiedCheckpoint").asText());
        String offending = ev.path("evidence").path("offendingCheckpoint").asText();
        assertFalse(offending.isEmpty(), "the offending checkpoint is in the evidence");
        assertTrue(ev.path("evidence").path("offendingResponse").asText().contains(
            offending.substring(0, offending.indexOf('\n'))), "the raw response is in the evidence");
        checkEvidence(mode, log, verified, offending, ev.path("evidence"));

        assertEquals(1, hook.posts().size(), "one webhook POST");
        assertEquals("application/json", hook.contentTypes().get(0));
        assertEquals(kind.label(), hook.posts().get(0).path("kind").asText());
        assertEquals(kind.exitCode(), hook.posts().get(0).path("exitCode").asInt());
        assertEquals(files.get(0).toString(), hook.posts().get(0).path("evidenceFile").asText());

        // The same fault again: counted again, but written and notified once.
        Monitor.Result again = m.check();
        assertEquals(List.of(kind), again.raised());
        assertEquals(1, c.evidenceFiles().size());
        assertEquals(1, hook.posts().size());
        assertEquals(2.0, metrics.alarmCount(kind));

        // Honest again, and grown: the monitor proves the new tree against the old one and goes on.
        log.mode(MisbehavingLog.Mode.HONEST);
        log.append(signer, "after", 3);
        Monitor.Result healed = m.check();
        assertEquals(0, healed.exitCode(), healed.toString());
        assertEquals(log.size(), healed.verifiedSize());
      }
    }
  }

  /** The evidence is enough for a third party to see the fault with nothing but the log key. */
  private static void checkEvidence(MisbehavingLog.Mode mode, MisbehavingLog log, String verified,
      String offending, JsonNode ev) throws Exception {
    var key = List.of(NoteKeys.rekorVerifier(MisbehavingLog.NAME, log.keyPair().getPublic()));
    SignedNote good = SignedNote.parse(verified);
    good.verify(key);
    Checkpoint a = Checkpoint.parse(good.text());
    SignedNote other = SignedNote.parse(offending);
    if (mode == MisbehavingLog.Mode.BAD_SIGNATURE) {
      assertThrows(SignatureException.class, () -> other.verify(key));
      return;
    }
    other.verify(key);
    Checkpoint b = Checkpoint.parse(other.text());
    switch (mode) {
      case FORK:
        assertEquals(a.size(), b.size());
        assertNotEquals(a.root(), b.root());
        break;
      case ROLLBACK:
        assertTrue(b.size() < a.size());
        assertTrue(ev.path("proof").path("hashes").size() > 0, "the proof that the smaller tree is a prefix");
        break;
      case RESTORED_FROM_BACKUP:
        assertTrue(b.size() < a.size());
        assertTrue(ev.path("proof").isMissingNode(), "a log that went back cannot prove: " + ev);
        break;
      case LYING_PROOF: {
        JsonNode proof = ev.path("proof");
        assertEquals(a.size(), proof.path("firstSize").asLong());
        assertEquals(b.size(), proof.path("lastSize").asLong());
        assertTrue(proof.path("response").asText().contains(proof.path("hashes").get(0).asText()));
        List<Hash> hashes = new ArrayList<>();
        proof.path("hashes").forEach(h -> hashes.add(Hash.fromHex(h.asText())));
        assertThrows(ProofException.class,
            () -> ProofVerifier.verifyConsistency(a.size(), b.size(), hashes, a.root(), b.root()));
        break;
      }
      case LYING_TREE_HEAD: {
        // The checkpoint itself is the log's; the answer's unsigned tree size beside it is not.
        assertEquals(a, b);
        assertTrue(ev.path("offendingResponse").asText().contains("\"treeSize\":" + (a.size() + 1)), ev.toString());
        assertTrue(ev.path("details").path("problem").asText().contains("tree size " + a.size()
            + " differs from the log info's tree size " + (a.size() + 1)), ev.toString());
        break;
      }
      default:
        throw new AssertionError(mode);
    }
  }

  @Test
  void forkOfAnEarlierVerifiedSize_isAFork_withTheEarlierCheckpointAsEvidence() throws Exception {
    try (MisbehavingLog log = new MisbehavingLog()) {
      TestEntries signer = new TestEntries();
      log.append(signer, "a", 6);
      TestConfig c = new TestConfig(log.url(), log.keyPair().getPublic(), dir.resolve("state"));
      try (Monitor m = c.monitor()) {
        assertEquals(0, m.check().exitCode());
        String at6 = c.verifiedNote();
        log.append(signer, "b", 4);
        assertEquals(0, m.check().exitCode());
        log.mode(MisbehavingLog.Mode.FORK);
        log.forkAt(6);
        Monitor.Result r = m.check();
        assertEquals(List.of(AlarmKind.FORK), r.raised(), "not merely a rollback");
        assertEquals(10, r.verifiedSize());
        JsonNode ev = TestConfig.json(c.evidenceFiles().get(0)).path("evidence");
        assertEquals(at6, ev.path("verifiedCheckpoint").asText());
      }
    }
  }

  @Test
  void tamperedEntry_auditRaisesBadData() throws Exception {
    try (MisbehavingLog log = new MisbehavingLog()) {
      log.append(new TestEntries(), "a", 300);
      log.mode(MisbehavingLog.Mode.TAMPERED_ENTRY);
      TestConfig c = new TestConfig(log.url(), log.keyPair().getPublic(), dir.resolve("state"));
      c.audit = true;
      try (Monitor m = c.monitor()) {
        Monitor.Result r = m.check();
        assertEquals(List.of(AlarmKind.BAD_DATA), r.raised());
        assertEquals(16, r.exitCode());
        JsonNode ev = TestConfig.json(c.evidenceFiles().get(0));
        assertTrue(ev.path("message").asText().contains("entry 255 "), ev.path("message").asText());
        assertTrue(Files.exists(c.state.resolve("state.json")));
      }
    }
  }
}
