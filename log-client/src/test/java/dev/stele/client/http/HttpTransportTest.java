package dev.stele.client.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The transport against real HTTP servers on 127.0.0.1 (JDK {@code HttpServer}, port 0). */
class HttpTransportTest {
  /** A handler for one path: what the server does with the exchange. */
  @FunctionalInterface
  interface Handler {
    void handle(HttpExchange x) throws Exception;
  }

  /** A server whose paths answer as the test says, counting requests per path. */
  static final class Server implements AutoCloseable {
    final HttpServer http;
    final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    final List<String> methods = Collections.synchronizedList(new ArrayList<>());
    final Map<String, Deque<Handler>> scripts = new ConcurrentHashMap<>();

    Server() throws IOException {
      http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      http.setExecutor(Executors.newFixedThreadPool(4));
      http.createContext("/", x -> {
        try (x) {
          String path = x.getRequestURI().getPath();
          hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
          methods.add(x.getRequestMethod() + " " + path);
          x.getRequestBody().readAllBytes();
          Deque<Handler> s = scripts.get(path);
          Handler h = s == null ? null : s.size() > 1 ? s.poll() : s.peek();
          if (h == null) {
            send(x, 404, "no such path");
          } else {
            h.handle(x);
          }
        } catch (Exception e) {
          // the client went away (a test that cancels); nothing to answer
        }
      });
      http.start();
    }

    /** The path answers with these handlers in turn; the last one stays. */
    Server on(String path, Handler... handlers) {
      scripts.put(path, new ArrayDeque<>(List.of(handlers)));
      return this;
    }

    URI url(String path) {
      return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + path);
    }

    int hits(String path) {
      AtomicInteger n = hits.get(path);
      return n == null ? 0 : n.get();
    }

    @Override
    public void close() {
      http.stop(0);
      ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
    }
  }

  static void send(HttpExchange x, int status, String body, String... headers) throws IOException {
    for (int i = 0; i < headers.length; i += 2) {
      x.getResponseHeaders().add(headers[i], headers[i + 1]);
    }
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      try (OutputStream out = x.getResponseBody()) {
        out.write(b);
      }
    }
  }

  static Handler answer(int status, String body, String... headers) {
    return x -> send(x, status, body, headers);
  }

  private final List<AutoCloseable> open = new ArrayList<>();

  private Server server() throws IOException {
    Server s = new Server();
    open.add(s);
    return s;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private static HttpTransport.Builder fast() {
    return HttpTransport.builder().timeout(Duration.ofSeconds(5)).bodyTimeout(Duration.ofSeconds(5))
        .backoff(Duration.ofMillis(10), Duration.ofMillis(40));
  }

  @Test
  void get_returnsTheRawBody_andAnyNonRetriedStatusAsItIs() throws Exception {
    byte[] raw = {0, (byte) 0xff, 'a', '\n'};
    Server s = server().on("/bytes", x -> {
      x.sendResponseHeaders(200, raw.length);
      x.getResponseBody().write(raw);
    }).on("/missing", answer(404, "not here"));
    HttpTransport t = fast().build();
    HttpTransport.Response r = t.send(HttpTransport.Request.get(s.url("/bytes")));
    assertEquals(200, r.status());
    assertArrayEquals(raw, r.body());
    assertEquals(1, r.attempts());
    HttpTransport.Response missing = t.send(HttpTransport.Request.get(s.url("/missing")));
    assertEquals(404, missing.status());
    assertEquals("not here", new String(missing.body(), StandardCharsets.UTF_8));
    assertEquals(1, s.hits("/missing"), "a 404 is an answer, not retried");
  }

  @Test
  void get_503ThenRetryAfterSeconds_waitsThatLong_thenSucceeds() throws Exception {
    Server s = server().on("/busy", answer(503, "busy", "Retry-After", "1"), answer(200, "ok"));
    long t0 = System.nanoTime();
    HttpTransport.Response r = fast().build().send(HttpTransport.Request.get(s.url("/busy")));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(200, r.status());
    assertEquals(2, r.attempts());
    assertEquals(2, s.hits("/busy"));
    assertTrue(ms >= 1000, "Retry-After: 1 was not honoured, retried after " + ms + " ms");
  }

  @Test
  void get_429WithRetryAfterDate_waitsUntilThen() throws Exception {
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(2));
    Server s = server().on("/slow", answer(429, "", "Retry-After", date), answer(200, "ok"));
    long t0 = System.nanoTime();
    assertEquals(200, fast().build().send(HttpTransport.Request.get(s.url("/slow"))).status());
    // An HTTP-date has whole seconds: "now + 2 s" is at least one second away once truncated.
    assertTrue((System.nanoTime() - t0) / 1_000_000 >= 900, "an HTTP-date Retry-After was not honoured");
  }

  @Test
  void get_retryAfterLongerThanAllowed_failsAtOnce_withTheAnswer() throws Exception {
    Server s = server().on("/later", answer(503, "come back tomorrow", "Retry-After", "86400"));
    HttpException e = assertThrows(HttpException.class,
        () -> fast().maxRetryAfter(Duration.ofSeconds(5)).build().send(HttpTransport.Request.get(s.url("/later"))));
    assertEquals(HttpException.Reason.STATUS, e.reason());
    assertEquals(503, e.status().getAsInt());
    assertEquals(Duration.ofSeconds(86400), e.refusedRetryAfter().orElseThrow());
    assertEquals("come back tomorrow", new String(e.response().orElseThrow().body(), StandardCharsets.UTF_8));
    assertTrue(e.getMessage().contains("retry after 86400 s, longer than the 5 s"), e.getMessage());
    assertEquals(1, s.hits("/later"));
  }

  @Test
  void get_always500_givesUpAfterMaxAttempts_keepingTheLastAnswer() throws Exception {
    Server s = server().on("/down", answer(500, "{\"message\":\"broken\"}"));
    HttpException e = assertThrows(HttpException.class,
        () -> fast().maxAttempts(3).build().send(HttpTransport.Request.get(s.url("/down"))));
    assertEquals(HttpException.Reason.STATUS, e.reason());
    assertEquals(3, e.attempts());
    assertEquals(3, s.hits("/down"));
    assertTrue(e.getMessage().contains("answered 500 (after 3 attempts)"), e.getMessage());
    assertEquals("{\"message\":\"broken\"}", new String(e.response().orElseThrow().body(), StandardCharsets.UTF_8));
  }

  @Test
  void post_isRetriedOnlyWhenTheCallerSaysItIsSafe() throws Exception {
    Server s = server().on("/submit", answer(503, ""), answer(201, "made"));
    HttpTransport t = fast().build();
    HttpTransport.Request post = HttpTransport.Request.post(s.url("/submit"), "application/json", "{}".getBytes());
    HttpException e = assertThrows(HttpException.class, () -> t.send(post));
    assertEquals(1, e.attempts());
    assertEquals(1, s.hits("/submit"));
    s.on("/submit", answer(503, ""), answer(201, "made"));
    assertEquals(201, t.send(post.retrySafe()).status());
    assertEquals(3, s.hits("/submit"));
  }

  @Test
  void nobodyListening_retriesThenThrowsNetwork() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    HttpException e = assertThrows(HttpException.class, () -> fast().maxAttempts(3).build()
        .send(HttpTransport.Request.get(URI.create("http://127.0.0.1:" + port + "/x"))));
    assertEquals(HttpException.Reason.NETWORK, e.reason());
    assertEquals(3, e.attempts());
    assertTrue(e.getMessage().contains("no answer after 3 attempts"), e.getMessage());
  }

  @Test
  void headersLaterThanTheTimeout_throwNetwork() throws Exception {
    Server s = server().on("/late", x -> {
      Thread.sleep(2000);
      send(x, 200, "too late");
    });
    long t0 = System.nanoTime();
    HttpException e = assertThrows(HttpException.class, () -> fast().timeout(Duration.ofMillis(300)).maxAttempts(1)
        .build().send(HttpTransport.Request.get(s.url("/late"))));
    assertEquals(HttpException.Reason.NETWORK, e.reason());
    assertTrue(e.getMessage().contains("HttpTimeoutException"), e.getMessage());
    assertTrue((System.nanoTime() - t0) / 1_000_000 < 1500, "the header deadline did not end the call");
  }

  @Test
  void serverStallingMidBody_endsAtTheBodyDeadline_andIsRetried() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    open.add(release::countDown);
    Server s = server().on("/stall", x -> {
      x.sendResponseHeaders(200, 1000);
      OutputStream out = x.getResponseBody();
      out.write(new byte[100]);
      out.flush();
      release.await(30, TimeUnit.SECONDS); // the other 900 bytes never come
    });
    long t0 = System.nanoTime();
    HttpException e = assertThrows(HttpException.class, () -> fast().bodyTimeout(Duration.ofMillis(400))
        .maxAttempts(2).build().send(HttpTransport.Request.get(s.url("/stall"))));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(HttpException.Reason.NETWORK, e.reason());
    assertTrue(e.getMessage().contains("did not arrive whole within 400 ms"), e.getMessage());
    assertEquals(2, s.hits("/stall"), "a stalled body is a network failure, retried");
    assertTrue(ms >= 800 && ms < 5000, "two body deadlines of 400 ms took " + ms + " ms");
  }

  @Test
  void bodyLargerThanTheCap_failsWithoutReadingOn_andIsNotRetried() throws Exception {
    Server s = server().on("/big", x -> {
      x.sendResponseHeaders(200, 0); // chunked: the length is not announced
      try (OutputStream out = x.getResponseBody()) {
        for (int i = 0; i < 64; i++) {
          out.write(new byte[1024]);
        }
      }
    });
    HttpTransport t = fast().build();
    HttpException e = assertThrows(HttpException.class,
        () -> t.send(HttpTransport.Request.get(s.url("/big")).maxBytes(4096)));
    assertEquals(HttpException.Reason.TOO_LARGE, e.reason());
    assertTrue(e.getMessage().contains("larger than 4096 bytes"), e.getMessage());
    assertEquals(1, s.hits("/big"));
    assertEquals(65536, t.send(HttpTransport.Request.get(s.url("/big")).maxBytes(65536)).body().length,
        "exactly the cap is fine");
  }

  @Test
  void redirectToTheSameOrigin_isFollowed() throws Exception {
    Server s = server();
    s.on("/old", answer(301, "", "Location", "/new")).on("/new", answer(200, "moved here"));
    HttpTransport.Response r = fast().build().send(HttpTransport.Request.get(s.url("/old")));
    assertEquals(200, r.status());
    assertEquals("moved here", new String(r.body(), StandardCharsets.UTF_8));
    assertEquals(s.url("/new"), r.uri());
    assertEquals(1, r.attempts(), "a redirect is not a failed attempt");
  }

  @Test
  void redirectToAnotherOrigin_isRefused_andTheOtherHostSeesNothing() throws Exception {
    Server other = server().on("/steal", answer(200, "thanks"));
    Server s = server().on("/hook", answer(307, "", "Location", other.url("/steal").toString()));
    HttpTransport t = fast().build();
    HttpException e = assertThrows(HttpException.class, () -> t.send(HttpTransport.Request
        .post(s.url("/hook"), "application/json", "{\"secret\":1}".getBytes()).retrySafe()));
    assertEquals(HttpException.Reason.REDIRECT, e.reason());
    assertTrue(e.getMessage().contains("redirect to another origin, http://127.0.0.1:" + other.http.getAddress().getPort()),
        e.getMessage());
    assertFalse(e.getMessage().contains("/steal"), "the message names the origin only: " + e.getMessage());
    assertEquals(0, other.hits("/steal"));
    // Another port on the same host is another origin too, for a GET as well.
    s.on("/get", answer(302, "", "Location", other.url("/steal").toString()));
    assertEquals(HttpException.Reason.REDIRECT,
        assertThrows(HttpException.class, () -> t.send(HttpTransport.Request.get(s.url("/get")))).reason());
    assertEquals(0, other.hits("/steal"));
  }

  @Test
  void redirects_areBounded_andAPostIsNotTurnedIntoAGet() throws Exception {
    Server s = server().on("/loop", answer(302, "", "Location", "/loop")).on("/post", answer(302, "", "Location", "/x"));
    HttpTransport t = fast().maxRedirects(3).build();
    HttpException loop = assertThrows(HttpException.class, () -> t.send(HttpTransport.Request.get(s.url("/loop"))));
    assertEquals(HttpException.Reason.REDIRECT, loop.reason());
    assertEquals(4, s.hits("/loop"));
    HttpException post = assertThrows(HttpException.class, () -> t.send(HttpTransport.Request.post(s.url("/post"),
        "text/plain", new byte[1])));
    assertEquals(HttpException.Reason.REDIRECT, post.reason());
    assertEquals(0, s.hits("/x"));
  }

  @Test
  void aSameOrigin307_keepsThePostAndItsBody() throws Exception {
    List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    Server s = server();
    s.http.removeContext("/");
    s.http.createContext("/", x -> {
      try (x) {
        bodies.add(x.getRequestMethod() + " " + x.getRequestURI().getPath() + " "
            + new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (x.getRequestURI().getPath().equals("/a")) {
          send(x, 307, "", "Location", "/b");
        } else {
          send(x, 200, "ok");
        }
      }
    });
    fast().build().send(HttpTransport.Request.post(s.url("/a"), "text/plain", "payload".getBytes()));
    assertEquals(List.of("POST /a payload", "POST /b payload"), bodies);
  }

  @Test
  void describedAs_keepsTheUrlOutOfMessages() throws Exception {
    Server s = server().on("/hooks/s3cr3t-token", answer(500, ""));
    HttpException e = assertThrows(HttpException.class, () -> fast().maxAttempts(2).build().send(HttpTransport.Request
        .post(s.url("/hooks/s3cr3t-token"), "application/json", new byte[0]).retrySafe().describedAs("the webhook")));
    assertTrue(e.getMessage().startsWith("the webhook: answered 500"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    assertFalse(HttpTransport.Request.get(URI.create("http://user:pw@127.0.0.1/x")).toString().contains("pw"));
  }

  @Test
  void bearerToken_goesToItsOriginOnly() throws Exception {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    Handler record = x -> {
      seen.add(x.getLocalAddress().getPort() + " " + x.getRequestHeaders().getFirst("Authorization"));
      send(x, 200, "ok");
    };
    Server log = server().on("/r", record);
    Server other = server().on("/r", record);
    HttpTransport t = fast().bearerToken(log.url("/"), "tok-123").build();
    t.send(HttpTransport.Request.get(log.url("/r")));
    t.send(HttpTransport.Request.get(other.url("/r")));
    assertEquals(List.of(log.http.getAddress().getPort() + " Bearer tok-123", other.http.getAddress().getPort() + " null"),
        seen);
    assertFalse(t.toString().contains("tok-123"), t.toString());
  }

  @Test
  void bearerToken_isRefusedForPlainHttpToAnythingButALoopbackIpLiteral() {
    for (String url : new String[] {"http://localhost:3000", "http://127.0.0.1.example:3000", "http://10.0.0.1",
        "http://log.example"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> HttpTransport.builder().bearerToken(URI.create(url), "t"), url);
      assertTrue(e.getMessage().contains("refusing to send a token over plain HTTP"), e.getMessage());
      assertFalse(e.getMessage().contains(" t "), e.getMessage());
    }
    HttpTransport.builder().bearerToken(URI.create("http://127.0.0.1:3000"), "t");
    HttpTransport.builder().bearerToken(URI.create("http://[::1]:3000"), "t");
    HttpTransport.builder().bearerToken(URI.create("https://log.example"), "t");
    assertThrows(IllegalArgumentException.class,
        () -> HttpTransport.builder().bearerToken(URI.create("https://log.example"), "two words"));
  }
}
