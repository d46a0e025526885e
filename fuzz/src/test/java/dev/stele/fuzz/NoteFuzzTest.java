package dev.stele.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.NoteKeys;
import dev.stele.client.protocol.NoteVerifier;
import dev.stele.client.protocol.SignedNote;
import java.nio.charset.StandardCharsets;
import java.security.SignatureException;

/** C2SP signed notes, checkpoints and note verifier keys. */
class NoteFuzzTest {
  /**
   * A signed note from a log or a witness, as bytes. What parses prints back byte for byte
   * (every accepted note has one text form); its signatures from known keys are verified; its
   * text, read as a checkpoint, prints back the same.
   */
  @FuzzTest
  void signedNote(byte[] input) {
    SignedNote note;
    try {
      note = SignedNote.parse(input);
    } catch (FormatException e) {
      Contract.refused(e);
      return;
    }
    Contract.sameBytes(input, note.format().getBytes(StandardCharsets.UTF_8), "note printed back");
    try {
      note.verify(Fixtures.NOTE_VERIFIERS);
    } catch (SignatureException e) {
      Contract.refused(e);
    }
    Checkpoint checkpoint;
    try {
      checkpoint = Checkpoint.parse(note.text());
    } catch (FormatException e) {
      Contract.refused(e);
      return;
    }
    assertEquals(note.text(), checkpoint.text());
  }

  /** A checkpoint text alone (tracker, monitor, tree-head signatures). */
  @FuzzTest
  void checkpointText(byte[] input) throws FormatException {
    String text = Contract.utf8(input);
    Checkpoint checkpoint;
    try {
      checkpoint = Checkpoint.parse(text);
    } catch (FormatException e) {
      Contract.refused(e);
      return;
    }
    assertEquals(text, checkpoint.text());
    assertEquals(checkpoint, Checkpoint.parse(checkpoint.text()));
  }

  /** A vkey, as monitors and witnesses are configured with; the verifier carries the vkey's name. */
  @FuzzTest
  void verifierKey(byte[] input) {
    String vkey = Contract.utf8(input);
    NoteVerifier verifier;
    try {
      verifier = NoteKeys.parseVerifierKey(vkey);
    } catch (FormatException e) {
      Contract.refused(e);
      return;
    }
    assertTrue(vkey.startsWith(verifier.name() + "+"), () -> verifier + " from " + vkey);
  }
}
