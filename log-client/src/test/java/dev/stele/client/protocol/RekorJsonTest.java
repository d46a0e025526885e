package dev.stele.client.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.SignatureVerifiers;
import dev.stele.client.crypto.Signers;
import dev.stele.client.crypto.TestKeys;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.proof.ProofException;
import dev.stele.merkle.proof.ProofVerifier;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real Rekor v1 REST responses (rekor-public-good/api-responses) parsed through the wire records
 * and checked with the protocol pieces: leaf hash and UUID, SET payload and signature, inclusion
 * proof, checkpoint signature, and the checkpoint committing to the proof's size and root.
 */
class RekorJsonTest {
  private static final String RESPONSES = "rekor-public-good/api-responses/";

  private static byte[] json(JsonNode node) {
    return RekorJson.write(node);
  }

  /**
   * Runs the checks a verifier runs, in order, and returns the first that fails ("ok" if none):
   * uuid, inclusion, checkpoint-signature, checkpoint-mismatch, set.
   */
  static String check(LoggedEntry e, PublicKey logKey, String logName) throws Exception {
    Hash leaf = Rfc6962.hashLeaf(e.body());
    if (!leaf.equals(e.id().uuid())) {
      return "uuid";
    }
    if (!e.logId().equals(PublicKeys.logId(logKey))) {
      return "log-id";
    }
    if (e.inclusion().isPresent()) {
      Inclusion inc = e.inclusion().get();
      try {
        ProofVerifier.verifyInclusion(inc.proof().leafIndex(), inc.proof().treeSize(), leaf,
            inc.proof().hashes(), inc.rootHash());
      } catch (ProofException ex) {
        return "inclusion";
      }
      try {
        inc.checkpoint().verify(List.of(NoteKeys.rekorVerifier(logName, logKey)));
      } catch (GeneralSecurityException ex) {
        return "checkpoint-signature";
      }
      Checkpoint cp = Checkpoint.parse(inc.checkpoint().text());
      if (cp.size() != inc.proof().treeSize() || !cp.root().equals(inc.rootHash())) {
        return "checkpoint-mismatch";
      }
    }
    if (e.signedEntryTimestamp().isPresent()) {
      try {
        SignatureVerifiers.forKey(logKey).verify(e.signedEntryTimestamp().get(), e.setPayload());
      } catch (GeneralSecurityException ex) {
        return "set";
      }
    }
    return "ok";
  }

  @Test
  void productionJarEntry_everyCheckPasses_andRoundTrips() throws Exception {
    byte[] original = Vectors.bytes(RESPONSES + "production-jar-entry.json");
    LoggedEntry e = RekorJson.readEntry(original);
    assertEquals("362f8ecba72f4326", e.id().toString().substring(0, 16));
    assertEquals(3120029, e.logIndex());
    assertTrue(e.inclusion().isPresent() && e.signedEntryTimestamp().isPresent());
    assertEquals("ok", check(e, SetPayloadTest.pem("rekor.sigstore.dev.pub.pem"), "rekor.sigstore.dev"));

    byte[] written = RekorJson.writeEntry(e);
    assertEquals(ProtocolJson.mapper().readTree(original), ProtocolJson.mapper().readTree(written));
    assertEquals(e, RekorJson.readEntry(written));
  }

  @Test
  void stagingEntries_verifyWithStagingKey() throws Exception {
    PublicKey staging = SetPayloadTest.pem("rekor.sigstage.dev.pub.pem");
    LoggedEntry withProof = RekorJson.readEntry(Vectors.bytes(RESPONSES + "staging-hashedrekord-entry.json"));
    assertEquals("ok", check(withProof, staging, "rekor.sigstage.dev"));
    LoggedEntry setOnly = RekorJson.readEntry(Vectors.bytes(RESPONSES + "staging-entry-no-inclusion-proof.json"));
    assertTrue(setOnly.inclusion().isEmpty());
    assertEquals("ok", check(setOnly, staging, "rekor.sigstage.dev"));
    // The same entry claiming another integration time: its SET no longer verifies.
    LoggedEntry shifted = new LoggedEntry(setOnly.id(), setOnly.body(), setOnly.integratedTime() + 1,
        setOnly.logId(), setOnly.logIndex(), setOnly.signedEntryTimestamp(), setOnly.inclusion(), Optional.empty());
    assertEquals("set", check(shifted, staging, "rekor.sigstage.dev"));
  }

  /** converted-from-bundles.json: each production entry passes, or fails at the check its manifest entry names. */
  @Test
  void convertedBundles_passOrFailAtTheNamedCheck() throws Exception {
    PublicKey production = SetPayloadTest.pem("rekor.sigstore.dev.pub.pem");
    Map<String, String> failing = Map.of(
        "checkpoint-bad-keyhint_fail", "checkpoint-signature",
        "checkpoint-wrong-roothash_fail", "checkpoint-mismatch",
        "invalid-checkpoint-signature_fail", "checkpoint-signature",
        "bundle-with-bad-checkpoint-signature.sigstore.json", "checkpoint-signature",
        "inclusion-proof-corrupted-hash_fail", "inclusion",
        // Its inclusion proof has no checkpoint, which the API requires (docs/protocol.md section 6):
        // rejected at the boundary; invalidInclusionProof_alsoFailsTheProof checks the proof itself.
        "invalid-inclusion-proof_fail", "format",
        "set-invalid-signature_fail", "set",
        "bundle-with-mismatched-set.sigstore.json", "set",
        "bundle-negative-log-index_fail", "format");
    List<String> failures = new ArrayList<>();
    int ok = 0;
    for (JsonNode c : Vectors.json(RESPONSES + "converted-from-bundles.json").get("entries")) {
      String from = c.get("from_bundle").asText();
      String name = from.substring(from.lastIndexOf('/') + 1);
      String want = failing.getOrDefault(name, "ok");
      String got;
      try {
        got = check(RekorJson.readEntry(json(c.get("response"))), production, "rekor.sigstore.dev");
      } catch (FormatException ex) {
        got = "format";
      }
      if (!got.equals(want)) {
        failures.add(name + ": expected " + want + ", got " + got);
      }
      if (got.equals("ok")) {
        ok++;
      }
    }
    assertEquals(List.of(), failures);
    assertEquals(16, ok);
  }

  @Test
  void invalidInclusionProof_alsoFailsTheProof() throws Exception {
    for (JsonNode c : Vectors.json(RESPONSES + "converted-from-bundles.json").get("entries")) {
      if (!c.get("from_bundle").asText().endsWith("invalid-inclusion-proof_fail")) {
        continue;
      }
      JsonNode entry = c.get("response").elements().next();
      FormatException missing = assertThrows(FormatException.class, () -> RekorJson.readEntry(json(c.get("response"))));
      assertEquals("verification.inclusionProof.checkpoint is missing", missing.getMessage());
      JsonNode p = entry.at("/verification/inclusionProof");
      List<Hash> path = new ArrayList<>();
      p.get("hashes").forEach(h -> path.add(Hash.fromHex(h.asText())));
      Hash leaf = Rfc6962.hashLeaf(java.util.Base64.getDecoder().decode(entry.get("body").asText()));
      assertThrows(ProofException.class, () -> ProofVerifier.verifyInclusion(p.get("logIndex").asLong(),
          p.get("treeSize").asLong(), leaf, path, Hash.fromHex(p.get("rootHash").asText())));
      return;
    }
    throw new AssertionError("invalid-inclusion-proof_fail not found in converted-from-bundles.json");
  }

  @Test
  void stagingWithProductionKey_failsAtLogId() throws Exception {
    LoggedEntry e = RekorJson.readEntry(Vectors.bytes(RESPONSES + "staging-hashedrekord-entry.json"));
    assertEquals("log-id", check(e, SetPayloadTest.pem("rekor.sigstore.dev.pub.pem"), "rekor.sigstage.dev"));
  }

  /** An entry built, signed and written the way the server does it, read back the way a client does. */
  @Test
  void serverShapedEntry_writeReadVerify() throws Exception {
    var logSigner = Signers.forKey(TestKeys.p256().getPrivate());
    PublicKey logKey = logSigner.publicKey();
    byte[] body = "{\"apiVersion\":\"0.0.1\",\"kind\":\"x\",\"spec\":{}}".getBytes(StandardCharsets.UTF_8);
    Hash leaf = Rfc6962.hashLeaf(body);
    Hash other = Rfc6962.hashLeaf(new byte[] {1});
    Hash root = Rfc6962.hashChildren(other, leaf);
    Checkpoint cp = new Checkpoint(Checkpoint.rekorOrigin("127.0.0.1", 7), 2, root);
    SignedNote note = SignedNote.sign(cp.text(), List.of(NoteKeys.rekorSigner("127.0.0.1", logSigner)));
    Hash logId = PublicKeys.logId(logKey);
    byte[] set = logSigner.sign(SetPayload.bytes(body, 1_700_000_000L, logId, 1));
    LoggedEntry e = new LoggedEntry(EntryId.of(7, leaf), body, 1_700_000_000L, logId, 1, Optional.of(set),
        Optional.of(new Inclusion(new dev.stele.merkle.proof.InclusionProof(1, 2, List.of(other)), root, note)),
        Optional.empty());
    byte[] wire = RekorJson.writeEntry(e);
    JsonNode tree = ProtocolJson.mapper().readTree(wire);
    String id = "0000000000000007" + leaf.hex();
    assertEquals(id, tree.fieldNames().next());
    assertEquals(logId.hex(), tree.get(id).get("logID").asText());
    assertEquals(root.hex(), tree.get(id).at("/verification/inclusionProof/rootHash").asText());
    assertEquals(note.format(), tree.get(id).at("/verification/inclusionProof/checkpoint").asText());
    LoggedEntry back = RekorJson.readEntry(wire);
    assertEquals(e, back);
    assertEquals("ok", check(back, logKey, "127.0.0.1"));
    assertEquals(List.of(e, e), RekorJson.readEntries(RekorJson.writeEntries(List.of(e, e))));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "logID short|/logID|abc|logID must be 64 hex digits, got 3",
      "logIndex negative|/logIndex|-1|logIndex must be non-negative, got -1",
      "body bad base64|/body|%%%%|body is not standard base64",
      "body missing|/body||body is missing",
      "SET bad base64|/verification/signedEntryTimestamp|abc|verification.signedEntryTimestamp is not padded standard base64",
      "proof hash short|/verification/inclusionProof/hashes/0|00|verification.inclusionProof.hashes[0] must be 64 hex digits, got 2",
      "checkpoint malformed|/verification/inclusionProof/checkpoint|x|verification.inclusionProof.checkpoint: malformed note",
      "treeSize negative|/verification/inclusionProof/treeSize|-5|verification.inclusionProof.treeSize must be non-negative",
  })
  void readEntry_malformedField_namesIt(String name, String pointer, String value, String expected) throws Exception {
    ObjectNode doc = (ObjectNode) Vectors.json(RESPONSES + "production-jar-entry.json");
    ObjectNode entry = (ObjectNode) doc.elements().next();
    int slash = pointer.lastIndexOf('/');
    JsonNode parent = entry.at(pointer.substring(0, slash));
    String field = pointer.substring(slash + 1);
    if (parent.isArray()) {
      ((com.fasterxml.jackson.databind.node.ArrayNode) parent).set(Integer.parseInt(field),
          com.fasterxml.jackson.databind.node.TextNode.valueOf(value));
    } else if (value == null) {
      ((ObjectNode) parent).remove(field);
    } else if (value.matches("-?[0-9]+") && !field.equals("logID") && !field.equals("body")) {
      ((ObjectNode) parent).put(field, Long.parseLong(value));
    } else {
      ((ObjectNode) parent).put(field, value);
    }
    FormatException e = assertThrows(FormatException.class, () -> RekorJson.readEntry(json(doc)));
    assertTrue(e.getMessage().startsWith(expected), e.getMessage());
  }

  @Test
  void readEntry_wrongShapes() {
    assertTrue(assertThrows(FormatException.class, () -> RekorJson.readEntry("{}".getBytes(StandardCharsets.UTF_8)))
        .getMessage().contains("exactly one entry, got 0"));
    assertTrue(assertThrows(FormatException.class, () -> RekorJson.readEntry("[]".getBytes(StandardCharsets.UTF_8)))
        .getMessage().startsWith("malformed JSON"));
    assertTrue(assertThrows(FormatException.class, () -> RekorJson.readEntry(
        ("{\"" + "a".repeat(64) + "\":{\"body\":\"e30=\",\"integratedTime\":\"5\",\"logID\":\"" + "a".repeat(64)
            + "\",\"logIndex\":1}}").getBytes(StandardCharsets.UTF_8))).getMessage().startsWith("malformed JSON"),
        "a number as a string is not coerced");
    assertTrue(assertThrows(FormatException.class, () -> RekorJson.readEntry(
        ("{\"" + "a".repeat(63) + "\":{}}").getBytes(StandardCharsets.UTF_8))).getMessage().contains("got 63 characters"));
  }

  @Test
  void logInfo_roundTripAndChecks() throws Exception {
    var signer = Signers.forKey(TestKeys.p256().getPrivate());
    Checkpoint cp = new Checkpoint(Checkpoint.rekorOrigin("127.0.0.1", 42), 5, Rfc6962.EMPTY_ROOT);
    SignedNote sth = SignedNote.sign(cp.text(), List.of(NoteKeys.rekorSigner("127.0.0.1", signer)));
    TreeInfo info = new TreeInfo(Rfc6962.EMPTY_ROOT, 5, sth, 42, List.of());
    byte[] wire = RekorJson.writeLogInfo(info);
    JsonNode tree = ProtocolJson.mapper().readTree(wire);
    assertEquals("42", tree.get("treeID").asText());
    assertTrue(tree.get("treeID").isTextual());
    assertEquals(5, tree.get("treeSize").asLong());
    assertEquals(info, RekorJson.readLogInfo(wire));
    String bad = new String(wire, StandardCharsets.UTF_8).replace("\"42\"", "\"042\"");
    assertTrue(assertThrows(FormatException.class, () -> RekorJson.readLogInfo(bad.getBytes(StandardCharsets.UTF_8)))
        .getMessage().contains("treeID must be a non-negative decimal integer, got '042'"));
    // A null shard (found by RekorJsonFuzzTest#logInfo): refused, not a NullPointerException.
    ObjectNode nullShard = (ObjectNode) ProtocolJson.mapper().readTree(wire);
    nullShard.putArray("inactiveShards").addNull();
    assertEquals("inactiveShards[0] is null", assertThrows(FormatException.class,
        () -> RekorJson.readLogInfo(ProtocolJson.mapper().writeValueAsBytes(nullShard))).getMessage());
  }

  @Test
  void consistencyProofAndError_roundTrip() throws Exception {
    List<Hash> hashes = List.of(Rfc6962.EMPTY_ROOT, Rfc6962.hashLeaf(new byte[0]));
    byte[] wire = RekorJson.writeConsistencyProof(Rfc6962.EMPTY_ROOT, hashes);
    assertEquals("{\"hashes\":[\"" + hashes.get(0).hex() + "\",\"" + hashes.get(1).hex() + "\"],\"rootHash\":\""
        + Rfc6962.EMPTY_ROOT.hex() + "\"}", new String(wire, StandardCharsets.UTF_8));
    Map.Entry<Hash, List<Hash>> back = RekorJson.readConsistencyProof(wire);
    assertEquals(Rfc6962.EMPTY_ROOT, back.getKey());
    assertEquals(hashes, back.getValue());
    assertArrayEquals("{\"code\":409,\"message\":\"an equivalent entry already exists\"}".getBytes(StandardCharsets.UTF_8),
        RekorJson.writeError(409, "an equivalent entry already exists"));
    assertEquals(new RekorJson.ErrorBody(400, "x"),
        RekorJson.read("{\"code\":400,\"message\":\"x\"}".getBytes(StandardCharsets.UTF_8), RekorJson.ErrorBody.class));
  }

  @Test
  void requests_unknownFieldsRejected() throws Exception {
    RekorJson.SearchIndex q = RekorJson.read(("{\"hash\":\"sha256:ab\",\"publicKey\":{\"format\":\"x509\",\"content\":\"e30=\"},"
        + "\"operator\":\"and\"}").getBytes(StandardCharsets.UTF_8), RekorJson.SearchIndex.class);
    assertEquals("sha256:ab", q.hash());
    assertEquals("x509", q.publicKey().format());
    FormatException e = assertThrows(FormatException.class, () -> RekorJson.read(
        "{\"hash\":\"ab\",\"colour\":1}".getBytes(StandardCharsets.UTF_8), RekorJson.SearchIndex.class));
    assertTrue(e.getMessage().contains("colour"), e.getMessage());
    RekorJson.SearchLogQuery r = RekorJson.read("{\"logIndexes\":[1,2],\"entryUUIDs\":[\"ab\"]}"
        .getBytes(StandardCharsets.UTF_8), RekorJson.SearchLogQuery.class);
    assertEquals(List.of(1L, 2L), r.logIndexes());
    assertThrows(FormatException.class, () -> RekorJson.read("{\"logIndexes\":[1],\"extra\":true}"
        .getBytes(StandardCharsets.UTF_8), RekorJson.SearchLogQuery.class));
    assertThrows(FormatException.class, () -> RekorJson.read("{\"logIndexes\":[1.5]}"
        .getBytes(StandardCharsets.UTF_8), RekorJson.SearchLogQuery.class));
  }
}
