package dev.stele.client.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.TestLog;
import dev.stele.client.TrustedLog;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.NoteKeys;
import dev.stele.client.protocol.NoteVerifier;
import dev.stele.client.protocol.SignedNote;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one checkpoint rule: signature, origin, empty root; and the v1 tree-head rule. */
class CheckpointsTest {
  private final TestLog log = new TestLog("https://log.test");
  private final Hash root = Hash.of(new byte[32]);

  private TrustedLog trusted() {
    return log.trustRoot().logs().get(0);
  }

  private byte[] signed(String origin, long size, Hash r) {
    return log.sign(new Checkpoint(origin, size, r)).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void verify_theOriginsTheRuleAllows() throws Exception {
    for (String origin : List.of("log.test", "log.test - 0", "log.test - 1234567890123",
        "log.test - " + Long.MAX_VALUE)) {
      assertEquals(origin, Checkpoints.verify(signed(origin, 3, root), trusted()).origin());
    }
  }

  @Test
  void verify_everyOtherOrigin_throwsCheckpoint_withTheOrigin() {
    List<String> failures = new ArrayList<>();
    for (String origin : List.of("other.test", "other.test - 1", "log.test -", "log.test - ", "log.test - 042",
        "log.test - -1", "log.test - +1", "log.test - 1 - 2", "log.test - 12a", "log.test - 9223372036854775808",
        "log.test/path", "log.test:443", "LOG.TEST", "log.test - 1 ", "xlog.test", "log.test.evil")) {
      try {
        Checkpoints.verify(signed(origin, 3, root), trusted());
        failures.add(origin + ": accepted");
      } catch (VerificationException e) {
        if (e.stage() != Stage.CHECKPOINT || !e.getMessage().contains("origin '" + origin + "'")) {
          failures.add(origin + ": " + e.stage() + " " + e.getMessage());
        }
      }
    }
    assertEquals(List.of(), failures);
  }

  @Test
  void verify_pinnedOrigin_acceptsOnlyThatTree() throws Exception {
    NoteVerifier key = trusted().noteVerifier();
    SignedNote ours = TestLog.note(log.sign(new Checkpoint("log.test - 42", 3, root)));
    assertEquals(3, Checkpoints.verify(ours, key, "log.test - 42").size());
    SignedNote otherTree = TestLog.note(log.sign(new Checkpoint("log.test - 43", 3, root)));
    VerificationException e = assertThrows(VerificationException.class,
        () -> Checkpoints.verify(otherTree, key, "log.test - 42"));
    assertTrue(e.getMessage().contains("origin 'log.test - 43' is not the log's 'log.test - 42'"), e.getMessage());
    SignedNote bare = TestLog.note(log.sign(new Checkpoint("log.test", 3, root)));
    assertThrows(VerificationException.class, () -> Checkpoints.verify(bare, key, "log.test - 42"));
    assertThrows(IllegalArgumentException.class, () -> Checkpoints.verify(ours, key, "other.test - 42"),
        "a pin outside the rule is a caller's bug");
  }

  @Test
  void verify_anotherKeyOrName_throwsCheckpoint() throws Exception {
    TestLog impostor = new TestLog("https://log.test");
    VerificationException e = assertThrows(VerificationException.class, () -> Checkpoints.verify(
        impostor.sign(new Checkpoint("log.test", 3, root)).getBytes(StandardCharsets.UTF_8), trusted()));
    assertEquals(Stage.CHECKPOINT, e.stage());
    assertTrue(e.reason().startsWith("not signed by log.test+"), e.reason());
    // The log's own key under another name is not the log either.
    NoteVerifier otherName = NoteKeys.rekorVerifier("other.test", log.publicKey());
    SignedNote note = TestLog.note(log.sign(new Checkpoint("log.test - 1", 3, root)));
    assertThrows(VerificationException.class, () -> Checkpoints.verify(note, otherName, "other.test - 1"));
  }

  @Test
  void verify_notANoteOrNotACheckpoint_throwsCheckpoint() throws Exception {
    VerificationException a = assertThrows(VerificationException.class,
        () -> Checkpoints.verify("log.test\n3\n".getBytes(StandardCharsets.UTF_8), trusted()));
    assertEquals(Stage.CHECKPOINT, a.stage());
    assertTrue(a.reason().startsWith("not a signed note"), a.reason());
    byte[] notACheckpoint = SignedNote.sign("log.test\nthree\nroot\n",
        List.of(NoteKeys.rekorSigner("log.test", dev.stele.client.crypto.Signers.forKeyPair(log.keyPair()))))
        .format().getBytes(StandardCharsets.UTF_8);
    VerificationException b = assertThrows(VerificationException.class, () -> Checkpoints.verify(notACheckpoint, trusted()));
    assertTrue(b.reason().contains("tree size"), b.reason());
  }

  @Test
  void verify_emptyTreeWithAnotherRoot_throwsCheckpoint() throws Exception {
    assertEquals(0, Checkpoints.verify(signed("log.test", 0, Rfc6962.EMPTY_ROOT), trusted()).size());
    VerificationException e = assertThrows(VerificationException.class,
        () -> Checkpoints.verify(signed("log.test", 0, root), trusted()));
    assertTrue(e.reason().contains("empty tree has root " + root.hex()), e.reason());
  }

  @Test
  void checkTreeHead_sizeOrRootDiffering_throwsCheckpoint_withBothValues() throws Exception {
    Checkpoint c = new Checkpoint("log.test", 5, root);
    Checkpoints.checkTreeHead(c, 5, root, "the answer's");
    VerificationException size = assertThrows(VerificationException.class,
        () -> Checkpoints.checkTreeHead(c, 6, root, "the log info's"));
    assertEquals(Stage.CHECKPOINT, size.stage());
    assertEquals("tree size 5 differs from the log info's tree size 6", size.reason());
    Hash other = Rfc6962.EMPTY_ROOT;
    VerificationException r = assertThrows(VerificationException.class,
        () -> Checkpoints.checkTreeHead(c, 5, other, "the log info's"));
    assertEquals("root " + root.hex() + " at size 5 differs from the log info's root " + other.hex(), r.reason());
  }
}
