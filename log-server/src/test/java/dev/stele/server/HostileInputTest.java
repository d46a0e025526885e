package dev.stele.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stele.client.protocol.Dsse;
import dev.stele.client.protocol.Pem;
import dev.stele.client.rekor.ProposedEntries;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/**
 * Malformed and hostile input over real HTTP (issue 12): every case is a 4xx with Rekor's JSON
 * error body, never a 5xx, and the work a hostile entry causes is bounded.
 */
class HostileInputTest {
  @TempDir static Path dir;
  static TestServer log;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    log = TestServer.start(dir);
  }

  @AfterEach
  void audit() throws Exception {
    log.audit();
  }

  @AfterAll
  static void stop() {
    log.close();
  }

  private static void assertJsonError(int status, HttpResponse<String> r, String contains) throws Exception {
    assertEquals(status, r.statusCode(), r.body());
    JsonNode err = JSON.readTree(r.body());
    assertEquals(status, err.get("code").asInt(), r.body());
    assertTrue(err.get("message").asText().contains(contains), r.body());
  }

  private static void assertRawError(int status, String path, String contains) throws Exception {
    try (RawHttp c = new RawHttp(log.server.port())) {
      RawHttp.Answer a = c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").read(Duration.ofSeconds(10), true);
      assertEquals(status, a.status(), path + ": " + a.text());
      JsonNode err = JSON.readTree(body(a.text()));
      assertEquals(status, err.get("code").asInt(), a.text());
      assertTrue(err.get("message").asText().contains(contains), path + ": " + a.text());
    }
  }

  private static String body(String answer) {
    return answer.substring(answer.indexOf("\r\n\r\n") + 4);
  }

  /** A chunk size that is not hex, overflows, is negative or has a non-ASCII digit. */
  @Test
  void brokenChunkedEncodings_400_overARawSocket() throws Exception {
    byte[][] sizes = {"zz".getBytes(StandardCharsets.US_ASCII), "ffffffffffffffffffff".getBytes(StandardCharsets.US_ASCII),
        "-1".getBytes(StandardCharsets.US_ASCII), "\u0661".getBytes(StandardCharsets.UTF_8)};
    for (String path : List.of("/api/v1/index/retrieve", "/api/v1/log/entries")) {
      for (byte[] size : sizes) {
        try (RawHttp c = new RawHttp(log.server.port())) {
          c.send("POST " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
              + "Content-Type: application/json\r\n\r\n").send(size).send("\r\nabc\r\n0\r\n\r\n");
          RawHttp.Answer a = c.read(Duration.ofSeconds(10), true);
          String what = path + " with chunk size " + new String(size, StandardCharsets.UTF_8) + ": " + a.text();
          assertEquals(400, a.status(), what);
          JsonNode err = JSON.readTree(body(a.text()));
          assertEquals(400, err.get("code").asInt(), what);
          assertTrue(err.get("message").asText().startsWith("malformed HTTP request"), what);
        }
      }
    }
  }

  @Test
  void undecodableQueriesAndPaths_andNonAsciiDigits_400() throws Exception {
    // The JDK's client refuses to send these: a bare connection does.
    assertRawError(400, "/api/v1/log/entries?logIndex=%zz", "the query string does not decode");
    assertRawError(400, "/api/v1/log/proof?lastSize=1&treeID=%zz", "the query string does not decode");
    assertRawError(400, "/api/v1/log/entries/%zz", "does not decode");
    // Arabic-Indic digit one: Long.parseLong reads it as 1.
    assertJsonError(400, log.get("/api/v1/log/entries?logIndex=%D9%A1"), "logIndex must be a non-negative integer");
    assertJsonError(400, log.get("/api/v1/log/proof?lastSize=%D9%A1"), "lastSize must be a non-negative integer");
    assertJsonError(400, log.get("/api/v1/log/entries?logIndex=99999999999999999999"), "logIndex must be");
    assertJsonError(400, log.get("/api/v1/log/entries/" + "%D9%A1".repeat(64)), "entryUUID must be");
    assertJsonError(400, log.post("/api/v1/index/retrieve?from=%D9%A1", "{\"hash\":\"" + "0".repeat(64) + "\"}"),
        "from must be a log index");
    assertJsonError(400, log.post("/api/v1/index/retrieve", "{\"hash\":\"" + "\u0661".repeat(64) + "\"}"),
        "must be hexadecimal, found 'U+0661'");
  }

  @Test
  void nullsAndWrongTypesInRetrieve_400() throws Exception {
    assertJsonError(400, log.post("/api/v1/log/entries/retrieve", "{\"entryUUIDs\":[null]}"),
        "entryUUIDs must be strings, not null");
    assertJsonError(400, log.post("/api/v1/log/entries/retrieve", "{\"logIndexes\":[null]}"), "logIndexes");
    assertJsonError(400, log.post("/api/v1/log/entries/retrieve", "{\"entries\":[null]}"), "error processing entry");
  }

  @Test
  void searchEmailAndSubject_checkedAsTheyAreIndexed() throws Exception {
    assertJsonError(400, log.post("/api/v1/index/retrieve", "{\"email\":\"not an address\"}"), "email must");
    assertJsonError(400, log.post("/api/v1/index/retrieve", "{\"email\":\"a@b@c\"}"), "email must be one address");
    assertJsonError(400, log.post("/api/v1/index/retrieve", "{\"subject\":\"" + "s".repeat(513) + "\"}"),
        "subject is 513 characters; this log indexes subjects of at most 512");
    assertEquals(200, log.post("/api/v1/index/retrieve", "{\"subject\":\"" + "s".repeat(512) + "\"}").statusCode());
    assertEquals(200, log.post("/api/v1/index/retrieve", "{\"email\":\"Someone@Example.com\"}").statusCode());
  }

  @Test
  void unknownMethods_countAsOther_inTheMetrics() throws Exception {
    for (String method : List.of("FOOBAR", "BREW", "X-SCAN-1", "X-SCAN-2")) {
      HttpResponse<String> r = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(log.base + "/api/v1/log"))
          .method(method, HttpRequest.BodyPublishers.noBody()).timeout(TestServer.TIMEOUT).build(),
          HttpResponse.BodyHandlers.ofString());
      assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, method + ": " + r.statusCode());
    }
    String m = log.get("/metrics").body();
    assertTrue(m.contains("method=\"other\""), "unknown methods are counted as other");
    for (String method : List.of("FOOBAR", "BREW", "X-SCAN")) {
      assertFalse(m.contains(method), method + " became a label");
    }
  }

  /** The issue's case: 150 Ed25519 verifiers and 150 copies of one signature by the last. */
  @Test
  void dsseWith150VerifiersAnd150Signatures_400_withoutCheckingThem() throws Exception {
    // Refused on the count, before a key is parsed or a signature checked.
    assertJsonError(400, log.post("/api/v1/log/entries", issuesDsse()),
        "error processing entry: proposedContent.verifiers has 150 keys; this log accepts envelopes of at most 8");
  }

  /** The issue's dsse proposal: 150 Ed25519 verifiers, 150 copies of one signature by the last. */
  static String issuesDsse() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
    List<String> pems = new ArrayList<>();
    KeyPair last = null;
    for (int i = 0; i < 150; i++) {
      last = g.generateKeyPair();
      pems.add(Pem.encode("PUBLIC KEY", last.getPublic().getEncoded()));
    }
    byte[] payload = "{}".getBytes(StandardCharsets.UTF_8);
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(last.getPrivate());
    s.update(Dsse.pae("text/plain", payload));
    String sig = Proposals.b64(s.sign());
    ObjectNode env = JsonNodeFactory.instance.objectNode();
    env.put("payload", Proposals.b64(payload));
    env.put("payloadType", "text/plain");
    for (int i = 0; i < 150; i++) env.withArray("signatures").addObject().put("sig", sig);
    return new String(ProposedEntries.dsse(env.toString(), pems), StandardCharsets.UTF_8);
  }

  /** An RSA 3072 key whose public exponent is 3,070 bits long: each check would cost 20 ms. */
  @Test
  void rsaKeyWithAHugeExponent_400() throws Exception {
    assertJsonError(400, log.post("/api/v1/log/entries", hugeExponentProposal()),
        "unsupported RSA public exponent (3070 bits)");
  }

  /** A hashedrekord whose RSA 3072 key has a public exponent of 3,070 bits. */
  static String hugeExponentProposal() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(3072);
    BigInteger n = ((java.security.interfaces.RSAPublicKey) g.generateKeyPair().getPublic()).getModulus();
    BigInteger e = BigInteger.ONE.shiftLeft(3069).add(BigInteger.ONE);
    byte[] spki = new SubjectPublicKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
        new RSAPublicKey(n, e)).getEncoded();
    return new String(ProposedEntries.hashedRekord(dev.stele.client.crypto.HashAlgorithm.SHA256,
        new byte[32], new byte[384], Pem.encode("PUBLIC KEY", spki)), StandardCharsets.UTF_8);
  }

  @Test
  void aBodyOverTheRoutesLimit_413_namesThatLimit() throws Exception {
    String big = "{\"hash\":\"" + "a".repeat(70 * 1024) + "\"}";
    assertJsonError(413, log.post("/api/v1/index/retrieve", big), "at most 65536 bytes on /api/v1/index/retrieve");
    assertJsonError(413, log.post("/api/v1/log/entries/retrieve", big), "at most 65536 bytes");
    assertFalse(log.get("/metrics").body().matches("(?s).*status=\"5\\d\\d\".*"), "no 5xx was answered");
  }

  /**
   * Metric labels come from closed sets: after one round of requests with random methods and
   * paths (each kind of answer they get has its series then), a second round of other random
   * ones adds no series, and no token of either becomes a label.
   */
  @Test
  void randomMethodsAndPaths_addNoMetricSeries() throws Exception {
    List<String> first = randomRequests();
    long series = httpSeries();
    List<String> second = randomRequests();
    assertEquals(series, httpSeries(), "new series after " + second.size() + " requests of random methods and paths");
    String m = log.get("/metrics").body();
    for (String token : first) assertFalse(m.contains(token), token + " became a label");
    for (String token : second) assertFalse(m.contains(token), token + " became a label");
  }

  /** The series of the request metrics now on {@code /metrics}. */
  private static long httpSeries() throws Exception {
    return log.get("/metrics").body().lines().filter(l -> l.startsWith("stele_http")).count();
  }

  /**
   * Requests, with a known and a random method, to paths of every route family with a random
   * part; returns the random tokens. Each round's requests get the same kinds of answers.
   */
  private static List<String> randomRequests() throws Exception {
    List<String> tokens = new ArrayList<>();
    for (String template : List.of("/%s", "/api/v1/%s", "/api/v1/log/entries/%s", "/tile/%s/000", "/tile/0/%s",
        "/api/v1/log/%s", "/checkpoint/%s")) {
      for (int i = 0; i < 5; i++) {
        String part = "r" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        String method = "M" + Long.toHexString(ThreadLocalRandom.current().nextLong()).toUpperCase(java.util.Locale.ROOT);
        tokens.add(part);
        tokens.add(method);
        for (String m : List.of("GET", method)) {
          HttpResponse<String> r = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(log.base + template.formatted(part)))
              .method(m, HttpRequest.BodyPublishers.noBody()).timeout(TestServer.TIMEOUT).build(),
              HttpResponse.BodyHandlers.ofString());
          assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, m + " " + template.formatted(part) + ": " + r.statusCode());
        }
      }
    }
    return tokens;
  }

  /**
   * The issue's hostile and malformed requests change nothing on disk: every row of every column
   * family of the store is the same before and after them, and each got a 4xx.
   */
  @Test
  void hostileAndMalformedRequests_getA4xx_andLeaveTheStoreAsItWas(@TempDir Path own) throws Exception {
    Proposals signer = new Proposals();
    String first = signer.hashedRekord(Proposals.artifact("stored before the corpus"));
    Path db;
    try (TestServer s = TestServer.start(own)) {
      for (int i = 0; i < 3; i++) {
        assertEquals(201, s.post("/api/v1/log/entries", i == 0 ? first : signer.hashedRekord(Proposals.artifact("entry " + i)))
            .statusCode());
      }
      assertEquals(201, s.post("/api/v1/log/entries", signer.dsse("{\"_type\":\"https://in-toto.io/Statement/v1\"}"
          .getBytes(StandardCharsets.UTF_8))).statusCode());
      db = s.rocks().directory();
    }
    Map<String, String> before = rows(db);

    List<String> failures = new ArrayList<>();
    try (TestServer s = TestServer.start(own)) {
      Map<String, String> posts = new java.util.LinkedHashMap<>();
      posts.put("/api/v1/log/entries", issuesDsse());
      posts.put("/api/v1/log/entries ", hugeExponentProposal());
      posts.put("/api/v1/log/entries  ", first); // a duplicate: 409
      posts.put("/api/v1/log/entries   ", "{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":null}");
      posts.put("/api/v1/log/entries    ", "{\"x\":\"" + "a".repeat(70 * 1024) + "\"}");
      posts.put("/api/v1/log/entries/retrieve", "{\"entryUUIDs\":[null]}");
      posts.put("/api/v1/log/entries/retrieve ", "{\"entries\":[null]}");
      posts.put("/api/v1/log/entries/retrieve  ", "{\"entries\":[" + issuesDsse() + "]}");
      posts.put("/api/v1/index/retrieve", "{\"email\":\"not an address\"}");
      posts.put("/api/v1/index/retrieve ", "{\"subject\":\"" + "s".repeat(513) + "\"}");
      posts.put("/api/v1/index/retrieve  ", "{\"hash\":\"" + "\u0661".repeat(64) + "\"}");
      for (Map.Entry<String, String> p : posts.entrySet()) {
        HttpResponse<String> r = s.post(p.getKey().trim(), p.getValue());
        if (r.statusCode() < 400 || r.statusCode() >= 500) {
          failures.add("POST " + p.getKey().trim() + " " + p.getValue().substring(0, Math.min(60, p.getValue().length()))
              + ": " + r.statusCode() + " " + r.body());
        }
      }
      for (String path : List.of("/tile/8/000", "/tile/9/000.p/1", "/api/v1/log/entries?logIndex=%D9%A1",
          "/api/v1/log/entries/" + "%D9%A1".repeat(64))) {
        HttpResponse<String> r = s.get(path);
        if (r.statusCode() < 400 || r.statusCode() >= 500) failures.add("GET " + path + ": " + r.statusCode());
      }
      for (String size : List.of("zz", "ffffffffffffffffffff", "-1", "\u0661")) {
        try (RawHttp c = new RawHttp(s.server.port())) {
          c.send("POST /api/v1/log/entries HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
              + "Content-Type: application/json\r\n\r\n").send(size.getBytes(StandardCharsets.UTF_8)).send("\r\n{}\r\n0\r\n\r\n");
          int status = c.read(Duration.ofSeconds(10), true).status();
          if (status < 400 || status >= 500) failures.add("chunk size " + size + ": " + status);
        }
      }
      assertFalse(s.get("/metrics").body().matches("(?s).*status=\"5\\d\\d\".*"), "no 5xx was answered");
    }
    assertEquals(List.of(), failures);
    Map<String, String> after = rows(db);
    assertEquals(before.keySet(), after.keySet());
    before.forEach((cf, digest) -> assertEquals(digest, after.get(cf), "column family " + cf + " changed"));
  }

  /**
   * The issue's index-key flood: an in-toto statement naming 30,000 digests of made-up names and
   * 300 well-formed sha256 subjects is filed under at most 256 search keys (it made 30,003 rows),
   * the first sha256 subject found by a search, the 300th not.
   */
  @Test
  void inTotoWith30000Digests_isFiledUnderAtMost256Keys(@TempDir Path own) throws Exception {
    ServerConfig c = TestServer.config(own);
    ServerConfig big = new ServerConfig(c.port(), c.bind(), c.dataDir(), c.key(), c.publicUrl(), c.treeId(),
        c.maxBatchSize(), c.maxBatchAge(), c.queueSize(), 1 << 20, c.verifyThreads(), c.readThreads(), c.limits());
    StringBuilder st = new StringBuilder("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"digest\":{");
    for (int i = 0; i < 30_000; i++) st.append(i == 0 ? "" : ",").append("\"a").append(i).append("\":\"v\"");
    st.append("}}");
    for (int i = 0; i < 300; i++) st.append(",{\"digest\":{\"sha256\":\"").append(sha256Of(i)).append("\"}}");
    byte[] payload = st.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    Path db;
    try (TestServer s = TestServer.start(big, java.util.function.UnaryOperator.identity())) {
      HttpResponse<String> r = s.post("/api/v1/log/entries", new Proposals().dsse(payload));
      assertEquals(201, r.statusCode(), r.body());
      HttpResponse<String> found = s.post("/api/v1/index/retrieve", "{\"hash\":\"sha256:" + sha256Of(0) + "\"}");
      assertEquals(200, found.statusCode(), found.body());
      assertEquals(1, JSON.readTree(found.body()).size(), found.body());
      HttpResponse<String> last = s.post("/api/v1/index/retrieve", "{\"hash\":\"sha256:" + sha256Of(299) + "\"}");
      assertEquals(200, last.statusCode(), last.body());
      assertEquals(0, JSON.readTree(last.body()).size(), "past the 256th key: " + last.body());
      db = s.rocks().directory();
    }
    long rows = Long.parseLong(rows(db).get("search").split(" ")[0]);
    assertTrue(rows > 0 && rows <= 256, rows + " search rows");
  }

  private static String sha256Of(int i) throws Exception {
    return hex(Proposals.sha256(("subject " + i).getBytes(StandardCharsets.UTF_8)));
  }

  /** Per column family of the closed store in {@code db}: its row count and a digest of its rows. */
  static Map<String, String> rows(Path db) throws Exception {
    RocksDB.loadLibrary();
    Map<String, String> out = new TreeMap<>();
    List<byte[]> names;
    try (Options o = new Options()) {
      names = RocksDB.listColumnFamilies(o, db.toString());
    }
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    for (byte[] n : names) descriptors.add(new ColumnFamilyDescriptor(n));
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions o = new DBOptions(); RocksDB rdb = RocksDB.openReadOnly(o, db.toString(), descriptors, handles)) {
      for (int i = 0; i < handles.size(); i++) {
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        long count = 0;
        try (RocksIterator it = rdb.newIterator(handles.get(i))) {
          for (it.seekToFirst(); it.isValid(); it.next()) {
            count++;
            md.update(java.nio.ByteBuffer.allocate(8).putInt(it.key().length).putInt(it.value().length).array());
            md.update(it.key());
            md.update(it.value());
          }
        }
        out.put(new String(names.get(i), StandardCharsets.UTF_8), count + " " + hex(md.digest()));
      }
      for (ColumnFamilyHandle h : handles) h.close();
    }
    return out;
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
