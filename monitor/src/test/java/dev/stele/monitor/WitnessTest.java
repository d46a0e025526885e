package dev.stele.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.crypto.Signers;
import dev.stele.client.http.HttpTransport;
import dev.stele.client.keys.KeyFiles;
import dev.stele.client.protocol.AddCheckpoint;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.NoteKeys;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.rekor.RekorClient;
import dev.stele.client.witness.WitnessClient;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor's witness (c2sp.org/tlog-witness) against {@link MisbehavingLog}: three witnesses on
 * 127.0.0.1 cosign an honest log as it grows, and every one refuses a fork, a rollback, a lying
 * proof, a bad signature and an unknown log with the code the specification gives, raising the
 * matching alarm with both signed checkpoints as evidence.
 */
class WitnessTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir
  Path dir;

  private MisbehavingLog log;
  private final List<WitnessNode> nodes = new ArrayList<>();
  private final List<WitnessClient> clients = new ArrayList<>();
  private final TestEntries signer = newEntries();
  private RekorClient rekor;

  private static TestEntries newEntries() {
    try {
      return new TestEntries();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @BeforeEach
  void start() throws Exception {
    log = new MisbehavingLog();
    rekor = RekorClient.builder(log.url()).build();
    HttpTransport http = HttpTransport.builder().maxAttempts(1).timeout(Duration.ofSeconds(10)).build();
    for (int i = 1; i <= 3; i++) {
      WitnessNode n = new WitnessNode("witness.test/w" + i, log.url(), log.keyPair().getPublic(),
          dir.resolve("w" + i), List.of());
      nodes.add(n);
      clients.add(new WitnessClient(n.url(), n.name, http));
    }
  }

  @AfterEach
  void stop() {
    nodes.forEach(WitnessNode::close);
    log.close();
  }

  private SignedNote served() throws Exception {
    return SignedNote.parse(log.servedCheckpoint());
  }

  private List<Hash> proof(long from, long to) throws Exception {
    return rekor.consistencyProof(from, to).proof().hashes();
  }

  /** Sends one request to every witness; returns their statuses. */
  private List<WitnessClient.Answer> ask(long old, List<Hash> proof, SignedNote note) throws Exception {
    List<WitnessClient.Answer> out = new ArrayList<>();
    for (WitnessClient c : clients) {
      out.add(c.addCheckpoint(new AddCheckpoint(old, proof, note)));
    }
    return out;
  }

  private static void assertAll(int status, List<WitnessClient.Answer> answers) {
    for (WitnessClient.Answer a : answers) {
      assertEquals(status, a.status(), a.toString());
    }
  }

  /** A raw POST, for bodies the client would not send. */
  private HttpResponse<String> post(WitnessNode n, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(n.url() + "/add-checkpoint"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void honestGrowth_isCosigned_everyMisbehaviourIsRefusedWithItsCode_andRaisesItsAlarm() throws Exception {
    // A fresh witness: the empty tree must have the empty root, and a proof from size 0 is empty.
    assertAll(422, ask(0, List.of(), SignedNote.parse(log.sign(0, Rfc6962.sha256(new byte[] {1})))));
    log.append(signer, "a", 10);
    assertAll(422, ask(0, List.of(Rfc6962.EMPTY_ROOT), served()));

    // Size 10, first cosignature; then 15, from 10 with the log's proof.
    List<WitnessClient.Answer> first = ask(0, List.of(), served());
    assertAll(200, first);
    for (int i = 0; i < 3; i++) {
      SignedNote cosigned = new SignedNote(served().text(), first.get(i).cosignatures());
      assertEquals(1, cosigned.verify(List.of(NoteKeys.parseVerifierKey(nodes.get(i).vkey))).size());
    }
    log.append(signer, "b", 5);
    assertAll(200, ask(10, proof(10, 15), served()));
    // The same checkpoint again, from its own size: cosigned again (a lost answer can be had again).
    assertAll(200, ask(15, List.of(), served()));
    // A client that does not know the witness's size learns it from a 409.
    for (WitnessClient.Answer a : ask(0, List.of(), served())) {
      assertEquals(409, a.status());
      assertEquals(15, a.witnessSize().getAsLong());
    }
    HttpResponse<String> conflict = post(nodes.get(0), new String(new AddCheckpoint(3, List.of(), served()).encode(),
        StandardCharsets.UTF_8));
    assertEquals(409, conflict.statusCode());
    assertEquals("text/x.tlog.size", conflict.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("15\n", conflict.body());
    String honest15 = log.servedCheckpoint();

    // Fork: another root for size 15.
    log.mode(MisbehavingLog.Mode.FORK);
    assertAll(422, ask(15, List.of(), served()));
    // Rollback: size 7, correctly signed; from the witness's size (400: old > new), or from 0 (409).
    log.mode(MisbehavingLog.Mode.ROLLBACK);
    assertAll(400, ask(15, List.of(), served()));
    assertAll(409, ask(0, List.of(), served()));
    // A proof that does not lead from the cosigned root.
    log.mode(MisbehavingLog.Mode.LYING_PROOF);
    log.append(signer, "c", 5);
    assertAll(422, ask(15, proof(15, 20), served()));
    // A signature that does not verify.
    log.mode(MisbehavingLog.Mode.BAD_SIGNATURE);
    assertAll(403, ask(15, List.of(), served()));
    // Another key for this origin: nothing verifiable (403); another origin: an unknown log (404).
    try (MisbehavingLog impostor = new MisbehavingLog()) {
      impostor.append(signer, "x", 20);
      assertAll(403, ask(15, List.of(), SignedNote.parse(impostor.servedCheckpoint())));
    }
    String other = new Checkpoint("other.example/log", 1, Rfc6962.hashLeaf(new byte[0])).text();
    SignedNote otherNote = SignedNote.sign(other, List.of(NoteKeys.ed25519Signer("other.example/log",
        Signers.forKeyPair(KeyFiles.generateEd25519()))));
    assertAll(404, ask(0, List.of(), otherNote));
    assertEquals(400, post(nodes.get(1), "old 1\nnot base64\n\n" + honest15).statusCode());
    assertEquals(400, post(nodes.get(1), "hello").statusCode());

    // The honest log, once more: each witness still holds 15 and cosigns 20 from it.
    log.mode(MisbehavingLog.Mode.HONEST);
    assertAll(200, ask(15, proof(15, 20), served()));

    for (WitnessNode n : nodes) {
      List<Path> files = n.awaitEvidence(4);
      Map<String, Integer> kinds = new TreeMap<>();
      for (Path f : files) {
        kinds.merge(TestConfig.json(f).get("kind").asText(), 1, Integer::sum);
      }
      assertEquals(Map.of("fork", 1, "rollback", 2, "inconsistent", 1), kinds, n.name + ": " + files);
      JsonNode fork = TestConfig.json(files.stream().filter(f -> f.toString().contains("-fork-")).findFirst()
          .orElseThrow());
      assertTrue(fork.get("message").asText().contains("witness: the log signed root"), fork.toString());
      SignedNote verified = SignedNote.parse(fork.at("/evidence/verifiedCheckpoint").asText());
      assertEquals(SignedNote.parse(honest15).text(), verified.text());
      assertEquals(15, Checkpoint.parse(SignedNote.parse(fork.at("/evidence/offendingCheckpoint").asText()).text()).size());
      String metrics = n.scrape();
      assertTrue(metrics.contains("stele_monitor_alarms_total{kind=\"fork\"} 1.0"), metrics);
      assertTrue(metrics.contains("stele_monitor_witness_requests_total{code=\"422\"} 4.0"), metrics);
      assertTrue(metrics.contains("stele_monitor_witness_cosigned_tree_size 20.0"), metrics);
    }

    // Monitors read each witness's latest cosigned checkpoint: the log's line and the cosignature.
    String hash = WitnessState.originHash(Checkpoint.parse(served().text()).origin());
    HttpResponse<String> latest = HTTP.send(HttpRequest.newBuilder(URI.create(nodes.get(2).url() + "/" + hash
        + "/checkpoint")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, latest.statusCode());
    SignedNote note = SignedNote.parse(latest.body());
    assertEquals(served().text(), note.text());
    assertEquals(2, note.signatures().size());
    note.verify(List.of(NoteKeys.parseVerifierKey(nodes.get(2).vkey)));
    assertEquals(404, HTTP.send(HttpRequest.newBuilder(URI.create(nodes.get(2).url() + "/" + "0".repeat(64)
        + "/checkpoint")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  @Test
  void state_survivesARestart_andIsNotRolledBack() throws Exception {
    log.append(signer, "a", 8);
    assertAll(200, ask(0, List.of(), served()));
    WitnessNode first = nodes.get(0);
    Path state = first.config.state;
    first.close();
    WitnessNode again = new WitnessNode(first.name, first.keys, log.url(), log.keyPair().getPublic(), state, List.of(), 0);
    nodes.set(0, again);
    WitnessClient c = new WitnessClient(again.url(), again.name, HttpTransport.builder().maxAttempts(1).build());
    // The witness still holds 8: a client starting from 0 is told so, and a smaller tree is refused.
    WitnessClient.Answer a = c.addCheckpoint(new AddCheckpoint(0, List.of(), served()));
    assertEquals(409, a.status());
    assertEquals(8, a.witnessSize().getAsLong());
    log.append(signer, "b", 4);
    assertEquals(200, c.addCheckpoint(new AddCheckpoint(8, proof(8, 12), served())).status());
  }
}
