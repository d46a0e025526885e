package dev.stele.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.EntryId;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.RekorJson;
import dev.stele.client.protocol.TreeInfo;
import dev.stele.merkle.Hash;
import dev.stele.merkle.proof.ProofVerifier;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Rekor v1 REST API of a real server, checked the way clients check it. */
class RekorApiTest {
  @TempDir static Path dir;
  static TestServer log;
  static Proposals signer;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    log = TestServer.start(dir);
    signer = new Proposals();
  }

  @AfterEach
  void audit() throws Exception {
    log.audit();
  }

  @AfterAll
  static void stop() {
    log.close();
  }

  private static int counter;

  private static byte[] fresh() {
    return Proposals.artifact("artifact " + (counter++) + " " + System.nanoTime());
  }

  @Test
  void createHashedRekord_201_withLocationEtagProofAndSet() throws Exception {
    HttpResponse<String> r = log.post("/api/v1/log/entries", signer.hashedRekord(fresh()));
    assertEquals(201, r.statusCode(), r.body());
    LoggedEntry e = log.verifiedEntry(r.body());
    assertEquals("/api/v1/log/entries/" + e.id(), r.headers().firstValue("Location").orElseThrow());
    assertEquals(e.id().toString(), r.headers().firstValue("ETag").orElseThrow());
    assertEquals(80, e.id().toString().length());
    assertEquals("0000000000000007", e.id().toString().substring(0, 16), "tree ID 7 in the entry ID");
    assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
  }

  @Test
  void createDsse_201() throws Exception {
    HttpResponse<String> r = log.post("/api/v1/log/entries",
        signer.dsse(("{\"_type\":\"https://in-toto.io/Statement/v1\",\"n\":" + counter++ + "}").getBytes(StandardCharsets.UTF_8)));
    assertEquals(201, r.statusCode(), r.body());
    LoggedEntry e = log.verifiedEntry(r.body());
    JsonNode body = JSON.readTree(e.body());
    assertEquals("dsse", body.get("kind").asText());
  }

  @Test
  void duplicate_409_withLocationOfTheOriginal() throws Exception {
    String proposal = signer.hashedRekord(fresh());
    HttpResponse<String> first = log.post("/api/v1/log/entries", proposal);
    assertEquals(201, first.statusCode());
    HttpResponse<String> again = log.post("/api/v1/log/entries", proposal);
    assertEquals(409, again.statusCode());
    assertEquals(first.headers().firstValue("Location"), again.headers().firstValue("Location"));
    JsonNode err = JSON.readTree(again.body());
    assertEquals(409, err.get("code").asInt());
    assertTrue(err.get("message").asText().contains(first.headers().firstValue("ETag").orElseThrow()));
  }

  @Test
  void concurrentDuplicates_oneIsCreated_theOthersGet409ToTheSameEntry() throws Exception {
    String proposal = signer.hashedRekord(fresh());
    long before = log.checkpoint().size();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<HttpResponse<String>>> fs = new ArrayList<>();
      for (int i = 0; i < 16; i++) fs.add(pool.submit(() -> log.post("/api/v1/log/entries", proposal)));
      int created = 0;
      java.util.Set<String> locations = new java.util.HashSet<>();
      for (Future<HttpResponse<String>> f : fs) {
        HttpResponse<String> r = f.get();
        assertTrue(r.statusCode() == 201 || r.statusCode() == 409, r.statusCode() + " " + r.body());
        if (r.statusCode() == 201) created++;
        locations.add(r.headers().firstValue("Location").orElseThrow());
      }
      assertEquals(1, created);
      assertEquals(1, locations.size());
      assertEquals(before + 1, log.checkpoint().size());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void getByUuidEntryIdAndIndex_returnTheSameVerifiedEntry() throws Exception {
    LoggedEntry created = log.verifiedEntry(log.post("/api/v1/log/entries", signer.hashedRekord(fresh())).body());
    // Another entry, so that the reads prove against a newer checkpoint than the 201 did.
    assertEquals(201, log.post("/api/v1/log/entries", signer.hashedRekord(fresh())).statusCode());
    for (String path : List.of(
        "/api/v1/log/entries/" + created.id(),
        "/api/v1/log/entries/" + created.id().uuidHex(),
        "/api/v1/log/entries/" + created.id().uuidHex().toUpperCase(java.util.Locale.ROOT),
        "/api/v1/log/entries?logIndex=" + created.logIndex())) {
      HttpResponse<String> r = log.get(path);
      assertEquals(200, r.statusCode(), path + ": " + r.body());
      LoggedEntry e = log.verifiedEntry(r.body());
      assertEquals(created.logIndex(), e.logIndex(), path);
      assertEquals(created.id(), e.id(), path);
      assertTrue(e.inclusion().orElseThrow().proof().treeSize() > created.inclusion().orElseThrow().proof().treeSize(),
          "reads prove against the latest checkpoint");
    }
  }

  @Test
  void unknownAndMalformedIds_404And400() throws Exception {
    assertEquals(404, log.get("/api/v1/log/entries/" + "0".repeat(63) + "1").statusCode());
    assertEquals(404, log.get("/api/v1/log/entries/" + "0000000000000008" + "1".repeat(64)).statusCode(),
        "an entry ID naming another tree");
    assertEquals(400, log.get("/api/v1/log/entries/xyz").statusCode());
    assertEquals(400, log.get("/api/v1/log/entries/" + "0".repeat(65)).statusCode());
    assertEquals(404, log.get("/api/v1/log/entries?logIndex=999999999").statusCode());
    assertEquals(400, log.get("/api/v1/log/entries?logIndex=-1").statusCode());
    assertEquals(400, log.get("/api/v1/log/entries?logIndex=abc").statusCode());
    assertEquals(400, log.get("/api/v1/log/entries").statusCode());
    HttpResponse<String> r = log.get("/api/v1/log/entries?logIndex=x");
    JsonNode err = JSON.readTree(r.body());
    assertEquals(400, err.get("code").asInt());
    assertTrue(err.get("message").asText().contains("logIndex"));
  }

  @Test
  void retrieve_byUuidsIndexesAndEntries_skipsMissing_limitsTen() throws Exception {
    String a = signer.hashedRekord(fresh());
    LoggedEntry ea = log.verifiedEntry(log.post("/api/v1/log/entries", a).body());
    LoggedEntry eb = log.verifiedEntry(log.post("/api/v1/log/entries", signer.hashedRekord(fresh())).body());
    String q = "{\"entryUUIDs\":[\"" + ea.id().uuidHex() + "\",\"" + "0".repeat(64) + "\"],\"logIndexes\":["
        + eb.logIndex() + ",99999999]}";
    HttpResponse<String> r = log.post("/api/v1/log/entries/retrieve", q);
    assertEquals(200, r.statusCode(), r.body());
    List<LoggedEntry> got = RekorJson.readEntries(r.body().getBytes(StandardCharsets.UTF_8));
    assertEquals(2, got.size());
    for (LoggedEntry e : got) log.verify(e);
    assertEquals(List.of(ea.logIndex(), eb.logIndex()), got.stream().map(LoggedEntry::logIndex).toList());

    HttpResponse<String> byEntry = log.post("/api/v1/log/entries/retrieve",
        "{\"entries\":[" + a + "]}");
    assertEquals(200, byEntry.statusCode(), byEntry.body());
    assertEquals(ea.logIndex(), RekorJson.readEntries(byEntry.body().getBytes(StandardCharsets.UTF_8)).get(0).logIndex());

    StringBuilder many = new StringBuilder("{\"logIndexes\":[0");
    for (int i = 1; i < 11; i++) many.append(',').append(i);
    assertEquals(422, log.post("/api/v1/log/entries/retrieve", many.append("]}").toString()).statusCode());
    assertEquals(400, log.post("/api/v1/log/entries/retrieve", "{\"bogus\":1}").statusCode());
    assertEquals(400, log.post("/api/v1/log/entries/retrieve", "{}").statusCode());
  }

  @Test
  void logInfo_matchesTheCheckpoint_andConsistencyProofsVerify() throws Exception {
    for (int i = 0; i < 3; i++) log.post("/api/v1/log/entries", signer.hashedRekord(fresh()));
    HttpResponse<String> r1 = log.get("/api/v1/log");
    assertEquals(200, r1.statusCode());
    TreeInfo info1 = RekorJson.readLogInfo(r1.body().getBytes(StandardCharsets.UTF_8));
    Checkpoint cp1 = Checkpoint.parse(info1.signedTreeHead().text());
    assertEquals(info1.treeSize(), cp1.size());
    assertEquals(info1.rootHash(), cp1.root());
    assertEquals(7, info1.treeId());
    for (int i = 0; i < 5; i++) log.post("/api/v1/log/entries", signer.hashedRekord(fresh()));
    TreeInfo info2 = RekorJson.readLogInfo(log.get("/api/v1/log").body().getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> p = log.get("/api/v1/log/proof?firstSize=" + info1.treeSize() + "&lastSize=" + info2.treeSize());
    assertEquals(200, p.statusCode(), p.body());
    Map.Entry<Hash, List<Hash>> proof = RekorJson.readConsistencyProof(p.body().getBytes(StandardCharsets.UTF_8));
    assertEquals(info2.rootHash(), proof.getKey());
    ProofVerifier.verifyConsistency(info1.treeSize(), info2.treeSize(), proof.getValue(), info1.rootHash(), info2.rootHash());

    HttpResponse<String> same = log.get("/api/v1/log/proof?firstSize=" + info2.treeSize() + "&lastSize=" + info2.treeSize());
    assertEquals(200, same.statusCode());
    assertEquals(List.of(), RekorJson.readConsistencyProof(same.body().getBytes(StandardCharsets.UTF_8)).getValue());
    HttpResponse<String> dflt = log.get("/api/v1/log/proof?lastSize=" + info2.treeSize());
    assertEquals(200, dflt.statusCode(), "firstSize defaults to 1");

    assertEquals(400, log.get("/api/v1/log/proof?firstSize=3&lastSize=2").statusCode());
    assertEquals(400, log.get("/api/v1/log/proof?firstSize=1&lastSize=" + (info2.treeSize() + 1)).statusCode());
    assertEquals(400, log.get("/api/v1/log/proof?firstSize=0&lastSize=1").statusCode());
    assertEquals(400, log.get("/api/v1/log/proof?firstSize=1").statusCode());
    assertEquals(400, log.get("/api/v1/log/proof?firstSize=1&lastSize=1&treeID=8").statusCode());
  }

  @Test
  void publicKey_isThePemOfTheLogKey() throws Exception {
    HttpResponse<String> r = log.get("/api/v1/log/publicKey");
    assertEquals(200, r.statusCode());
    assertEquals("application/x-pem-file", r.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(log.server.signer().publicKeyPem(), r.body());
    assertEquals(400, log.get("/api/v1/log/publicKey?treeID=12").statusCode());
    assertEquals(200, log.get("/api/v1/log/publicKey?treeID=7").statusCode());
  }

  @Test
  void searchIndex_byHashAndByKey_withAndOr() throws Exception {
    byte[] artifact = fresh();
    LoggedEntry mine = log.verifiedEntry(log.post("/api/v1/log/entries", signer.hashedRekord(artifact)).body());
    Proposals other = new Proposals();
    byte[] otherArtifact = fresh();
    LoggedEntry theirs = log.verifiedEntry(log.post("/api/v1/log/entries", other.hashedRekord(otherArtifact)).body());
    String hex = HexFormat.of().formatHex(Proposals.sha256(artifact));
    String keyQuery = "{\"format\":\"x509\",\"content\":\"" + Proposals.b64(signer.publicKeyPem().getBytes(StandardCharsets.US_ASCII)) + "\"}";

    assertEquals(List.of(mine.id().toString()), search("{\"hash\":\"sha256:" + hex + "\"}"));
    assertEquals(List.of(mine.id().toString()), search("{\"hash\":\"" + hex.toUpperCase(java.util.Locale.ROOT) + "\"}"));
    List<String> byKey = search("{\"publicKey\":" + keyQuery + "}");
    assertTrue(byKey.contains(mine.id().toString()));
    assertFalse(byKey.contains(theirs.id().toString()));
    String otherHex = HexFormat.of().formatHex(Proposals.sha256(otherArtifact));
    assertEquals(List.of(), search("{\"hash\":\"" + otherHex + "\",\"publicKey\":" + keyQuery + ",\"operator\":\"and\"}"));
    List<String> either = search("{\"hash\":\"" + otherHex + "\",\"publicKey\":" + keyQuery + ",\"operator\":\"or\"}");
    assertTrue(either.contains(theirs.id().toString()) && either.contains(mine.id().toString()));

    assertEquals(400, log.post("/api/v1/index/retrieve", "{}").statusCode());
    assertEquals(400, log.post("/api/v1/index/retrieve", "{\"hash\":\"xyz\"}").statusCode());
    assertEquals(400, log.post("/api/v1/index/retrieve", "{\"hash\":\"" + hex + "\",\"operator\":\"xor\"}").statusCode());
    assertEquals(400, log.post("/api/v1/index/retrieve", "{\"publicKey\":{\"format\":\"ssh\",\"content\":\"AAAA\"}}").statusCode());
  }

  /** A search answers from a log index on ({@code ?from=}); a last page has no {@code Link}. */
  @Test
  void searchIndex_fromALogIndex_andNoLinkOnTheLastPage() throws Exception {
    byte[] artifact = fresh();
    String hex = HexFormat.of().formatHex(Proposals.sha256(artifact));
    List<LoggedEntry> same = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      // ECDSA signatures differ each time: three entries for one artifact digest.
      same.add(log.verifiedEntry(log.post("/api/v1/log/entries", signer.hashedRekord(artifact)).body()));
    }
    String q = "{\"hash\":\"" + hex + "\"}";
    assertEquals(same.stream().map(e -> e.id().toString()).toList(), search(q));
    HttpResponse<String> r = log.post("/api/v1/index/retrieve?from=" + same.get(1).logIndex(), q);
    assertEquals(200, r.statusCode(), r.body());
    List<String> rest = new ArrayList<>();
    JSON.readTree(r.body()).forEach(n -> rest.add(n.asText()));
    assertEquals(List.of(same.get(1).id().toString(), same.get(2).id().toString()), rest);
    assertTrue(r.headers().firstValue("Link").isEmpty(), "everything fit: no next page");
    assertEquals(400, log.post("/api/v1/index/retrieve?from=-1", q).statusCode());
  }

  private static List<String> search(String q) throws Exception {
    HttpResponse<String> r = log.post("/api/v1/index/retrieve", q);
    assertEquals(200, r.statusCode(), r.body());
    List<String> out = new ArrayList<>();
    JSON.readTree(r.body()).forEach(n -> out.add(n.asText()));
    for (String id : out) EntryId.parse(id);
    return out;
  }

  @Test
  void badInput_getsA4xxWithAMessage_andStoresNothing() throws Exception {
    long before = log.checkpoint().size();
    byte[] artifact = fresh();
    String good = signer.hashedRekord(artifact);
    String digest = HexFormat.of().formatHex(Proposals.sha256(artifact));
    List<String[]> cases = List.of(
        new String[] {"malformed JSON", "{\"apiVersion\":", "400"},
        new String[] {"not an object", "[1,2]", "400"},
        new String[] {"empty object", "{}", "400"},
        new String[] {"unknown kind", good.replace("\"hashedrekord\"", "\"rpm\""), "400"},
        new String[] {"unknown version", good.replace("\"0.0.1\"", "\"9.9.9\""), "400"},
        new String[] {"bad base64 signature", good.replaceFirst("\"content\":\"[^\"]+\"", "\"content\":\"!!notbase64\""), "400"},
        new String[] {"bad PEM", signer.hashedRekord(digest, signer.sign(artifact))
            .replaceFirst("\"publicKey\":\\{\"content\":\"[^\"]+\"", "\"publicKey\":{\"content\":\"" + Proposals.b64("not a pem".getBytes(StandardCharsets.US_ASCII)) + "\""), "400"},
        new String[] {"unsupported hash algorithm", good.replace("\"sha256\"", "\"md5\""), "400"},
        new String[] {"digest of the wrong length", signer.hashedRekord(digest.substring(2), signer.sign(artifact)), "400"},
        new String[] {"signature that does not verify", signer.hashedRekord(HexFormat.of().formatHex(Proposals.sha256(fresh())), signer.sign(artifact)), "400"},
        new String[] {"unknown field", good.replace("\"apiVersion\"", "\"extra\":1,\"apiVersion\""), "400"},
        new String[] {"oversized body", "{\"x\":\"" + "a".repeat(70 * 1024) + "\"}", "413"},
        new String[] {"empty body", "", "400"});
    List<String> failures = new ArrayList<>();
    for (String[] c : cases) {
      HttpResponse<String> r = log.post("/api/v1/log/entries", c[1]);
      String what = c[0] + ": " + r.statusCode() + " " + r.body();
      if (r.statusCode() != Integer.parseInt(c[2])) {
        failures.add("expected " + c[2] + " for " + what);
        continue;
      }
      JsonNode err = JSON.readTree(r.body());
      if (err.get("code").asInt() != r.statusCode() || err.get("message").asText().length() < 10) {
        failures.add("no {code,message} body for " + what);
      }
    }
    assertEquals(List.of(), failures);
    assertEquals(before, log.checkpoint().size(), "nothing was appended");
  }

  @Test
  void unknownRoutesAndMethods_jsonErrors() throws Exception {
    HttpResponse<String> r = log.get("/api/v2/nothing");
    assertEquals(404, r.statusCode());
    assertEquals(404, JSON.readTree(r.body()).get("code").asInt());
    assertEquals(405, log.post("/api/v1/log", "{}").statusCode());
  }

  @Test
  void healthAndMetrics() throws Exception {
    assertEquals(200, log.get("/healthz").statusCode());
    assertEquals(200, log.get("/readyz").statusCode());
    log.post("/api/v1/log/entries", signer.hashedRekord(fresh()));
    String m = log.get("/metrics").body();
    for (String name : List.of("stele_entries_appended_total", "stele_sequencer_batch_size_entries_count",
        "stele_sequencer_commit_seconds_count", "stele_tree_size", "stele_sequencer_queue_depth",
        "stele_http_requests_seconds_count{method=\"POST\",route=\"create_entry\",status=\"201\"}")) {
      assertTrue(m.contains(name), "metrics lack " + name);
    }
    assertFalse(m.contains("PRIVATE"), "no key material in metrics");
  }
}
