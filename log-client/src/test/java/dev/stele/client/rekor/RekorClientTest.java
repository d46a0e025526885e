package dev.stele.client.rekor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.TestLog;
import dev.stele.client.TestLogServer;
import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.crypto.Signer;
import dev.stele.client.crypto.Signers;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.Pem;
import dev.stele.client.protocol.RekorJson;
import dev.stele.client.protocol.TreeInfo;
import dev.stele.client.verify.Artifact;
import dev.stele.client.verify.EntryVerifier;
import dev.stele.client.verify.Expected;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against a real HTTP server on 127.0.0.1 that plays a log, with injected faults. */
class RekorClientTest {
  private final TestLogServer server = startServer();
  private final Signer signer = signer();
  private final RekorClient client = RekorClient.builder(server.url()).timeout(Duration.ofSeconds(5))
      .backoff(Duration.ofMillis(20), Duration.ofMillis(100)).build();

  private static TestLogServer startServer() {
    try {
      return new TestLogServer();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Signer signer() {
    try {
      return Signers.forKeyPair(TestLog.p256());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private byte[] proposal(String artifact) throws Exception {
    byte[] data = artifact.getBytes(StandardCharsets.UTF_8);
    return ProposedEntries.hashedRekord(HashAlgorithm.SHA256, HashAlgorithm.SHA256.digest(data), signer.sign(data),
        Pem.encode("PUBLIC KEY", signer.publicKey().getEncoded()));
  }

  private static TestLogServer.Scripted answer(int status, String body, String... headers) {
    Map<String, String> h = new java.util.LinkedHashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      h.put(headers[i], headers[i + 1]);
    }
    return new TestLogServer.Scripted(status, h, body);
  }

  @Test
  void submit_newEntry_returnsAnEntryThatVerifies() throws Exception {
    RekorClient.Submission s = client.submit(proposal("one"));
    assertFalse(s.alreadyRecorded());
    assertEquals(0, s.entry().logIndex());
    new EntryVerifier(server.log().trustRoot()).verify(s.entry(),
        Expected.builder(Artifact.sha256Of("one".getBytes(StandardCharsets.UTF_8))).trustedKey(signer.publicKey()).build());
  }

  @Test
  void submit_duplicate_followsLocationAndReturnsTheExistingEntry() throws Exception {
    client.submit(proposal("other"));
    byte[] p = proposal("dup");
    LoggedEntry first = client.submit(p).entry();
    RekorClient.Submission again = client.submit(p);
    assertTrue(again.alreadyRecorded());
    assertEquals(first.logIndex(), again.entry().logIndex());
    assertEquals(first.id(), again.entry().id());
    assertEquals(1, server.hits("GET /api/v1/log/entries/" + first.id()));
  }

  @Test
  void submit_duplicateWithoutLocation_fetchesByTheComputedUuid() throws Exception {
    byte[] p = proposal("dup");
    LoggedEntry first = client.submit(p).entry();
    server.sendLocation(false);
    RekorClient.Submission again = client.submit(p);
    assertTrue(again.alreadyRecorded());
    assertEquals(first.logIndex(), again.entry().logIndex());
    assertEquals(1, server.hits("GET /api/v1/log/entries/" + first.id().uuidHex()));
  }

  @Test
  void submit_after503And500_retriesAndSucceeds() throws Exception {
    server.script(answer(503, "{\"code\":503,\"message\":\"busy\"}"), answer(500, ""));
    client.submit(proposal("retry"));
    assertEquals(3, server.hits("POST /api/v1/log/entries"));
  }

  @Test
  void submit_429WithRetryAfter_waitsThatLong() throws Exception {
    server.script(answer(429, "{\"code\":429,\"message\":\"slow down\"}", "Retry-After", "1"));
    long t0 = System.nanoTime();
    client.submit(proposal("patient"));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms >= 1000, "waited only " + ms + " ms");
    assertEquals(2, server.hits("POST /api/v1/log/entries"));
  }

  @Test
  void submit_retryAfterLongerThanAllowed_failsWithoutWaiting() throws Exception {
    server.script(answer(503, "", "Retry-After", "3600"));
    LogClientException e = assertThrows(LogClientException.class, () -> client.submit(proposal("x")));
    assertEquals(LogClientException.Kind.STATUS, e.kind());
    assertEquals(503, e.status().getAsInt());
    assertTrue(e.getMessage().contains("retry after 3600 s"), e.getMessage());
    assertEquals(1, server.hits("POST /api/v1/log/entries"));
  }

  @Test
  void submit_400_isNotRetried_andCarriesTheServersMessage() throws Exception {
    server.script(answer(400, "{\"code\":400,\"message\":\"error processing entry: nope\"}", "Content-Type", "application/json"));
    LogClientException e = assertThrows(LogClientException.class, () -> client.submit(proposal("bad")));
    assertEquals(LogClientException.Kind.STATUS, e.kind());
    assertEquals(400, e.status().getAsInt());
    assertEquals(Optional.of("error processing entry: nope"), e.serverMessage());
    assertTrue(e.getMessage().contains("answered 400: error processing entry: nope"), e.getMessage());
    assertEquals(1, server.hits("POST /api/v1/log/entries"));
  }

  @Test
  void submit_always503_givesUpAfterMaxAttempts() throws Exception {
    for (int i = 0; i < 4; i++) {
      server.script(answer(503, "{\"code\":503,\"message\":\"overloaded\"}"));
    }
    LogClientException e = assertThrows(LogClientException.class, () -> client.submit(proposal("x")));
    assertEquals(503, e.status().getAsInt());
    assertTrue(e.getMessage().contains("after 4 attempts"), e.getMessage());
    assertEquals(4, server.hits("POST /api/v1/log/entries"));
  }

  @Test
  void submit_logAnswersWithAnotherEntry_throwsResponse() throws Exception {
    client.submit(proposal("the other one"));
    LoggedEntry other = server.log().entry(0, 1);
    server.rewrite(e -> other);
    LogClientException e = assertThrows(LogClientException.class, () -> client.submit(proposal("mine")));
    assertEquals(LogClientException.Kind.RESPONSE, e.kind());
    assertTrue(e.getMessage().contains("hashes to"), e.getMessage());
  }

  @Test
  void submit_invalidProposal_isRefusedLocally() {
    byte[] bad = ProposedEntries.hashedRekord(HashAlgorithm.SHA256, new byte[32], new byte[70],
        Pem.encode("PUBLIC KEY", signer.publicKey().getEncoded()));
    assertThrows(IllegalArgumentException.class, () -> client.submit(bad));
    assertEquals(0, server.hits("POST /api/v1/log/entries"));
  }

  @Test
  void anyCall_nobodyListening_retriesThenThrowsNetwork() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    RekorClient dead = RekorClient.builder(URI.create("http://127.0.0.1:" + port)).maxAttempts(3)
        .backoff(Duration.ofMillis(10), Duration.ofMillis(20)).build();
    LogClientException e = assertThrows(LogClientException.class, dead::logInfo);
    assertEquals(LogClientException.Kind.NETWORK, e.kind());
    assertTrue(e.getMessage().contains("(3 attempts)"), e.getMessage());
  }

  @Test
  void anyCall_slowerThanTheTimeout_throwsNetwork() {
    server.delay(1500);
    RekorClient impatient = RekorClient.builder(server.url()).timeout(Duration.ofMillis(300)).maxAttempts(2)
        .backoff(Duration.ofMillis(10), Duration.ofMillis(20)).build();
    LogClientException e = assertThrows(LogClientException.class, impatient::logInfo);
    assertEquals(LogClientException.Kind.NETWORK, e.kind());
    assertTrue(e.getMessage().contains("Timeout"), e.getMessage());
  }

  @Test
  void getByUuidAndIndex_findTheEntry_and404IsEmpty() throws Exception {
    LoggedEntry a = client.submit(proposal("a")).entry();
    client.submit(proposal("b"));
    assertEquals(a.logIndex(), client.getByUuid(a.id().uuidHex()).orElseThrow().logIndex());
    assertEquals(a.logIndex(), client.getByUuid(a.id().toString()).orElseThrow().logIndex());
    assertEquals(a.id(), client.getByIndex(0).orElseThrow().id());
    assertEquals(Optional.empty(), client.getByIndex(7));
    assertEquals(Optional.empty(), client.getByUuid("ab".repeat(32)));
    assertThrows(IllegalArgumentException.class, () -> client.getByUuid("abc"));
  }

  @Test
  void getByIndex_logAnswersWithAnotherIndex_throwsResponse() throws Exception {
    client.submit(proposal("a"));
    client.submit(proposal("b"));
    LoggedEntry second = server.log().entry(1, 2);
    server.rewrite(e -> second);
    LogClientException e = assertThrows(LogClientException.class, () -> client.getByIndex(0));
    assertEquals(LogClientException.Kind.RESPONSE, e.kind());
    assertTrue(e.getMessage().contains("answered with index 1"), e.getMessage());
  }

  @Test
  void getByUuid_malformedAnswer_throwsResponse() throws Exception {
    LoggedEntry a = client.submit(proposal("a")).entry();
    server.script(answer(200, "{\"not\":\"an entry\"}"));
    LogClientException e = assertThrows(LogClientException.class, () -> client.getByUuid(a.id()));
    assertEquals(LogClientException.Kind.RESPONSE, e.kind());
  }

  @Test
  void retrieve_byUuidsAndIndexes() throws Exception {
    LoggedEntry a = client.submit(proposal("a")).entry();
    LoggedEntry b = client.submit(proposal("b")).entry();
    List<LoggedEntry> got = client.retrieve(List.of(a.id().uuidHex()), List.of(1L, 9L));
    assertEquals(2, got.size());
    assertEquals(a.id().uuid(), got.get(0).id().uuid());
    assertEquals(b.logIndex(), got.get(1).logIndex());
  }

  @Test
  void logInfo_andConsistencyProof_verifyAgainstEachOther() throws Exception {
    for (int i = 0; i < 5; i++) {
      client.submit(proposal("entry " + i));
    }
    TreeInfo info = client.logInfo();
    assertEquals(5, info.treeSize());
    RekorClient.Consistency c = client.consistencyProof(2, 5);
    assertEquals(info.rootHash(), c.rootHash());
    c.proof().verify(server.log().checkpointAt(2).root(), info.rootHash());
  }

  @Test
  void consistencyProof_badSizes_carriesTheServersMessage() throws Exception {
    client.submit(proposal("a"));
    LogClientException e = assertThrows(LogClientException.class, () -> client.consistencyProof(1, 9));
    assertEquals(400, e.status().getAsInt());
    assertTrue(e.serverMessage().orElseThrow().contains("lastSize"), e.getMessage());
  }

  @Test
  void publicKey_isTheLogsKey() throws Exception {
    assertEquals(server.log().publicKey(), client.publicKey());
  }

  @Test
  void searchIndex_byArtifactHash() throws Exception {
    LoggedEntry a = client.submit(proposal("findme")).entry();
    client.submit(proposal("other"));
    String hash = "sha256:" + java.util.HexFormat.of().formatHex(HashAlgorithm.SHA256.digest("findme".getBytes(StandardCharsets.UTF_8)));
    assertEquals(List.of(a.id().toString()), client.searchIndex(new RekorJson.SearchIndex(null, null, hash, null, null)));
  }

  @Test
  void retryAfter_parsesSecondsAndDates() throws Exception {
    server.script(answer(503, "", "Retry-After",
        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(2))));
    long t0 = System.nanoTime();
    client.logInfo();
    // An HTTP-date has whole seconds: "now + 2 s" is at least one second away once truncated.
    assertTrue((System.nanoTime() - t0) / 1_000_000 >= 500, "an HTTP-date Retry-After was not honoured");
  }
}
