package dev.stele.client.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.TestWitnesses;
import dev.stele.client.crypto.Signers;
import dev.stele.client.keys.KeyFiles;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tlog-witness add-checkpoint body and answers (c2sp.org/tlog-witness), and cosignature/v1
 * signatures made here (c2sp.org/tlog-cosignature).
 */
class AddCheckpointTest {
  /** The specification's example request body (tlog-witness.md, "add-checkpoint"). */
  private static final String SPEC_EXAMPLE = "old 20852014\n"
      + "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
      + "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
      + "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n"
      + "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n"
      + "\n"
      + "example.com/behind-the-sofa\n"
      + "20852163\n"
      + "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
      + "\n"
      + "\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo"
      + "+zyWE+xeMcTOAYQ8=\n"
      + "\u2014 example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXT"
      + "S5Rovnzv++qbSzm9Q=\n";

  @Test
  void parse_specificationExample_andEncodeGivesTheSameBytes() throws Exception {
    byte[] body = SPEC_EXAMPLE.getBytes(StandardCharsets.UTF_8);
    AddCheckpoint r = AddCheckpoint.parse(body);
    assertEquals(20852014, r.oldSize());
    assertEquals(4, r.proof().size());
    assertEquals("PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=", r.proof().get(0).base64());
    assertEquals(20852163, Checkpoint.parse(r.checkpoint().text()).size());
    assertEquals(2, r.checkpoint().signatures().size());
    assertArrayEquals(body, r.encode());
  }

  @Test
  void parse_oldZeroWithoutProof() throws Exception {
    String note = "o\n0\n" + Rfc6962.EMPTY_ROOT.base64() + "\n\n\u2014 o AAAAAAE=\n";
    AddCheckpoint r = AddCheckpoint.parse(("old 0\n\n" + note).getBytes(StandardCharsets.UTF_8));
    assertEquals(0, r.oldSize());
    assertTrue(r.proof().isEmpty());
    assertEquals(note, r.checkpoint().format());
  }

  @Test
  void parse_malformed_says_what() {
    String note = "o\n1\n" + Rfc6962.EMPTY_ROOT.base64() + "\n\n\u2014 o AAAAAAE=\n";
    String h = Rfc6962.EMPTY_ROOT.base64();
    String[][] cases = {
        {"old 5\n", "no empty line"},
        {"size 5\n\n" + note, "the first line must be 'old <size>'"},
        {"old 05\n\n" + note, "without leading zeros"},
        {"old -1\n\n" + note, "without leading zeros"},
        {"old 99999999999999999999\n\n" + note, "without leading zeros"},
        {"old 1\nAAAA\n\n" + note, "proof line 1"},
        {"old 1\n" + (h + "\n").repeat(64) + "\n" + note, "64 proof lines; at most 63"},
        {"old 1\n\n" + "not a note", "the checkpoint"},
        {"old 1\u00e9\n\n" + note, "printable ASCII"}};
    for (String[] c : cases) {
      FormatException e = assertThrows(FormatException.class,
          () -> AddCheckpoint.parse(c[0].getBytes(StandardCharsets.UTF_8)), c[0]);
      assertTrue(e.getMessage().contains(c[1]), c[1] + " in: " + e.getMessage());
    }
    // 63 proof lines are allowed.
    String ok = "old 1\n" + (h + "\n").repeat(63) + "\n" + note;
    assertThrows(IllegalArgumentException.class, () -> new AddCheckpoint(1,
        new ArrayList<>(Collections.nCopies(64, Rfc6962.EMPTY_ROOT)), SignedNote.parse(note)));
    assertEquals(63, assertDoesNotThrow(ok).proof().size());
  }

  private static AddCheckpoint assertDoesNotThrow(String body) {
    try {
      return AddCheckpoint.parse(body.getBytes(StandardCharsets.UTF_8));
    } catch (FormatException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void size_roundTrips_andMalformedSizesFail() throws Exception {
    assertArrayEquals("42\n".getBytes(StandardCharsets.US_ASCII), AddCheckpoint.encodeSize(42));
    assertEquals(42, AddCheckpoint.parseSize("42\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(0, AddCheckpoint.parseSize("0\n".getBytes(StandardCharsets.US_ASCII)));
    for (String bad : new String[] {"42", "042\n", "x\n", "\n", "-1\n"}) {
      assertThrows(FormatException.class, () -> AddCheckpoint.parseSize(bad.getBytes(StandardCharsets.US_ASCII)), bad);
    }
  }

  @Test
  void cosignatureSigner_signaturesVerifyUnderTheVkey_andCarryTheTime() throws Exception {
    KeyPair keys = KeyFiles.generateEd25519();
    NoteSigner signer = NoteKeys.cosignatureSigner("witness.example/w1", Signers.forKeyPair(keys), () -> 1679315147L);
    String vkey = NoteKeys.cosignatureVerifierKey("witness.example/w1", keys.getPublic());
    NoteVerifier verifier = NoteKeys.parseVerifierKey(vkey);
    assertEquals(signer.keyId(), verifier.keyId());
    assertTrue(vkey.startsWith("witness.example/w1+" + String.format("%08x", signer.keyId()) + "+"), vkey);
    byte[] material = Encodings.base64("vkey", vkey.split("\\+", 3)[2]);
    assertEquals(NoteKeys.TYPE_COSIGNATURE_V1, material[0]);
    assertEquals(33, material.length);

    String text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    SignedNote note = SignedNote.sign(text, List.of(signer));
    NoteSignature sig = note.signatures().get(0);
    assertEquals(1679315147L, NoteKeys.cosignatureTime(sig.signature()));
    assertEquals(List.of(sig), note.verify(List.of(verifier)));

    // The message is "cosignature/v1\ntime <t>\n" and the text: an Ed25519 signature over exactly that.
    byte[] message = ("cosignature/v1\ntime 1679315147\n" + text).getBytes(StandardCharsets.UTF_8);
    byte[] ed = java.util.Arrays.copyOfRange(sig.signature(), 8, 72);
    assertTrue(dev.stele.client.crypto.TestKeys.jdkVerify("Ed25519", keys.getPublic(), ed, message));

    // Another text, or the same with another time, does not verify.
    SignedNote other = new SignedNote(text.replace("20852163", "20852164"), List.of(sig));
    assertThrows(java.security.SignatureException.class, () -> other.verify(List.of(verifier)));
    byte[] moved = sig.signature();
    moved[7] ^= 1;
    SignedNote retimed = new SignedNote(text, List.of(new NoteSignature(sig.name(), sig.keyId(), moved)));
    assertThrows(java.security.SignatureException.class, () -> retimed.verify(List.of(verifier)));
  }

  @Test
  void cosignatureSigner_refusesTimeZero() throws Exception {
    NoteSigner signer = NoteKeys.cosignatureSigner("w", Signers.forKeyPair(KeyFiles.generateEd25519()), () -> 0);
    assertThrows(java.security.SignatureException.class, () -> signer.sign("t\n".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void cosignatures_ofAnAnswer_areTheSignatureLines() throws Exception {
    TestWitnesses.Witness w = TestWitnesses.create("witness.example/w1");
    String text = "o\n1\n" + Hash.of(new byte[32]).base64() + "\n";
    SignedNote cp = SignedNote.parse(text + "\n\u2014 o AAAAAAE=\n");
    AddCheckpoint r = new AddCheckpoint(0, List.of(), cp);
    NoteSignature line = w.signer().sign(cp.textBytes());
    assertEquals(List.of(line), r.cosignatures(line.line().getBytes(StandardCharsets.UTF_8)));
    assertThrows(FormatException.class, () -> r.cosignatures(new byte[0]));
    assertThrows(FormatException.class, () -> r.cosignatures("not a line\n".getBytes(StandardCharsets.UTF_8)));
    assertThrows(FormatException.class, () -> r.cosignatures(line.line().strip().getBytes(StandardCharsets.UTF_8)));
  }
}
