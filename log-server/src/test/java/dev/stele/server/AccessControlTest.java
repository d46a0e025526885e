package dev.stele.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.server.security.TokenFile;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may write and read: token files of SHA-256 hashes, client certificates, the admin
 * listener; every write route refuses without credentials (401) and with wrong ones (403), reads
 * stay public unless read tokens are set, and no token reaches a log line or the metrics.
 */
class AccessControlTest {
  private static final String CREATE = "/api/v1/log/entries";
  private static final String WRITER = "w-" + Long.toHexString(System.nanoTime()) + "-secret";
  private static final String READER = "r-" + Long.toHexString(System.nanoTime()) + "-secret";

  @TempDir
  Path dir;

  private final List<String> logLines = Collections.synchronizedList(new ArrayList<>());
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      logLines.add(r.getLoggerName() + " " + r.getMessage() + (r.getThrown() != null ? " " + r.getThrown() : ""));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void captureLogs() {
    Logger.getLogger("").addHandler(capture);
  }

  @AfterEach
  void noTokenInAnyLogLine() {
    Logger.getLogger("").removeHandler(capture);
    for (String line : logLines) {
      assertFalse(line.contains(WRITER) || line.contains(READER), "a token in a log line: " + line);
    }
  }

  private Path tokens(String name, String... nameTokenPairs) throws IOException {
    StringBuilder sb = new StringBuilder("# test tokens\n\n");
    for (int i = 0; i < nameTokenPairs.length; i += 2) {
      sb.append(nameTokenPairs[i]).append(' ').append(TokenFile.hash(nameTokenPairs[i + 1])).append("  # a comment\n");
    }
    Path f = dir.resolve(name);
    Files.writeString(f, sb);
    return f;
  }

  private TestServer plain(Exposure e) throws Exception {
    return TestServer.start(TestServer.config(dir.resolve("data")), e.config(), TestServer.HTTP);
  }

  @Test
  void writeTokens_everyWriteRoute_401Without_403Wrong_201Right_andReadsStayPublic() throws Exception {
    Proposals signer = new Proposals();
    try (TestServer log = plain(new Exposure().writeTokens(tokens("write.tokens", "ci-release", WRITER)))) {
      HttpResponse<String> none = log.post(CREATE, signer.hashedRekord(Proposals.artifact("a")));
      assertEquals(401, none.statusCode(), none.body());
      assertEquals("Bearer realm=\"stele\"", none.headers().firstValue("WWW-Authenticate").orElse(""));
      assertTrue(none.body().contains("authentication required to write to this log: send Authorization: Bearer"),
          none.body());

      HttpResponse<String> basic = log.post(CREATE, "{}", "Authorization", "Basic YTpi");
      assertEquals(401, basic.statusCode(), basic.body());
      assertTrue(basic.body().contains("must be \\\"Bearer <token>\\\""), basic.body());

      HttpResponse<String> wrong = log.post(CREATE, signer.hashedRekord(Proposals.artifact("a")),
          "Authorization", "Bearer " + WRITER + "x");
      assertEquals(403, wrong.statusCode(), wrong.body());
      assertTrue(wrong.body().contains("the token is not accepted to write to this log"), wrong.body());
      assertFalse(wrong.body().contains(WRITER), wrong.body());

      HttpResponse<String> right = log.post(CREATE, signer.hashedRekord(Proposals.artifact("a")),
          "Authorization", "Bearer " + WRITER);
      assertEquals(201, right.statusCode(), right.body());
      var entry = log.verifiedEntry(right.body());
      assertTrue(logLines.stream().anyMatch(l -> l.startsWith("dev.stele.server.audit write accepted: create_entry by"
          + " token ci-release, entry " + entry.id() + " at index 0")), logLines.toString());

      // The Rekor v2 write route is held to the same tokens, and audited under its own name.
      String v2 = RekorV2ApiTest.request(signer, Proposals.artifact("b"));
      assertEquals(401, log.post("/api/v2/log/entries", v2).statusCode());
      assertEquals(403, log.post("/api/v2/log/entries", v2, "Authorization", "Bearer " + WRITER + "x").statusCode());
      HttpResponse<String> rightV2 = log.post("/api/v2/log/entries", v2, "Authorization", "Bearer " + WRITER);
      assertEquals(201, rightV2.statusCode(), rightV2.body());
      assertTrue(logLines.stream().anyMatch(l -> l.startsWith("dev.stele.server.audit write accepted: create_entry_v2 by"
          + " token ci-release, entry ") && l.contains(" at index 1, ")), logLines.toString());

      // Reads need nothing.
      assertEquals(200, log.get("/checkpoint").statusCode());
      assertEquals(200, log.get("/api/v1/log").statusCode());
      assertEquals(200, log.get("/api/v1/log/entries?logIndex=0").statusCode());
      assertEquals(200, log.post("/api/v1/log/entries/retrieve", "{\"logIndexes\":[0]}").statusCode());
      String metrics = log.get("/metrics").body();
      assertFalse(metrics.contains(WRITER), "no token in the metrics");
      assertTrue(metrics.contains("create_entry"), "refusals are counted under their route");
      log.audit();
    }
  }

  @Test
  void readTokens_restrictReads_writeTokensAlsoRead_probesStayOpen_andAReloadedFileIsUsed() throws Exception {
    Path write = tokens("write.tokens", "ci-release", WRITER);
    Path read = tokens("read.tokens", "auditor", READER);
    try (TestServer log = plain(new Exposure().writeTokens(write).readTokens(read))) {
      HttpResponse<String> anon = log.get("/checkpoint");
      assertEquals(401, anon.statusCode(), anon.body());
      assertTrue(anon.body().contains("authentication required to read this log"), anon.body());
      assertEquals(403, log.get("/checkpoint", "Authorization", "Bearer nope").statusCode());
      assertEquals(200, log.get("/checkpoint", "Authorization", "Bearer " + READER).statusCode());
      int tile = log.get("/tile/0/000.p/1", "Authorization", "Bearer " + READER).statusCode();
      assertTrue(tile != 401 && tile != 403, "a read token reads tiles: " + tile);
      assertEquals(200, log.get("/api/v1/log", "Authorization", "Bearer " + WRITER).statusCode());
      assertEquals(401, log.post("/api/v1/index/retrieve", "{}").statusCode());
      assertEquals(200, log.get("/healthz").statusCode());
      assertEquals(200, log.get("/readyz").statusCode());
      assertEquals(401, log.get("/metrics").statusCode(), "the metrics are a read like any other here");
      // A read token does not write.
      Proposals signer = new Proposals();
      assertEquals(403, log.post(CREATE, signer.hashedRekord(Proposals.artifact("r")),
          "Authorization", "Bearer " + READER).statusCode());

      // The operator replaces the auditor's token: the old one stops working, the new one works.
      String fresh = READER + "-2";
      tokens("read.tokens", "auditor", fresh);
      log.server.reloadNow();
      assertEquals(403, log.get("/checkpoint", "Authorization", "Bearer " + READER).statusCode());
      assertEquals(200, log.get("/checkpoint", "Authorization", "Bearer " + fresh).statusCode());
    }
  }

  @Test
  void aClientCertificateFromTheClientCa_standsInForAToken_othersAreRefused() throws Exception {
    TestPki serverCa = new TestPki("server-ca");
    TestPki clientCa = new TestPki("client-ca");
    TestPki stranger = new TestPki("stranger-ca");
    serverCa.server("log", TestPki.ec()).write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    Exposure e = new Exposure().tls(dir.resolve("cert.pem"), dir.resolve("key.pem"))
        .clientCa(clientCa.writeCa(dir.resolve("client-ca.pem")))
        .writeTokens(tokens("write.tokens", "ci-release", WRITER));
    Proposals signer = new Proposals();
    try (TestServer log = TestServer.start(TestServer.config(dir.resolve("data")), e.config(),
        serverCa.client(HttpClient.Version.HTTP_1_1, null))) {
      // Without a certificate: reads are public, writes need a token.
      assertEquals(200, log.get("/checkpoint").statusCode());
      HttpResponse<String> none = log.post(CREATE, signer.hashedRekord(Proposals.artifact("c")));
      assertEquals(401, none.statusCode());
      assertTrue(none.body().contains("or a client certificate from the log's client CA"), none.body());
      assertEquals(201, log.post(CREATE, signer.hashedRekord(Proposals.artifact("c")),
          "Authorization", "Bearer " + WRITER).statusCode());

      // A certificate from the client CA writes, over HTTP/2 as well.
      for (HttpClient.Version v : new HttpClient.Version[] {HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2}) {
        HttpClient withCert = serverCa.client(v, clientCa.client("signer-" + v));
        HttpResponse<String> r = withCert.send(HttpRequest.newBuilder(URI.create(log.base + CREATE))
            .timeout(TestServer.TIMEOUT).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(signer.hashedRekord(Proposals.artifact("cert " + v)))).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        assertEquals(v, r.version());
        assertTrue(logLines.stream().anyMatch(l -> l.contains("by certificate CN=signer-" + v)), logLines.toString());
      }

      // A certificate from another CA does not write: the JDK client does not even offer it (the
      // server names the CAs it accepts), so the request arrives without credentials. (curl
      // presents one anyway in TlsCurlTest, and the handshake fails.)
      HttpClient foreign = serverCa.client(HttpClient.Version.HTTP_1_1, stranger.client("mallory"));
      HttpResponse<String> m = foreign.send(HttpRequest.newBuilder(URI.create(log.base + CREATE))
          .timeout(TestServer.TIMEOUT).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(signer.hashedRekord(Proposals.artifact("m")))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(401, m.statusCode(), m.body());
      assertEquals(3, log.checkpoint().size(), "only the token's and the certificates' writes are logged");
      log.audit();
    }
  }

  @Test
  void theAdminListener_servesTheOperatorsRoutes_andThePublicOneNoLonger() throws Exception {
    try (TestServer log = plain(new Exposure().admin(dir.resolve("backups")))) {
      int admin = log.server.adminPort().orElseThrow();
      for (String path : new String[] {"/healthz", "/readyz", "/metrics"}) {
        assertEquals(404, log.get(path).statusCode(), "public " + path);
        HttpResponse<String> r = TestServer.HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + admin + path)).timeout(TestServer.TIMEOUT).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), "admin " + path);
      }
      assertEquals(200, log.get("/checkpoint").statusCode());
      HttpResponse<String> api = TestServer.HTTP.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + admin + "/checkpoint")).timeout(TestServer.TIMEOUT).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(404, api.statusCode(), "the log's API is not on the admin listener");
    }
  }

  @Test
  void tokenFile_errorsNameTheLine_neverWhatLooksLikeAToken() throws Exception {
    Path f = dir.resolve("bad.tokens");
    Files.writeString(f, "# ok\nci " + TokenFile.hash("x") + "\n\nleaked " + WRITER + "\n");
    IOException e = assertThrows(IOException.class, () -> TokenFile.read(f));
    assertTrue(e.getMessage().contains("line 4: the second word must be 64 hex digits"), e.getMessage());
    assertFalse(e.getMessage().contains(WRITER), e.getMessage());
    Files.writeString(f, "ci " + TokenFile.hash("x") + "\nci " + TokenFile.hash("y") + "\n");
    assertTrue(assertThrows(IOException.class, () -> TokenFile.read(f)).getMessage().contains("used twice"));
    Files.writeString(f, WRITER + "\n");
    e = assertThrows(IOException.class, () -> TokenFile.read(f));
    assertTrue(e.getMessage().contains("line 1: expected a name and the SHA-256 hex"), e.getMessage());
    assertFalse(e.getMessage().contains(WRITER), e.getMessage());
    Files.writeString(f, "a " + TokenFile.hash("one") + "\nb " + TokenFile.hash("two") + "\n");
    TokenFile t = TokenFile.read(f);
    assertEquals("b", t.match("two").orElseThrow());
    assertTrue(t.match("three").isEmpty());
  }
}
