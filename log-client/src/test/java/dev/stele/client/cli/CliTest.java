package dev.stele.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stele.client.TestLog;
import dev.stele.client.TestLogServer;
import dev.stele.client.TestWitnesses;
import dev.stele.client.protocol.ProtocolJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI in-process against a real HTTP log double on 127.0.0.1. */
class CliTest {
  private static final Map<String, String> ENV = Map.of("STELE_KEY_PASSWORD", "correct horse battery staple");

  @TempDir
  Path dir;

  private TestLogServer server;
  private Path logKey;
  private Path artifact;

  @BeforeEach
  void start() throws IOException {
    server = new TestLogServer();
    logKey = dir.resolve("log.pub");
    Files.writeString(logKey, server.log().publicKeyPem());
    artifact = dir.resolve("artifact.txt");
    Files.writeString(artifact, "a release artifact\n");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Cli.Run run(String... args) {
    return Cli.run(ENV, args);
  }

  private String[] logArgs() {
    return new String[] {"--log-url", server.url().toString(), "--log-key", logKey.toString()};
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private Path keygen(String name) {
    Cli.Run r = run("keygen", "--output-key-prefix", dir.resolve(name).toString());
    assertEquals(0, r.code(), r.toString());
    return dir.resolve(name);
  }

  private Path signBlob(Path prefix) {
    Path bundle = dir.resolve(prefix.getFileName() + ".bundle.json");
    Cli.Run r = run(concat(new String[] {"sign-blob", artifact.toString(), "--key", prefix + ".key", "--bundle",
        bundle.toString()}, logArgs()));
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("verified: true"), r.toString());
    return bundle;
  }

  private Cli.Run verifyBlob(Path bundle, Path pub) {
    return run(concat(new String[] {"verify-blob", artifact.toString(), "--bundle", bundle.toString(), "--key",
        pub.toString()}, logArgs()));
  }

  @Test
  void keygen_signBlob_verifyBlob_roundTrip() throws Exception {
    Path key = keygen("signer");
    assertTrue(Files.readString(Path.of(key + ".key")).contains("ENCRYPTED PRIVATE KEY"));
    Path bundle = signBlob(key);
    Cli.Run ok = verifyBlob(bundle, Path.of(key + ".pub"));
    assertEquals(0, ok.code(), ok.toString());
    assertTrue(ok.out().contains("kind: hashedrekord 0.0.1"), ok.toString());
    JsonNode b = ProtocolJson.mapper().readTree(Files.readAllBytes(bundle));
    assertEquals("application/vnd.dev.sigstore.bundle.v0.3+json", b.get("mediaType").asText());
    assertTrue(b.at("/verificationMaterial/tlogEntries/0/inclusionPromise/signedEntryTimestamp").isTextual());
    assertTrue(b.at("/verificationMaterial/tlogEntries/0/inclusionProof/checkpoint/envelope").isTextual());
  }

  @Test
  void signBlob_twice_isAlreadyRecorded() {
    Path key = keygen("signer");
    signBlob(key);
    Cli.Run again = run(concat(new String[] {"sign-blob", artifact.toString(), "--key", key + ".key", "--bundle",
        dir.resolve("again.json").toString(), "--output", "json"}, logArgs()));
    assertEquals(0, again.code(), again.toString());
    assertTrue(again.out().contains("\"alreadyRecorded\":true"), again.toString());
  }

  @Test
  void verifyBlob_otherFile_exits10() throws Exception {
    Path key = keygen("signer");
    Path bundle = signBlob(key);
    Files.writeString(artifact, "something else\n");
    Cli.Run r = verifyBlob(bundle, Path.of(key + ".pub"));
    assertEquals(ExitCode.ARTIFACT_SIGNATURE.code, r.code(), r.toString());
    assertTrue(r.err().contains("verification failed: artifact signature"), r.toString());
  }

  @Test
  void verifyBlob_anotherKey_exits10() {
    Path key = keygen("signer");
    Path other = keygen("other");
    Cli.Run r = verifyBlob(signBlob(key), Path.of(other + ".pub"));
    assertEquals(ExitCode.ARTIFACT_SIGNATURE.code, r.code(), r.toString());
    assertTrue(r.err().contains("not a trusted key"), r.toString());
  }

  private Path tamper(Path bundle, String pointer, String value) throws IOException {
    ObjectNode json = (ObjectNode) ProtocolJson.mapper().readTree(Files.readAllBytes(bundle));
    String parent = pointer.substring(0, pointer.lastIndexOf('/'));
    String field = pointer.substring(pointer.lastIndexOf('/') + 1);
    JsonNode p = json.at(parent);
    if (p.isArray()) {
      ((com.fasterxml.jackson.databind.node.ArrayNode) p).set(Integer.parseInt(field), value);
    } else {
      ((ObjectNode) p).put(field, value);
    }
    Path out = dir.resolve("tampered.json");
    Files.write(out, ProtocolJson.mapper().writeValueAsBytes(json));
    return out;
  }

  @Test
  void verifyBlob_tamperedProof_exits12() throws Exception {
    Path key = keygen("signer");
    for (int i = 0; i < 3; i++) {
      Files.writeString(artifact, "filler " + i);
      signBlob(key);
    }
    Files.writeString(artifact, "a release artifact\n");
    Path bundle = signBlob(key);
    Path t = tamper(bundle, "/verificationMaterial/tlogEntries/0/inclusionProof/hashes/0", "A".repeat(43) + "=");
    assertEquals(ExitCode.INCLUSION.code, verifyBlob(t, Path.of(key + ".pub")).code());
  }

  @Test
  void verifyBlob_tamperedCheckpoint_exits13() throws Exception {
    Path key = keygen("signer");
    Path bundle = signBlob(key);
    String note = ProtocolJson.mapper().readTree(Files.readAllBytes(bundle))
        .at("/verificationMaterial/tlogEntries/0/inclusionProof/checkpoint/envelope").asText();
    Path t = tamper(bundle, "/verificationMaterial/tlogEntries/0/inclusionProof/checkpoint/envelope",
        note.replaceFirst(" - (\\d+)\n", " - 1$1\n"));
    Cli.Run r = verifyBlob(t, Path.of(key + ".pub"));
    assertEquals(ExitCode.CHECKPOINT.code, r.code(), r.toString());
  }

  @Test
  void verifyBlob_witnessPolicy_twoOfThree_passes_oneOrAForgedOneExits20() throws Exception {
    List<TestWitnesses.Witness> witnesses = TestWitnesses.create("witness.test/w", 3);
    Path policy = dir.resolve("witnesses.policy");
    Files.writeString(policy, TestWitnesses.policy(witnesses, 2, null));
    Path key = keygen("signer");

    server.log().cosigners(witnesses.subList(0, 2));
    Path bundle = signBlob(key);
    Cli.Run ok = run(concat(new String[] {"verify-blob", artifact.toString(), "--bundle", bundle.toString(), "--key",
        key + ".pub", "--witness-policy", policy.toString()}, logArgs()));
    assertEquals(0, ok.code(), ok.toString());
    assertTrue(ok.out().contains("cosignedBy: [witness.test/w1 at 20"), ok.toString());

    String note = ProtocolJson.mapper().readTree(Files.readAllBytes(bundle))
        .at("/verificationMaterial/tlogEntries/0/inclusionProof/checkpoint/envelope").asText();
    Path forged = tamper(bundle, "/verificationMaterial/tlogEntries/0/inclusionProof/checkpoint/envelope",
        TestWitnesses.forge(note, witnesses.get(1)));
    Cli.Run r = run(concat(new String[] {"verify-blob", artifact.toString(), "--bundle", forged.toString(), "--key",
        key + ".pub", "--witness-policy", policy.toString()}, logArgs()));
    assertEquals(ExitCode.WITNESS.code, r.code(), r.toString());
    assertEquals(20, r.code());
    assertTrue(r.err().contains("witness.test/w2") && r.err().contains("forged"), r.toString());
    // Without the policy the forged line is just a line of an unknown key.
    assertEquals(0, verifyBlob(forged, Path.of(key + ".pub")).code());

    server.log().cosigners(witnesses.subList(2, 3));
    Files.writeString(artifact, "another release\n");
    Path one = signBlob(key);
    r = run(concat(new String[] {"verify-blob", artifact.toString(), "--bundle", one.toString(), "--key",
        key + ".pub", "--witness-policy", policy.toString(), "--output", "json"}, logArgs()));
    assertEquals(20, r.code(), r.toString());
    JsonNode failure = ProtocolJson.mapper().readTree(r.out());
    assertEquals("WITNESS", failure.get("error").asText());
    assertTrue(failure.get("message").asText().contains("has no witness quorum"), r.toString());

    Files.writeString(dir.resolve("bad.policy"), "quorum nobody\n");
    r = run(concat(new String[] {"verify-blob", artifact.toString(), "--bundle", one.toString(), "--key",
        key + ".pub", "--witness-policy", dir.resolve("bad.policy").toString()}, logArgs()));
    assertEquals(ExitCode.INPUT.code, r.code(), r.toString());
  }

  @Test
  void verifyBlob_tamperedSet_exits14() throws Exception {
    Path key = keygen("signer");
    Path bundle = signBlob(key);
    Path t = tamper(bundle, "/verificationMaterial/tlogEntries/0/integratedTime", "1600000000");
    Cli.Run r = verifyBlob(t, Path.of(key + ".pub"));
    assertEquals(ExitCode.TIMESTAMP.code, r.code(), r.toString());
  }

  @Test
  void verifyBlob_otherLogKey_exits11() throws Exception {
    Path key = keygen("signer");
    Path bundle = signBlob(key);
    Files.writeString(logKey, new TestLog("http://127.0.0.1:1").publicKeyPem());
    Cli.Run r = verifyBlob(bundle, Path.of(key + ".pub"));
    assertEquals(ExitCode.LOG.code, r.code(), r.toString());
  }

  @Test
  void verifyBlob_malformedBundle_exits3() throws Exception {
    Path key = keygen("signer");
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"mediaType\":\"nope\"}");
    Cli.Run r = verifyBlob(bad, Path.of(key + ".pub"));
    assertEquals(ExitCode.INPUT.code, r.code(), r.toString());
    assertTrue(r.err().contains("is not a supported Sigstore bundle"), r.toString());
  }

  @Test
  void verifyBlob_noTrust_exits2_andSaysWhatToGive() {
    Path key = keygen("signer");
    Path bundle = signBlob(key);
    Cli.Run r = run("verify-blob", artifact.toString(), "--bundle", bundle.toString(), "--key", key + ".pub");
    assertEquals(ExitCode.USAGE.code, r.code(), r.toString());
    assertTrue(r.err().contains("--trusted-root"), r.toString());
  }

  @Test
  void signBlob_logDown_exits4() throws Exception {
    Path key = keygen("signer");
    server.close();
    Cli.Run r = run(concat(new String[] {"sign-blob", artifact.toString(), "--key", key + ".key", "--bundle",
        dir.resolve("b.json").toString(), "--timeout", "2"}, logArgs()));
    assertEquals(ExitCode.NETWORK.code, r.code(), r.toString());
    assertTrue(r.err().contains("is --log-url right"), r.toString());
  }

  @Test
  void signBlob_encryptedKeyWithoutPassword_exits2() {
    Path key = keygen("signer");
    Cli.Run r = Cli.run(Map.of(), concat(new String[] {"sign-blob", artifact.toString(), "--key", key + ".key",
        "--bundle", dir.resolve("b.json").toString()}, logArgs()));
    assertEquals(ExitCode.USAGE.code, r.code(), r.toString());
    assertTrue(r.err().contains("STELE_KEY_PASSWORD"), r.toString());
  }

  @Test
  void signBlob_wrongPassword_exits3() {
    Path key = keygen("signer");
    Cli.Run r = Cli.run(Map.of("STELE_KEY_PASSWORD", "wrong"), concat(new String[] {"sign-blob", artifact.toString(),
        "--key", key + ".key", "--bundle", dir.resolve("b.json").toString()}, logArgs()));
    assertEquals(ExitCode.INPUT.code, r.code(), r.toString());
    assertFalse(r.err().contains("correct horse"), "the password must not be printed");
  }

  @Test
  void keygen_doesNotOverwrite_andEd25519CannotSignBlobs() {
    keygen("signer");
    assertEquals(ExitCode.INPUT.code, run("keygen", "--output-key-prefix", dir.resolve("signer").toString()).code());
    Cli.Run ed = run("keygen", "--type", "ed25519", "--no-password", "--output-key-prefix", dir.resolve("ed").toString());
    assertEquals(0, ed.code(), ed.toString());
    Cli.Run r = run(concat(new String[] {"sign-blob", artifact.toString(), "--key", dir.resolve("ed") + ".key",
        "--bundle", dir.resolve("b.json").toString()}, logArgs()));
    assertEquals(ExitCode.INPUT.code, r.code(), r.toString());
    assertTrue(r.err().contains("ecdsa"), r.toString());
  }

  @Test
  void logInfo_verifiesTheCheckpoint_andStateFileProvesConsistency() throws Exception {
    Path key = keygen("signer");
    signBlob(key);
    Path state = dir.resolve("state").resolve("checkpoint");
    Cli.Run first = run(concat(new String[] {"log", "info", "--state", state.toString()}, logArgs()));
    assertEquals(0, first.code(), first.toString());
    assertTrue(first.out().contains("treeSize: 1"), first.toString());
    Files.writeString(artifact, "second");
    signBlob(key);
    Cli.Run second = run(concat(new String[] {"log", "info", "--state", state.toString(), "--output", "json"}, logArgs()));
    assertEquals(0, second.code(), second.toString());
    JsonNode j = ProtocolJson.mapper().readTree(second.out());
    assertEquals(2, j.get("treeSize").asLong());
    assertEquals(1, j.get("previousSize").asLong());
    Files.writeString(artifact, "third");
    signBlob(key);
    Cli.Run tiles = run(concat(new String[] {"log", "info", "--state", state.toString(), "--tiles"}, logArgs()));
    assertEquals(0, tiles.code(), tiles.toString());
    assertTrue(tiles.out().contains("previousSize: 2"), tiles.toString());
    assertTrue(server.hits("GET /checkpoint") > 0, "the tiles face was not used");
    Cli.Run plain = run(concat(new String[] {"log", "info"}, logArgs()));
    assertTrue(plain.out().contains("checkpointVerified: true"), plain.toString());
  }

  @Test
  void logInfo_forkedLog_exits18WithEvidence() throws Exception {
    Path key = keygen("signer");
    signBlob(key);
    Files.writeString(artifact, "two");
    signBlob(key);
    Path state = dir.resolve("checkpoint");
    assertEquals(0, run(concat(new String[] {"log", "info", "--state", state.toString()}, logArgs())).code());
    // Keep a validly signed checkpoint of another history at size 2: the log's next answer is a fork.
    TestLog fork = new TestLog(server.url(), server.log().keyPair(), server.log().treeId());
    fork.append("x".getBytes(), 1L);
    fork.append("y".getBytes(), 1L);
    Files.writeString(state, fork.checkpoint(2));
    Files.writeString(artifact, "three");
    signBlob(key);
    Cli.Run r = run(concat(new String[] {"log", "info", "--state", state.toString()}, logArgs()));
    assertEquals(ExitCode.INCONSISTENT_LOG.code, r.code(), r.toString());
    assertTrue(r.err().contains("evidence: checkpoint kept:"), r.toString());
    assertTrue(r.err().contains("FORK"), r.toString());
  }

  @Test
  void logInfo_rolledBackLog_exits19WithEvidence_andKeepsTheState() throws Exception {
    Path key = keygen("signer");
    signBlob(key);
    Files.writeString(artifact, "two");
    signBlob(key);
    // The state holds a validly signed checkpoint of size 5: the log (now at 2) has gone back,
    // and cannot prove 2 -> 5 (it answers 400), which is no reason to call it a network error.
    TestLog before = new TestLog(server.url(), server.log().keyPair(), server.log().treeId());
    for (int i = 0; i < 5; i++) {
      before.append(("entry " + i).getBytes(), 1L);
    }
    String kept = before.checkpoint(5);
    Path state = dir.resolve("checkpoint");
    Files.writeString(state, kept);
    Cli.Run r = run(concat(new String[] {"log", "info", "--state", state.toString()}, logArgs()));
    assertEquals(ExitCode.ROLLBACK.code, r.code(), r.toString());
    assertEquals(19, r.code());
    assertTrue(r.err().contains("the log rolled back: it signs tree size 2, smaller than the size 5 of the"
        + " checkpoint kept in " + state), r.toString());
    assertTrue(r.err().contains("evidence: checkpoint kept:\n" + kept), r.toString());
    assertTrue(r.err().contains("evidence: checkpoint received:"), r.toString());
    assertEquals(kept, Files.readString(state), "the state file must not change");
  }

  @Test
  void logInfo_treeHeadContradictingItsCheckpoint_exits13() throws Exception {
    Path key = keygen("signer");
    signBlob(key);
    TestLog log = server.log();
    dev.stele.client.protocol.TreeInfo lying = new dev.stele.client.protocol.TreeInfo(log.checkpointAt(1).root(), 2,
        TestLog.note(log.checkpoint(1)), log.treeId(), java.util.List.of());
    server.script(new TestLogServer.Scripted(200, Map.of(),
        new String(dev.stele.client.protocol.RekorJson.writeLogInfo(lying), java.nio.charset.StandardCharsets.UTF_8)));
    Cli.Run r = run(concat(new String[] {"log", "info"}, logArgs()));
    assertEquals(ExitCode.CHECKPOINT.code, r.code(), r.toString());
    assertTrue(r.err().contains("tree size 1 differs from the log info's tree size 2"), r.toString());
  }

  @Test
  void logInfo_checkpointOfAnotherOrigin_exits13() throws Exception {
    TestLog log = server.log();
    String other = log.sign(new dev.stele.client.protocol.Checkpoint("elsewhere.test - 1", 0,
        dev.stele.merkle.Rfc6962.EMPTY_ROOT));
    dev.stele.client.protocol.TreeInfo info = new dev.stele.client.protocol.TreeInfo(dev.stele.merkle.Rfc6962.EMPTY_ROOT,
        0, TestLog.note(other), log.treeId(), java.util.List.of());
    server.script(new TestLogServer.Scripted(200, Map.of(),
        new String(dev.stele.client.protocol.RekorJson.writeLogInfo(info), java.nio.charset.StandardCharsets.UTF_8)));
    Cli.Run r = run(concat(new String[] {"log", "info"}, logArgs()));
    assertEquals(ExitCode.CHECKPOINT.code, r.code(), r.toString());
    assertTrue(r.err().contains("origin 'elsewhere.test - 1'"), r.toString());
  }

  @Test
  void logGet_byUuidAndIndex_andProof() throws Exception {
    Path key = keygen("signer");
    signBlob(key);
    Files.writeString(artifact, "2");
    signBlob(key);
    Cli.Run byIndex = run(concat(new String[] {"log", "get", "--index", "1", "--output", "json"}, logArgs()));
    assertEquals(0, byIndex.code(), byIndex.toString());
    String id = ProtocolJson.mapper().readTree(byIndex.out()).fieldNames().next();
    Cli.Run byUuid = run(concat(new String[] {"log", "get", "--uuid", id}, logArgs()));
    assertEquals(0, byUuid.code(), byUuid.toString());
    assertTrue(byUuid.out().contains("logIndex: 1"), byUuid.toString());
    Cli.Run missing = run(concat(new String[] {"log", "get", "--index", "9"}, logArgs()));
    assertEquals(ExitCode.REFUSED.code, missing.code(), missing.toString());
    Cli.Run both = run(concat(new String[] {"log", "get", "--index", "1", "--uuid", id}, logArgs()));
    assertEquals(ExitCode.USAGE.code, both.code(), both.toString());
    Cli.Run proof = run(concat(new String[] {"log", "proof", "--first-size", "1"}, logArgs()));
    assertEquals(0, proof.code(), proof.toString());
    assertTrue(proof.out().contains("lastSize: 2"), proof.toString());
  }

  @Test
  void everyCommand_hasHelp_andUsageErrorsExit2() {
    for (String[] cmd : new String[][] {{"--help"}, {"keygen", "--help"}, {"sign", "--help"}, {"verify", "--help"},
        {"sign-blob", "--help"}, {"verify-blob", "--help"}, {"log", "--help"}, {"log", "info", "--help"},
        {"log", "get", "--help"}, {"log", "proof", "--help"}}) {
      Cli.Run r = Cli.run(cmd);
      assertEquals(0, r.code(), String.join(" ", cmd) + ": " + r);
      assertTrue(r.out().contains("Usage: stele"), r.toString());
      assertTrue(r.out().contains("14  failed: signed entry timestamp"), String.join(" ", cmd) + ": " + r);
    }
    assertEquals(ExitCode.USAGE.code, Cli.run().code());
    assertEquals(ExitCode.USAGE.code, Cli.run("verify-blob").code());
    assertEquals(ExitCode.USAGE.code, Cli.run("frobnicate").code());
  }
}
