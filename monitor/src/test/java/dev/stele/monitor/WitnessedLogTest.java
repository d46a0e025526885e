package dev.stele.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stele.client.cli.Cli;
import dev.stele.client.keys.KeyFiles;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.NoteSignature;
import dev.stele.client.protocol.ProtocolJson;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.protocol.WitnessPolicy;
import dev.stele.client.verify.VerificationException;
import dev.stele.client.verify.Witnesses;
import dev.stele.server.witness.WitnessConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole of issue 15 in one JVM, over real HTTP on 127.0.0.1: a real Stele log whose policy
 * needs 2 of 3 witnesses, three of the monitor's witnesses, and the real CLI verifying bundles the
 * log signed under that policy. Quorum met; a witness down (the log publishes with two, fail-open
 * or fail-closed, and the metrics say which witness failed and why); two down (fail-closed: the
 * append waits for the timeout and says why); the client refusing a checkpoint with one
 * cosignature, or with a cosignature whose bytes were changed.
 */
class WitnessedLogTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final Map<String, String> ENV = Map.of();

  @TempDir
  Path dir;

  private final List<WitnessNode> nodes = new ArrayList<>();
  private RealLog log;
  private WitnessPolicy policy;
  private Path policyFile;
  private Path logKeyFile;
  private Path logPub;
  private Path artifact;
  private Path signer;
  private int counter;

  @AfterEach
  void stop() {
    if (log != null) {
      log.close();
    }
    for (WitnessNode n : nodes) {
      if (n != null) {
        n.close();
      }
    }
  }

  /** Three witnesses that trust the log's key (made first), then the log that asks them. */
  private void start(boolean failClosed, Duration timeout) throws Exception {
    KeyPair logKey = KeyFiles.generateEcdsaP256();
    logKeyFile = dir.resolve("log-key.pem");
    KeyFiles.writePrivateKeyUnencrypted(logKeyFile, logKey.getPrivate());
    logPub = dir.resolve("log.pub");
    KeyFiles.writePublicKey(logPub, logKey.getPublic());
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= 3; i++) {
      // The monitor part of each witness is not run here; its log URL only names the signer, 127.0.0.1.
      WitnessNode n = new WitnessNode("witness.test/w" + i, URI.create("http://127.0.0.1:9"), logKey.getPublic(),
          dir.resolve("w" + i), List.of());
      nodes.add(n);
      text.append(n.policyLine()).append('\n');
    }
    text.append("group two-of-three 2 witness.test/w1 witness.test/w2 witness.test/w3\nquorum two-of-three\n");
    policyFile = dir.resolve("witnesses.policy");
    Files.writeString(policyFile, text);
    policy = WitnessPolicy.parse(text.toString());
    log = new RealLog(dir.resolve("log"), logKeyFile,
        new WitnessConfig(Optional.empty(), Optional.of(policy), failClosed, timeout, true));
    artifact = dir.resolve("artifact.txt");
    signer = dir.resolve("signer");
    Cli.Run keygen = Cli.run(ENV, "keygen", "--output-key-prefix", signer.toString(), "--no-password");
    assertEquals(0, keygen.code(), keygen.toString());
  }

  private Cli.Run signBlob(Path bundle) throws Exception {
    Files.writeString(artifact, "release " + counter++);
    return Cli.run(ENV, "sign-blob", artifact.toString(), "--key", signer + ".key", "--bundle", bundle.toString(),
        "--log-url", log.url().toString(), "--log-key", logPub.toString());
  }

  private Cli.Run verifyBlob(Path bundle, String... more) {
    List<String> args = new ArrayList<>(List.of("verify-blob", artifact.toString(), "--bundle", bundle.toString(),
        "--key", signer + ".pub", "--log-url", log.url().toString(), "--log-key", logPub.toString()));
    args.addAll(List.of(more));
    return Cli.run(ENV, args.toArray(String[]::new));
  }

  private SignedNote served() throws Exception {
    return SignedNote.parse(HTTP.send(HttpRequest.newBuilder(URI.create(log.url() + "/checkpoint")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  private List<String> cosigners(SignedNote note) throws VerificationException {
    return Witnesses.verify(note, policy).stream().map(Witnesses.Cosignature::witness).toList();
  }

  /** Polls /checkpoint until it is at {@code size} with exactly these cosigners. */
  private SignedNote await(long size, List<String> expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      SignedNote n = served();
      try {
        if (Checkpoint.parse(n.text()).size() == size && cosigners(n).equals(expected)) {
          return n;
        }
        last = cosigners(n).toString();
      } catch (VerificationException e) {
        last = e.getMessage();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("/checkpoint never reached size " + size + " cosigned by " + expected + ": " + last);
  }

  private static String bundleCheckpoint(Path bundle) throws Exception {
    return ProtocolJson.mapper().readTree(Files.readAllBytes(bundle))
        .at("/verificationMaterial/tlogEntries/0/inclusionProof/checkpoint/envelope").asText();
  }

  private Path withCheckpoint(Path bundle, String note, String name) throws Exception {
    ObjectNode json = (ObjectNode) ProtocolJson.mapper().readTree(Files.readAllBytes(bundle));
    ((ObjectNode) json.at("/verificationMaterial/tlogEntries/0/inclusionProof/checkpoint")).put("envelope", note);
    Path out = dir.resolve(name);
    Files.write(out, ProtocolJson.mapper().writeValueAsBytes(json));
    return out;
  }

  @Test
  void failClosed_quorumMet_oneDown_stillMet_twoDown_waitsAndSaysWhy_andTheClientRequiresTheQuorum() throws Exception {
    start(true, Duration.ofSeconds(3));

    // All three up: the bundle's checkpoint is cosigned, and verifies under the 2-of-3 policy.
    Path bundle = dir.resolve("a.bundle.json");
    Cli.Run signed = signBlob(bundle);
    assertEquals(0, signed.code(), signed.toString());
    Cli.Run ok = verifyBlob(bundle, "--witness-policy", policyFile.toString());
    assertEquals(0, ok.code(), ok.toString());
    assertTrue(ok.out().contains("cosignedBy: [witness.test/w"), ok.toString());
    SignedNote cosigned = SignedNote.parse(bundleCheckpoint(bundle));
    assertTrue(cosigners(cosigned).size() >= 2, cosigned.format());

    // The client refuses the same checkpoint with one cosignature (exit 20, WITNESS) ...
    List<NoteSignature> one = new ArrayList<>(cosigned.signatures().subList(0, 2)); // the log's two lines
    one.add(cosigned.signatures().get(2));
    Path oneCosignature = withCheckpoint(bundle, new SignedNote(cosigned.text(), one).format(), "one.json");
    Cli.Run refused = verifyBlob(oneCosignature, "--witness-policy", policyFile.toString());
    assertEquals(20, refused.code(), refused.toString());
    assertTrue(refused.err().contains("has no witness quorum"), refused.toString());
    // ... and with a cosignature whose bytes were changed.
    List<NoteSignature> altered = new ArrayList<>(cosigned.signatures());
    NoteSignature first = altered.get(2);
    byte[] bytes = first.signature();
    bytes[bytes.length - 1] ^= 1;
    altered.set(2, new NoteSignature(first.name(), first.keyId(), bytes));
    Path forged = withCheckpoint(bundle, new SignedNote(cosigned.text(), altered).format(), "forged.json");
    Cli.Run forgedRun = verifyBlob(forged, "--witness-policy", policyFile.toString());
    assertEquals(20, forgedRun.code(), forgedRun.toString());
    assertTrue(forgedRun.err().contains("forged"), forgedRun.toString());
    // Without a policy, both are the log's checkpoint with lines of unknown keys.
    assertEquals(0, verifyBlob(forged).code());

    // One witness down: the other two still make the quorum; the log says which one failed and why.
    nodes.get(2).close();
    nodes.set(2, null);
    Path second = dir.resolve("b.bundle.json");
    assertEquals(0, signBlob(second).code());
    assertEquals(List.of("witness.test/w1", "witness.test/w2"), cosigners(SignedNote.parse(bundleCheckpoint(second))));
    assertEquals(0, verifyBlob(second, "--witness-policy", policyFile.toString()).code());
    String metrics = scrape();
    assertTrue(metrics.contains("stele_witness_errors_total{reason=\"unreachable\",witness=\"witness.test/w3\"} "),
        metrics);
    // The quorum can be met before the down witness' failed exchange is counted: wait for it.
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    while (metricValue(metrics, "stele_witness_errors_total{reason=\"unreachable\",witness=\"witness.test/w3\"}") < 1
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
      metrics = scrape();
    }
    assertTrue(metricValue(metrics, "stele_witness_errors_total{reason=\"unreachable\",witness=\"witness.test/w3\"}") >= 1,
        metrics);

    // Two down: no quorum; the append waits for the timeout and is answered 503 with the reasons,
    // and the entry, durable but not witnessed, is not handed out (503 too, not 404).
    nodes.get(1).close();
    nodes.set(1, null);
    long t0 = System.nanoTime();
    HttpResponse<String> waited = HTTP.send(HttpRequest.newBuilder(URI.create(log.url() + "/api/v1/log/entries"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(new TestEntries().body("unwitnessed"))).build(),
        HttpResponse.BodyHandlers.ofString());
    long took = System.nanoTime() - t0;
    assertEquals(503, waited.statusCode(), waited.body());
    assertTrue(took >= Duration.ofMillis(2900).toNanos(), took + " ns");
    assertTrue(waited.body().contains("no checkpoint covering it reached the witness quorum"), waited.body());
    assertTrue(waited.body().contains("witness.test/w2: ") && waited.body().contains("witness.test/w3: "), waited.body());
    assertTrue(waited.headers().firstValue("Retry-After").isPresent());
    HttpResponse<String> entry = HTTP.send(HttpRequest.newBuilder(URI.create(log.url()
        + "/api/v1/log/entries?logIndex=2")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(503, entry.statusCode(), entry.body());
    assertTrue(metricValue(scrape(), "stele_witness_quorum_missing_total") >= 1);
    // The CLI, retrying as Rekor clients do, gives up with the log's reason (exit 5, refused).
    Cli.Run cli = signBlob(dir.resolve("c.bundle.json"));
    assertEquals(5, cli.code(), cli.toString());
    assertTrue(cli.err().contains("witness quorum"), cli.toString());
  }

  @Test
  void failOpen_oneWitnessDown_publishesWithTwo_twoDown_publishesWithoutAndCountsIt() throws Exception {
    start(false, Duration.ofSeconds(3));
    Path bundle = dir.resolve("a.bundle.json");
    assertEquals(0, signBlob(bundle).code());
    await(1, List.of("witness.test/w1", "witness.test/w2", "witness.test/w3"));

    nodes.get(0).close();
    nodes.set(0, null);
    assertEquals(0, signBlob(dir.resolve("b.bundle.json")).code());
    SignedNote two = await(2, List.of("witness.test/w2", "witness.test/w3"));
    // An online client with the policy is satisfied: log info proves the published head.
    Cli.Run info = Cli.run(ENV, "log", "info", "--log-url", log.url().toString(), "--log-key", logPub.toString(),
        "--witness-policy", policyFile.toString(), "--state", dir.resolve("client-state").toString(), "--tiles");
    assertEquals(0, info.code(), info.toString());
    assertTrue(info.out().contains("cosignedBy: [witness.test/w2 at"), info.toString());
    assertEquals(two.text(), served().text());

    nodes.get(1).close();
    nodes.set(1, null);
    long t0 = System.nanoTime();
    assertEquals(0, signBlob(dir.resolve("c.bundle.json")).code());
    assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(2).toNanos(), "fail-open does not wait for witnesses");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (metricValue(scrape(), "stele_witness_quorum_missing_total") < 1 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(metricValue(scrape(), "stele_witness_quorum_missing_total") >= 1);
    assertEquals(3, Checkpoint.parse(served().text()).size());
    assertEquals(List.of(), cosignersOrEmpty(served()), "a round without the quorum publishes no cosignature");
    assertEquals(1, metricValue(scrape(), "stele_witness_unwitnessed_entries"));
    // A client with the policy refuses what is served now.
    Cli.Run refused = Cli.run(ENV, "log", "info", "--log-url", log.url().toString(), "--log-key", logPub.toString(),
        "--witness-policy", policyFile.toString());
    assertEquals(20, refused.code(), refused.toString());
  }

  private List<String> cosignersOrEmpty(SignedNote n) {
    List<String> out = new ArrayList<>();
    for (WitnessPolicy.Witness w : policy.witnesses()) {
      for (NoteSignature s : n.signatures()) {
        if (s.name().equals(w.key().name()) && s.keyId() == w.key().keyId()) {
          out.add(w.name());
        }
      }
    }
    return out;
  }

  private String scrape() throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(log.url() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static double metricValue(String metrics, String name) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    return -1;
  }
}
