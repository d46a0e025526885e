package dev.stele.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stele.client.bundle.Bundle;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.Dsse;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.NoteKeys;
import dev.stele.client.protocol.RekorJson;
import dev.stele.client.protocol.SignedNote;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.proof.InclusionProof;
import dev.stele.merkle.proof.ProofVerifier;
import dev.stele.merkle.tiles.EntryBundle;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileId;
import dev.stele.merkle.tiles.TileProofBuilder;
import dev.stele.merkle.tiles.TileReader;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Rekor v2 API of a real server on the same tree as the v1 API: appends answered as protobuf
 * JSON TransparencyLogEntry under the v2 checkpoint, duplicates and bad requests refused as for
 * v1, and entries of either API provable through the other's checkpoint and tiles.
 */
class RekorV2ApiTest {
  @TempDir static Path dir;
  static TestServer log;
  static Proposals signer;
  static final ObjectMapper JSON = new ObjectMapper();
  private static int counter;

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

  private static byte[] fresh() {
    return Proposals.artifact("v2 artifact " + (counter++) + " " + System.nanoTime());
  }

  /** A hashedRekordRequestV002 for {@code artifact}, the key as {@code verifierField}. */
  static String request(byte[] artifact, String verifierField) throws Exception {
    return request(signer, artifact, verifierField);
  }

  /** A hashedRekordRequestV002 for {@code artifact} signed by {@code signer}, the key as publicKey. */
  static String request(Proposals signer, byte[] artifact) throws Exception {
    return request(signer, artifact, "publicKey");
  }

  private static String request(Proposals signer, byte[] artifact, String verifierField) throws Exception {
    return "{\"hashedRekordRequestV002\":{\"digest\":\"" + Proposals.b64(Proposals.sha256(artifact))
        + "\",\"signature\":{\"content\":\"" + Proposals.b64(signer.sign(artifact)) + "\",\"verifier\":{\""
        + verifierField + "\":{\"rawBytes\":\"" + Proposals.b64(signer.key.getPublic().getEncoded())
        + "\"},\"keyDetails\":\"PKIX_ECDSA_P256_SHA_256\"}}}}";
  }

  /** The v2 answer, parsed, with its proof checked against its checkpoint (v2 origin). */
  private static LoggedEntry verifiedV2(HttpResponse<String> r) throws Exception {
    return verifiedV2(r, "hashedrekord");
  }

  private static LoggedEntry verifiedV2(HttpResponse<String> r, String kind) throws Exception {
    assertEquals(201, r.statusCode(), r.body());
    JsonNode json = JSON.readTree(r.body());
    assertEquals("0", json.get("integratedTime").asText());
    assertFalse(json.has("inclusionPromise"), "no SET in a v2 answer");
    assertTrue(json.get("logIndex").isTextual(), "logIndex is a string");
    assertEquals(kind, json.get("kindVersion").get("kind").asText());
    assertEquals("0.0.2", json.get("kindVersion").get("version").asText());
    assertEquals(Base64.getEncoder().encodeToString(log.server.signer().logId().bytes()),
        json.get("logId").get("keyId").asText());
    Bundle.TlogEntry t = Bundle.parseEntry(json);
    LoggedEntry e = t.entry();
    var inc = e.inclusion().orElseThrow();
    ProofVerifier.verifyInclusion(e.logIndex(), inc.proof().treeSize(), Rfc6962.hashLeaf(e.body()),
        inc.proof().hashes(), inc.rootHash());
    Checkpoint cp = v2Checkpoint(inc.checkpoint());
    assertEquals(inc.proof().treeSize(), cp.size());
    assertEquals(inc.rootHash(), cp.root());
    return e;
  }

  /** A v2 checkpoint: the log's signature, origin the bare host. */
  private static Checkpoint v2Checkpoint(SignedNote note) throws Exception {
    note.verify(List.of(NoteKeys.rekorVerifier("127.0.0.1", log.logKey())));
    Checkpoint cp = Checkpoint.parse(note.text());
    assertEquals("127.0.0.1", cp.origin());
    return cp;
  }

  @Test
  void createWithPublicKey_201_aTransparencyLogEntryUnderTheV2Checkpoint() throws Exception {
    byte[] artifact = fresh();
    HttpResponse<String> r = log.post("/api/v2/log/entries", request(artifact, "publicKey"));
    LoggedEntry e = verifiedV2(r);
    String body = new String(e.body(), StandardCharsets.UTF_8);
    assertEquals("{\"apiVersion\":\"0.0.2\",\"kind\":\"hashedrekord\",\"spec\":{\"hashedRekordV002\":{\"data\":"
        + "{\"algorithm\":\"SHA2_256\",\"digest\":\"" + Proposals.b64(Proposals.sha256(artifact)) + "\"},"
        + "\"signature\":{\"content\":\"" + JSON.readTree(body).at("/spec/hashedRekordV002/signature/content").asText()
        + "\",\"verifier\":{\"keyDetails\":\"PKIX_ECDSA_P256_SHA_256\",\"publicKey\":{\"rawBytes\":\""
        + Proposals.b64(signer.key.getPublic().getEncoded()) + "\"}}}}}}", body);
    String location = r.headers().firstValue("Location").orElseThrow();
    assertTrue(location.endsWith(e.id().uuidHex()), location);
    // The same entry through v1: with its SET, proven under the v1 checkpoint.
    LoggedEntry v1 = log.verifiedEntry(log.get(location).body());
    assertEquals(e.logIndex(), v1.logIndex());
  }

  @Test
  void aPublicKeySentAsCertificate_isRecordedAsThePublicKeyItIs() throws Exception {
    // @sigstore/sign 4.1 sends a signer's key in x509Certificate.rawBytes.
    LoggedEntry e = verifiedV2(log.post("/api/v2/log/entries", request(fresh(), "x509Certificate")));
    JsonNode verifier = JSON.readTree(e.body()).at("/spec/hashedRekordV002/signature/verifier");
    assertTrue(verifier.has("publicKey") && !verifier.has("x509Certificate"), verifier.toString());
  }

  @Test
  void snakeCaseNames_areProtobufJsonToo() throws Exception {
    String req = request(fresh(), "public_key").replace("hashedRekordRequestV002", "hashed_rekord_request_v002")
        .replace("rawBytes", "raw_bytes").replace("keyDetails", "key_details");
    verifiedV2(log.post("/api/v2/log/entries", req));
  }

  @Test
  void duplicate_409_withLocationAndLogIndex_throughEitherApi() throws Exception {
    byte[] artifact = fresh();
    String req = request(artifact, "publicKey");
    LoggedEntry first = verifiedV2(log.post("/api/v2/log/entries", req));
    HttpResponse<String> again = log.post("/api/v2/log/entries", req);
    assertEquals(409, again.statusCode(), again.body());
    assertEquals(Long.toString(first.logIndex()), again.headers().firstValue("X-Log-Index").orElseThrow());
    assertTrue(again.headers().firstValue("Location").orElseThrow().endsWith(first.id().uuidHex()));
    assertTrue(again.body().contains("already exists"), again.body());
    // v1 and v2 entries of one signature are different entries (different bodies).
    HttpResponse<String> v1 = log.post("/api/v1/log/entries", signer.hashedRekord(artifact));
    assertEquals(201, v1.statusCode(), v1.body());
  }

  @Test
  void badRequests_400_withAReason_andNothingAppended() throws Exception {
    long before = log.checkpoint().size();
    byte[] a = fresh();
    String good = request(a, "publicKey");
    String[][] cases = {
      {"", "no body"},
      {"not json", "not valid JSON"},
      {"{}", "names no entry"},
      {"{\"dsseRequestV002\":{}}", "dsseRequestV002.envelope"},
      {good.replace("{\"hashedRekordRequestV002\"", "{\"dsseRequestV002\":{},\"hashedRekordRequestV002\""), "two entries"},
      {good.replace("\"keyDetails\"", "\"extra\":1,\"keyDetails\""), "verifier.extra'"},
      {good.replace("PKIX_ECDSA_P256_SHA_256", "PKIX_ED25519"), "PKIX_ED25519 is not accepted"},
      {good.replace("PKIX_ECDSA_P256_SHA_256", "PKIX_ECDSA_P384_SHA_384"), "but the key is ECDSA P-256"},
      {good.replace(Proposals.b64(Proposals.sha256(a)), Proposals.b64(Proposals.sha256(fresh()))), "does not verify"},
      {good.replace(Proposals.b64(Proposals.sha256(a)), Proposals.b64(new byte[20])), "is 20 bytes"},
      {good.replace("\"digest\":\"", "\"digest\":\"!"), "base64"},
      {good.replace("publicKey", "x509Certificate").replace(Proposals.b64(signer.key.getPublic().getEncoded()),
          Proposals.b64(new byte[] {1, 2, 3})), "not a DER X.509 certificate"},
    };
    for (String[] c : cases) {
      HttpResponse<String> r = log.post("/api/v2/log/entries", c[0]);
      assertEquals(400, r.statusCode(), c[1] + ": " + r.body());
      assertTrue(r.body().contains(c[1]), c[1] + ": " + r.body());
    }
    assertEquals(before, log.checkpoint().size());
  }

  @Test
  void v1AndV2EntriesInterleave_andEachIsProvableThroughTheOthersCheckpointAndTiles() throws Exception {
    List<Long> indexes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      indexes.add(log.verifiedEntry(log.post("/api/v1/log/entries", signer.hashedRekord(fresh())).body()).logIndex());
      indexes.add(verifiedV2(log.post("/api/v2/log/entries", request(fresh(), "publicKey"))).logIndex());
    }
    // One tree: the two checkpoints state the same size and root, under their two origins.
    Checkpoint v1 = log.checkpoint();
    Checkpoint v2 = v2Checkpoint(SignedNote.parse(log.get("/api/v2/checkpoint").body()));
    assertEquals(v1.size(), v2.size());
    assertEquals(v1.root(), v2.root());
    assertEquals("127.0.0.1 - 7", v1.origin());
    // Every entry, v1 or v2, is proven from the v2 tiles against the v2 checkpoint.
    TileReader v2Tiles = ids -> {
      List<HashTile> out = new ArrayList<>();
      try {
        for (TileId id : ids) out.add(HashTile.decode(id, fetch("/api/v2/" + id.path())));
      } catch (Exception e) {
        throw new IOException(e);
      }
      return out;
    };
    assertEquals(v2.root(), TileProofBuilder.root(v2Tiles, v2.size()));
    List<byte[]> bodies = EntryBundle.decode(fetch("/api/v2/" + TileId.atSize(0, 0, v2.size()).entriesPath()));
    for (long i : indexes) {
      InclusionProof p = TileProofBuilder.inclusion(v2Tiles, i, v2.size());
      Hash leaf = Rfc6962.hashLeaf(bodies.get((int) i));
      ProofVerifier.verifyInclusion(i, v2.size(), leaf, p.hashes(), v2.root());
      // And through v1: the entry with its SET, under the v1 checkpoint.
      LoggedEntry e = RekorJson.readEntry(log.get("/api/v1/log/entries?logIndex=" + i).body().getBytes(StandardCharsets.UTF_8));
      log.verify(e);
      assertEquals(leaf, Rfc6962.hashLeaf(e.body()));
    }
    // The tiles under both prefixes are the same bytes.
    String tile = TileId.atSize(0, 0, v2.size()).path();
    assertTrue(java.util.Arrays.equals(fetch("/" + tile), fetch("/api/v2/" + tile)));
  }

  @Test
  void search_findsV2EntriesByDigestAndKey() throws Exception {
    byte[] artifact = fresh();
    LoggedEntry e = verifiedV2(log.post("/api/v2/log/entries", request(artifact, "publicKey")));
    String hex = java.util.HexFormat.of().formatHex(Proposals.sha256(artifact));
    HttpResponse<String> r = log.post("/api/v1/index/retrieve", "{\"hash\":\"sha256:" + hex + "\"}");
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().contains(e.id().uuidHex()), r.body());
  }

  /** A dsseRequestV002 as @sigstore/sign 4.x sends it: the key's SPKI in x509Certificate. */
  static String dsseRequest(String statement, byte[] signedPayload) throws Exception {
    String type = "application/vnd.in-toto+json";
    byte[] payload = statement.getBytes(StandardCharsets.UTF_8);
    return "{\"dsseRequestV002\":{\"envelope\":{\"payload\":\"" + Proposals.b64(payload) + "\",\"payloadType\":\""
        + type + "\",\"signatures\":[{\"sig\":\"" + Proposals.b64(signer.sign(Dsse.pae(type, signedPayload)))
        + "\",\"keyid\":\"\"}]},\"verifiers\":[{\"keyDetails\":\"PKIX_ECDSA_P256_SHA_256\",\"x509Certificate\":"
        + "{\"rawBytes\":\"" + Proposals.b64(signer.key.getPublic().getEncoded()) + "\"}}]}}";
  }

  @Test
  void dsseThroughV2_isADsse002Entry_deduplicated_searchable_andVerifiedAgainstItsEnvelope() throws Exception {
    byte[] subject = fresh();
    String hex = java.util.HexFormat.of().formatHex(Proposals.sha256(subject));
    String statement = "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"a\",\"digest\":"
        + "{\"sha256\":\"" + hex + "\"}}],\"predicateType\":\"https://example.com/p\",\"predicate\":{}}";
    byte[] payload = statement.getBytes(StandardCharsets.UTF_8);
    String req = dsseRequest(statement, payload);
    LoggedEntry e = verifiedV2(log.post("/api/v2/log/entries", req), "dsse");
    JsonNode body = JSON.readTree(e.body());
    assertEquals("0.0.2", body.get("apiVersion").asText());
    JsonNode spec = body.at("/spec/dsseV002");
    assertEquals("SHA2_256", spec.at("/payloadHash/algorithm").asText());
    assertEquals(Proposals.b64(Proposals.sha256(payload)), spec.at("/payloadHash/digest").asText());
    assertEquals(1, spec.get("signatures").size());
    assertEquals(JSON.readTree(req).at("/dsseRequestV002/envelope/signatures/0/sig").asText(),
        spec.at("/signatures/0/content").asText());
    // The key sent in x509Certificate is stored as the public key it is.
    assertEquals(Proposals.b64(signer.key.getPublic().getEncoded()),
        spec.at("/signatures/0/verifier/publicKey/rawBytes").asText());

    HttpResponse<String> again = log.post("/api/v2/log/entries", req);
    assertEquals(409, again.statusCode(), again.body());
    assertEquals(Long.toString(e.logIndex()), again.headers().firstValue("X-Log-Index").orElseThrow());

    // Found by the statement's subject digest, as a dsse 0.0.1 entry is.
    HttpResponse<String> found = log.post("/api/v1/index/retrieve", "{\"hash\":\"sha256:" + hex + "\"}");
    assertEquals(200, found.statusCode(), found.body());
    assertTrue(found.body().contains(e.id().uuidHex()), found.body());

    // The client's reading of the stored body: the envelope's payload hash and signature.
    var parsed = (dev.stele.client.protocol.DsseV2Body) dev.stele.client.protocol.EntryKinds.parseBody(e.body());
    assertEquals(Rfc6962.sha256(payload), parsed.payloadHash());
    assertTrue(java.util.Arrays.equals(e.body(), dev.stele.client.protocol.EntryKinds.canonicalBody(parsed)));

    // A signature over another payload is refused, and nothing is appended.
    long size = log.checkpoint().size();
    HttpResponse<String> bad = log.post("/api/v2/log/entries", dsseRequest(statement, "other".getBytes(StandardCharsets.UTF_8)));
    assertEquals(400, bad.statusCode(), bad.body());
    assertTrue(bad.body().contains("does not verify over the envelope's pre-authentication encoding"), bad.body());
    assertEquals(size, log.checkpoint().size());
  }

  @Test
  void dsseThroughV2_isBoundedAsDsse001Is_manySignaturesOrVerifiers_400_beforeTheyAreTried() throws Exception {
    String statement = "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[],\"predicateType\":"
        + "\"https://example.com/p\",\"predicate\":{}}";
    byte[] payload = statement.getBytes(StandardCharsets.UTF_8);
    JsonNode good = JSON.readTree(dsseRequest(statement, payload));
    long size = log.checkpoint().size();

    // Nine copies of one signature: pairing each with each verifier is the sender's choice of work.
    var manySigs = (com.fasterxml.jackson.databind.node.ObjectNode) good.deepCopy();
    var sigs = (com.fasterxml.jackson.databind.node.ArrayNode) manySigs.at("/dsseRequestV002/envelope/signatures");
    for (int i = 0; i < 8; i++) sigs.add(sigs.get(0).deepCopy());
    HttpResponse<String> r = log.post("/api/v2/log/entries", JSON.writeValueAsString(manySigs));
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(r.body().contains("holds 9 signatures; this log accepts at most 8"), r.body());

    var manyKeys = (com.fasterxml.jackson.databind.node.ObjectNode) good.deepCopy();
    var keys = (com.fasterxml.jackson.databind.node.ArrayNode) manyKeys.at("/dsseRequestV002/verifiers");
    for (int i = 0; i < 8; i++) keys.insert(0, keys.get(0).deepCopy());
    r = log.post("/api/v2/log/entries", JSON.writeValueAsString(manyKeys));
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(r.body().contains("lists 9 keys; this log accepts at most 8"), r.body());
    assertEquals(size, log.checkpoint().size(), "nothing appended");
  }

  private static byte[] fetch(String path) throws Exception {
    HttpResponse<byte[]> r = log.getBytes(path.replace("//", "/"));
    if (r.statusCode() != 200) throw new IOException(path + ": HTTP " + r.statusCode());
    return r.body();
  }
}
