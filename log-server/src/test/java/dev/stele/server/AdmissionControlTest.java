package dev.stele.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.server.http.RequestLimits;
import dev.stele.server.sequencer.FaultyStore;
import dev.stele.server.sequencer.SequencerStore;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admission control over real HTTP and bare sockets (issue 12): a cap on connections, deadlines
 * for headers, bodies and answers, a bound on requests waiting for verification (503 before the
 * body is read), body limits per route. Each test runs a server with small limits.
 */
class AdmissionControlTest {
  @TempDir Path dir;

  private static RequestLimits limits(int connections, int verifyQueue, long queryBody, long requestMs, long headerMs) {
    return new RequestLimits(connections, verifyQueue, queryBody, Duration.ofMillis(requestMs), Duration.ofMillis(headerMs));
  }

  private TestServer start(RequestLimits limits) throws Exception {
    return TestServer.start(TestServer.config(dir, limits), UnaryOperator.identity());
  }

  private static String post(String path, int contentLength) {
    return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
        + contentLength + "\r\n\r\n";
  }

  private static void awaitMetric(TestServer log, String line) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!log.get("/metrics").body().contains(line)) {
      assertTrue(System.nanoTime() < end, "never saw " + line);
      Thread.sleep(20);
    }
  }

  @Test
  void connectionsBeyondTheCap_areClosedWhenAccepted() throws Exception {
    try (TestServer log = start(limits(2, 256, 65536, 10_000, 20_000));
        RawHttp a = new RawHttp(log.server.port());
        RawHttp b = new RawHttp(log.server.port())) {
      // Both are served (and so counted) before the third arrives.
      assertEquals(200, a.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n").read(Duration.ofSeconds(10), true).status());
      assertEquals(200, b.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n").read(Duration.ofSeconds(10), true).status());
      try (RawHttp c = new RawHttp(log.server.port())) {
        RawHttp.Answer third = c.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n").read(Duration.ofSeconds(10), true);
        assertTrue(third.closed() && third.text().isEmpty(), "the third is closed unanswered: " + third);
      }
      a.close();
      long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      int status = -1;
      while (status != 200 && System.nanoTime() < end) { // the server sees the close a moment later
        try (RawHttp d = new RawHttp(log.server.port())) {
          status = d.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n").read(Duration.ofSeconds(2), true).status();
        }
      }
      assertEquals(200, status, "a slot is free again once a connection closes");
    }
  }

  @Test
  void headersThatDoNotArriveInTime_closeTheConnection_asDoesAnIdleKeepAlive() throws Exception {
    try (TestServer log = start(limits(1024, 256, 65536, 10_000, 500))) {
      try (RawHttp slow = new RawHttp(log.server.port())) {
        long start = System.nanoTime();
        slow.send("GET /ping HTTP/1.1\r\nHo");
        RawHttp.Answer a = slow.read(Duration.ofSeconds(10), false);
        assertTrue(a.closed() && a.text().isEmpty(), a.toString());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "closed at the header deadline");
      }
      try (RawHttp idle = new RawHttp(log.server.port())) {
        assertEquals(200, idle.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n").read(Duration.ofSeconds(10), true).status());
        RawHttp.Answer after = idle.read(Duration.ofSeconds(10), false);
        assertTrue(after.closed(), "an idle keep-alive connection is closed at the header deadline too");
      }
    }
  }

  @Test
  void aBodyThatDoesNotArriveInTime_408_andTheConnectionIsClosed() throws Exception {
    try (TestServer log = start(limits(1024, 256, 65536, 500, 20_000));
        RawHttp slow = new RawHttp(log.server.port())) {
      slow.send(post("/api/v1/log/entries", 1000)).send("{\"apiVersion\":");
      RawHttp.Answer a = slow.read(Duration.ofSeconds(10), false);
      assertEquals(408, a.status(), a.text());
      assertTrue(a.text().contains("the request body did not arrive within 500 ms"), a.text());
      assertTrue(a.closed(), "closed: the rest of the body cannot be read as the next request");
      assertEquals(0, log.server.sequencer().queueDepth());
    }
  }

  @Test
  void verificationSlotsFull_503BeforeTheBodyIsRead_andFreedWhenTheRequestEnds() throws Exception {
    try (TestServer log = start(limits(1024, 1, 65536, 10_000, 20_000));
        RawHttp holder = new RawHttp(log.server.port())) {
      // Holds the one slot: its body is still on the way.
      holder.send(post("/api/v1/log/entries", 1000)).send("{\"apiVersion\":");
      awaitMetric(log, "stele_http_verify_slots 1.0");
      try (RawHttp second = new RawHttp(log.server.port())) {
        // Only the headers: the answer comes before any of the body is sent.
        RawHttp.Answer a = second.send(post("/api/v1/log/entries", 1000)).read(Duration.ofSeconds(10), false);
        assertEquals(503, a.status(), a.text());
        assertTrue(a.text().contains("Retry-After: "), a.text());
        assertTrue(a.text().toLowerCase().contains("connection: close"), a.text());
        assertTrue(a.closed());
      }
      HttpResponse<String> search = log.post("/api/v1/index/retrieve", "{\"hash\":\"" + "0".repeat(64) + "\"}");
      assertEquals(200, search.statusCode(), "searches do not take verification slots");
      holder.close();
      Proposals signer = new Proposals();
      long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      int status = -1;
      while (status != 201 && System.nanoTime() < end) {
        status = log.post("/api/v1/log/entries", signer.hashedRekord(Proposals.artifact("after " + System.nanoTime())))
            .statusCode();
      }
      assertEquals(201, status, "the slot is given back when its request ends");
    }
  }

  /** Only an answer that leaves a body unread closes the connection; a 404 does not. */
  @Test
  void anErrorForARequestWithoutABody_keepsTheConnection() throws Exception {
    try (TestServer log = start(RequestLimits.DEFAULTS);
        RawHttp c = new RawHttp(log.server.port())) {
      RawHttp.Answer missing = c.send("GET /tile/0/999 HTTP/1.1\r\nHost: x\r\n\r\n").read(Duration.ofSeconds(10), true);
      assertEquals(404, missing.status(), missing.text());
      assertFalse(missing.text().toLowerCase().contains("connection: close"), missing.text());
      assertEquals(200, c.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n").read(Duration.ofSeconds(10), true).status(),
          "the same connection serves the next request");
    }
  }

  @Test
  void bodyLimitsPerRoute() throws Exception {
    try (TestServer log = start(limits(1024, 256, 4096, 10_000, 20_000))) {
      String five = "{\"x\":\"" + "a".repeat(5000) + "\"}";
      HttpResponse<String> search = log.post("/api/v1/index/retrieve", five);
      assertEquals(413, search.statusCode());
      assertTrue(search.body().contains("at most 4096 bytes on /api/v1/index/retrieve"), search.body());
      assertEquals(413, log.post("/api/v1/log/entries/retrieve", five).statusCode());
      HttpResponse<String> entry = log.post("/api/v1/log/entries", five);
      assertEquals(400, entry.statusCode(), "an entry may be larger: read, then refused as invalid");
    }
  }

  /** The sequencer's disk is stuck: the answer is due at the deadline, and it is pushback. */
  @Test
  void anAnswerNotReadyInTime_503WithRetryAfter_andTheLogGoesOnWhenTheDiskDoes() throws Exception {
    FaultyStore[] faulty = new FaultyStore[1];
    UnaryOperator<SequencerStore> decorate = s -> faulty[0] = new FaultyStore(s, FaultyStore.Fault.COMMIT_BLOCKS);
    Proposals signer = new Proposals();
    String stuck = signer.hashedRekord(Proposals.artifact("stuck"));
    try (TestServer log = TestServer.start(TestServer.config(dir, limits(1024, 256, 65536, 700, 20_000)), decorate)) {
      faulty[0].arm();
      long start = System.nanoTime();
      HttpResponse<String> r = log.post("/api/v1/log/entries", stuck);
      assertEquals(503, r.statusCode(), r.body());
      assertTrue(r.headers().firstValue("Retry-After").isPresent());
      assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "answered at the deadline");
      assertEquals(200, log.get("/readyz").statusCode(), "a slow disk is not a stopped sequencer");
      faulty[0].disarm();
      HttpResponse<String> retry = log.post("/api/v1/log/entries", stuck);
      // The stuck batch committed once the disk came back: the retry finds the entry.
      assertEquals(409, retry.statusCode(), retry.body());
      log.verifiedEntry(log.get(retry.headers().firstValue("Location").orElseThrow()).body());
      log.audit();
      assertFalse(log.get("/metrics").body().contains("status=\"500\""));
    }
  }
}
