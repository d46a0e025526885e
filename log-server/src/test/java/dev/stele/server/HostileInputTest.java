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

  /** The case: 150 Ed25519 verifiers and 150 copies of one signature by the last. */
  @Test
  void dsseWith150VerifiersAnd150Signatures_400_withoutCheckingThem() throws Exception {
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
    String proposal = new String(ProposedEntries.dsse(env.toString(), pems), StandardCharsets.UTF_8);
    // Refused on the count, before a key is parsed or a signature checked.
    assertJsonError(400, log.post("/api/v1/log/entries", proposal),
        "error processing entry: proposedContent.verifiers has 150 keys; this log accepts envelopes of at most 8");
  }

  /** An RSA 3072 key whose public exponent is 3,070 bits long: each check would cost 20 ms. */
  @Test
  void rsaKeyWithAHugeExponent_400() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(3072);
    BigInteger n = ((java.security.interfaces.RSAPublicKey) g.generateKeyPair().getPublic()).getModulus();
    BigInteger e = BigInteger.ONE.shiftLeft(3069).add(BigInteger.ONE);
    byte[] spki = new SubjectPublicKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
        new RSAPublicKey(n, e)).getEncoded();
    String proposal = new String(ProposedEntries.hashedRekord(dev.stele.client.crypto.HashAlgorithm.SHA256,
        new byte[32], new byte[384], Pem.encode("PUBLIC KEY", spki)), StandardCharsets.UTF_8);
    assertJsonError(400, log.post("/api/v1/log/entries", proposal), "unsupported RSA public exponent (3070 bits)");
  }

  @Test
  void aBodyOverTheRoutesLimit_413_namesThatLimit() throws Exception {
    String big = "{\"hash\":\"" + "a".repeat(70 * 1024) + "\"}";
    assertJsonError(413, log.post("/api/v1/index/retrieve", big), "at most 65536 bytes on /api/v1/index/retrieve");
    assertJsonError(413, log.post("/api/v1/log/entries/retrieve", big), "at most 65536 bytes");
    assertFalse(log.get("/metrics").body().matches("(?s).*status=\"5\\d\\d\".*"), "no 5xx was answered");
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
