package dev.stele.client.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.Signers;
import dev.stele.client.crypto.TestKeys;
import dev.stele.merkle.Hash;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignedNoteTest {
  static PublicKey productionRekorKey() throws Exception {
    return PublicKeys.fromDer(Pem.decodeSingle(
        Vectors.text("rekor-public-good/trust/rekor.sigstore.dev.pub.pem"), "PUBLIC KEY").bytes());
  }

  /** signed-note/notes.json: every one of the 32 cases gives its expected result. */
  @Test
  void notesJson_everyCase() throws Exception {
    JsonNode cases = Vectors.json("signed-note/notes.json").get("cases");
    assertEquals(32, cases.size());
    List<String> failures = new ArrayList<>();
    for (JsonNode c : cases) {
      String id = c.get("id").asText();
      String expect = c.get("expect").asText();
      byte[] note = Base64.getDecoder().decode(c.get("note_b64").asText());
      try {
        List<NoteVerifier> verifiers = new ArrayList<>();
        for (JsonNode vkey : c.get("verifier_keys")) {
          verifiers.add(NoteKeys.parseVerifierKey(vkey.asText()));
        }
        SignedNote parsed = SignedNote.parse(note);
        if (c.has("text") && !parsed.text().equals(c.get("text").asText())) {
          failures.add(id + ": text differs: " + parsed.text());
        }
        if (c.has("checkpoint")) {
          JsonNode want = c.get("checkpoint");
          Checkpoint cp = Checkpoint.parse(parsed.text());
          List<String> ext = new ArrayList<>();
          want.path("other_content").forEach(n -> ext.add(n.asText()));
          if (!cp.origin().equals(want.get("origin").asText()) || cp.size() != want.get("size").asLong()
              || !cp.root().base64().equals(want.get("root_hash_b64").asText()) || !cp.extensions().equals(ext)) {
            failures.add(id + ": checkpoint differs: " + cp);
          }
        }
        if (expect.equals("parse-only")) {
          // With no trusted key there is nothing that verifies.
          assertThrows(SignatureException.class, () -> parsed.verify(List.of()));
          continue;
        }
        List<NoteSignature> verified = parsed.verify(verifiers);
        if (!expect.equals("ok")) {
          failures.add(id + ": verified " + verified + " but expected an error");
          continue;
        }
        List<String> names = new ArrayList<>();
        verified.forEach(s -> names.add(s.keyName()));
        List<String> want = new ArrayList<>();
        c.get("verified").forEach(n -> want.add(n.asText()));
        if (!names.equals(want)) {
          failures.add(id + ": verified " + names + ", expected " + want);
        }
      } catch (FormatException | SignatureException e) {
        if (!expect.equals("error")) {
          failures.add(id + ": unexpected " + e.getMessage());
        } else if (c.has("error") && !e.getMessage().startsWith(c.get("error").asText())) {
          failures.add(id + ": message '" + e.getMessage() + "' does not start with '" + c.get("error").asText() + "'");
        }
      }
    }
    assertEquals(List.of(), failures);
  }

  /** The x/mod example: signing with PeterNeumann's (public test) skey reproduces the note bytes. */
  @Test
  void sign_peterNeumannSkey_reproducesPublishedNote() throws Exception {
    JsonNode peter = Vectors.json("signed-note/keys.json").get("ed25519_keypairs").get(0);
    assertEquals("PeterNeumann", peter.get("name").asText());
    NoteSigner signer = NoteKeys.parseSignerKey(peter.get("skey").asText());
    JsonNode c = Vectors.json("signed-note/notes.json").get("cases").get(0);
    assertEquals("xmod-sign-peter", c.get("id").asText());
    SignedNote signed = SignedNote.sign(c.get("text").asText(), List.of(signer));
    assertArrayEquals(Base64.getDecoder().decode(c.get("note_b64").asText()),
        signed.format().getBytes(StandardCharsets.UTF_8));
    assertTrue(signer.toString().contains("PeterNeumann+c74f20a3"));
    assertTrue(!signer.toString().contains(peter.get("skey").asText().substring(30)), signer.toString());
  }

  @Test
  void keysJson_vkeysParse_invalidOnesFail_skeysDeriveVkeys() throws Exception {
    JsonNode keys = Vectors.json("signed-note/keys.json");
    List<String> failures = new ArrayList<>();
    int valid = 0;
    for (JsonNode section : List.of(keys.get("ed25519_keypairs"), keys.get("vkeys_other_types"))) {
      for (JsonNode k : section) {
        if (k.get("vkey").isNull()) {
          continue;
        }
        String vkey = k.get("vkey").asText();
        valid++;
        try {
          NoteVerifier v = NoteKeys.parseVerifierKey(vkey);
          if (!vkey.startsWith(v.keyName() + "+") || !v.name().equals(k.get("name").asText())) {
            failures.add(vkey + ": parsed as " + v);
          }
          if (k.hasNonNull("skey") && !k.get("name").asText().equals("logandmap")) {
            NoteSigner s = NoteKeys.parseSignerKey(k.get("skey").asText());
            String derived = NoteKeys.verifierKey(s.name(), s.signer().publicKey());
            if (!derived.equals(vkey)) {
              failures.add(vkey + ": its skey derives " + derived);
            }
          }
        } catch (FormatException e) {
          failures.add(vkey + ": " + e.getMessage());
        }
      }
    }
    assertEquals(14, valid);
    for (JsonNode k : keys.get("invalid_vkeys")) {
      try {
        NoteVerifier v = NoteKeys.parseVerifierKey(k.get("vkey").asText());
        failures.add(k.get("vkey").asText() + " (" + k.get("why").asText() + ") parsed as " + v);
      } catch (FormatException expected) {
        if (!expected.getMessage().startsWith("vkey: ")) {
          failures.add(expected.getMessage());
        }
      }
    }
    assertEquals(List.of(), failures);
  }

  /** keys.json: EnochRoot's seed is 32 zero bytes; the skey built from it derives its vkey. */
  @Test
  void enochRoot_zeroSeed_derivesPublishedVkey() throws Exception {
    byte[] material = new byte[33];
    material[0] = 1;
    NoteSigner s = NoteKeys.parseSignerKey("PRIVATE+KEY+EnochRoot+af0cfe78+" + Base64.getEncoder().encodeToString(material));
    assertEquals("EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop",
        NoteKeys.verifierKey("EnochRoot", s.signer().publicKey()));
  }

  /** keys.json mangling_rule: every proper substring and every single-byte increment fails. */
  @Test
  void manglingRule_peterNeumannKeys_allFail() {
    JsonNode peter = Vectors.json("signed-note/keys.json").get("ed25519_keypairs").get(0);
    String vkey = peter.get("vkey").asText();
    String skey = peter.get("skey").asText();
    List<String> accepted = new ArrayList<>();
    for (String variant : mangled(vkey)) {
      try {
        NoteKeys.parseVerifierKey(variant);
        accepted.add(variant);
      } catch (FormatException expected) {
        // as required
      }
    }
    for (String variant : mangled(skey)) {
      try {
        NoteKeys.parseSignerKey(variant);
        accepted.add(variant);
      } catch (FormatException expected) {
        // as required
      }
    }
    assertEquals(List.of(), accepted);
  }

  private static List<String> mangled(String key) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < key.length(); i++) {
      for (int j = i + 1; j <= key.length(); j++) {
        if (i != 0 || j != key.length()) {
          out.add(key.substring(i, j));
        }
      }
      char[] c = key.toCharArray();
      c[i]++;
      out.add(new String(c));
    }
    return out;
  }

  @Test
  void cosignatureTime_keysJsonVectors() throws Exception {
    JsonNode cases = Vectors.json("signed-note/keys.json").get("cosignature_v1_timestamp");
    assertEquals(2, cases.size());
    for (JsonNode c : cases) {
      byte[] blob = Base64.getDecoder().decode(c.get("sig_b64").asText());
      byte[] sig = java.util.Arrays.copyOfRange(blob, 4, blob.length);
      if (c.has("expect_unix_seconds")) {
        assertEquals(c.get("expect_unix_seconds").asLong(), NoteKeys.cosignatureTime(sig));
      } else {
        FormatException e = assertThrows(FormatException.class, () -> NoteKeys.cosignatureTime(sig));
        assertTrue(e.getMessage().contains("is 72 bytes"), e.getMessage());
      }
    }
  }

  /** sigstore-java-checkpoints/*.txt with the outcomes PROVENANCE.md lists, against the production key. */
  @Test
  void sigstoreJavaCheckpoints_expectedOutcomes() throws Exception {
    NoteVerifier rekor = NoteKeys.rekorVerifier("rekor.sigstore.dev", productionRekorKey());
    assertEquals(0xc0d23d6a, rekor.keyId());
    Map<String, String> expected = Map.of(
        "valid.txt", "ok",
        "valid_multi_sig.txt", "ok",
        "error_header_body_separator.txt", "malformed note: no blank line separates the text from the signature lines",
        "error_header_count.txt", "checkpoint: expected at least 3 lines",
        "error_no_newline_after_signature.txt", "malformed note: the last signature line does not end with a newline",
        "error_no_signatures.txt", "malformed note: no signature lines after the blank line",
        "error_not_a_number.txt", "checkpoint: line 2 (tree size) must be decimal digits",
        "error_signature_format_invalid.txt", "malformed note: signature line 1 does not start with",
        "error_signature_length_insufficient.txt", "malformed note: signature line 1 (key 'rekor.sigstore.dev'): the signature is not padded standard base64");
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, String> e : expected.entrySet()) {
      byte[] bytes = Vectors.bytes("signed-note/sigstore-java-checkpoints/" + e.getKey());
      try {
        SignedNote note = SignedNote.parse(bytes);
        Checkpoint cp = Checkpoint.parse(note.text());
        List<NoteSignature> verified = note.verify(List.of(rekor));
        if (!e.getValue().equals("ok")) {
          failures.add(e.getKey() + ": accepted");
        } else if (verified.size() != 1 || cp.size() != 37795272
            || !cp.origin().equals("rekor.sigstore.dev - 2605736670972794746")
            || !cp.extensions().equals(List.of("Timestamp: 1697034484441201852"))) {
          failures.add(e.getKey() + ": " + verified + " " + cp);
        }
        if (e.getKey().equals("valid_multi_sig.txt") && (note.signatures().size() != 2
            || !note.signatures().get(1).name().equals("bob.loblaw.dev"))) {
          failures.add(e.getKey() + ": signatures " + note.signatures());
        }
      } catch (FormatException | SignatureException ex) {
        if (!ex.getMessage().startsWith(e.getValue())) {
          failures.add(e.getKey() + ": " + ex.getMessage());
        }
      }
    }
    assertEquals(List.of(), failures);
  }

  @Test
  void signVerify_rekorStyleP256_andC2spEd25519() throws Exception {
    Checkpoint cp = new Checkpoint(Checkpoint.rekorOrigin("127.0.0.1", 42), 7,
        Hash.fromHex("bba6" + "00".repeat(30)));
    NoteSigner log = NoteKeys.rekorSigner("127.0.0.1", Signers.forKey(TestKeys.p256().getPrivate()));
    NoteSigner witness = NoteKeys.ed25519Signer("witness.example/w1", Signers.forKey(TestKeys.ed25519().getPrivate()));
    SignedNote note = SignedNote.sign(cp.text(), List.of(log, witness));
    String text = note.format();
    assertTrue(text.startsWith(cp.text() + "\n\u2014 127.0.0.1 "), text);
    assertEquals(PublicKeys.keyHint(TestKeys.p256().getPublic()), note.signatures().get(0).keyId());

    SignedNote parsed = SignedNote.parse(text);
    assertEquals(note, parsed);
    NoteVerifier logV = NoteKeys.rekorVerifier("127.0.0.1", TestKeys.p256().getPublic());
    NoteVerifier witnessV = NoteKeys.parseVerifierKey(
        NoteKeys.verifierKey("witness.example/w1", TestKeys.ed25519().getPublic()));
    assertEquals(1, parsed.verify(List.of(logV)).size());
    assertEquals(2, parsed.verify(List.of(logV, witnessV)).size());
    assertEquals(cp, Checkpoint.parse(parsed.text()));

    // The log's key under another name does not count; a tampered text fails loudly.
    assertThrows(SignatureException.class,
        () -> parsed.verify(List.of(NoteKeys.rekorVerifier("localhost", TestKeys.p256().getPublic()))));
    SignedNote tampered = SignedNote.parse(text.replace("\n7\n", "\n8\n"));
    SignatureException e = assertThrows(SignatureException.class, () -> tampered.verify(List.of(logV)));
    assertTrue(e.getMessage().startsWith("invalid signature for key 127.0.0.1+"), e.getMessage());
  }

  @Test
  void verify_noTrustedSignature_namesSignersAndTrustedKeys() throws Exception {
    SignedNote note = SignedNote.parse(Vectors.bytes("signed-note/sigstore-java-checkpoints/valid.txt"));
    SignatureException e = assertThrows(SignatureException.class, () -> note.verify(
        List.of(NoteKeys.rekorVerifier("rekor.sigstore.dev", TestKeys.p256().getPublic()))));
    assertTrue(e.getMessage().startsWith("note has no verifiable signatures: signed by [rekor.sigstore.dev+c0d23d6a]"),
        e.getMessage());
  }

  @Test
  void parse_tooManySignatures_andBadNames() {
    String line = "\u2014 k " + Base64.getEncoder().encodeToString(new byte[8]) + "\n";
    assertTrue(assertThrows(FormatException.class, () -> SignedNote.parse("t\n\n" + line.repeat(101)))
        .getMessage().contains("101 signature lines, at most 100"));
    try {
      assertEquals(100, SignedNote.parse("t\n\n" + line.repeat(100)).signatures().size());
    } catch (FormatException e) {
      throw new AssertionError(e);
    }
    assertTrue(assertThrows(FormatException.class,
        () -> SignedNote.parse("t\n\n\u2014 a+b " + Base64.getEncoder().encodeToString(new byte[8]) + "\n"))
        .getMessage().contains("invalid key name 'a+b'"));
    assertTrue(assertThrows(FormatException.class,
        () -> SignedNote.parse("t\n\n\u2014 rekor.sigstore.dev wNI9ag==\n")).getMessage()
        .contains("the signature is 4 bytes; it needs a 4-byte key ID and at least one signature byte"));
    assertTrue(assertThrows(FormatException.class,
        () -> SignedNote.parse("t\u0007\n\n" + line)).getMessage().contains("control character U+0007"));
    assertTrue(assertThrows(FormatException.class,
        () -> SignedNote.parse(new byte[] {'t', (byte) 0xff, '\n', '\n'})).getMessage()
        .contains("invalid UTF-8 at byte offset 1"));
  }

  @Test
  void constructorAndSign_rejectBadText() {
    NoteSignature sig = new NoteSignature("k", 1, new byte[2]);
    assertThrows(IllegalArgumentException.class, () -> new SignedNote("no newline", List.of(sig)));
    assertThrows(IllegalArgumentException.class, () -> new SignedNote("t\n", List.of()));
    assertThrows(IllegalArgumentException.class, () -> SignedNote.sign("t", List.of(
        NoteKeys.rekorSigner("k", Signers.forKey(TestKeys.p256().getPrivate())))));
  }
}
