package dev.stele.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import io.vertx.junit5.Timeout;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mixed concurrent load from a Vert.x client: every answer is right, and the server's event
 * loops never block. Two checks:
 *
 * <ul>
 *   <li>exact, whatever the machine's load: store reads and writes and signature checks assert
 *       that they run off the event loops ({@code dev.stele.server.log.Blocking}; the tests run with
 *       assertions on), so one such call on an event loop fails its request and this test;
 *   <li>a backstop for anything else: Vert.x's blocked-thread checker (500 ms in {@link TestServer})
 *       logs each stall; a stall of {@link #STALL_MS} or more fails the test. Shorter ones are not
 *       counted, since on a busy machine a descheduled event loop thread looks blocked too.
 * </ul>
 */
@ExtendWith(VertxExtension.class)
class EventLoopTest {
  /** The longest stall the blocked-thread checker may report without failing the test. */
  static final long STALL_MS = 5_000;

  @TempDir Path dir;
  private TestServer log;
  private static final java.util.regex.Pattern STALL = java.util.regex.Pattern.compile("has been blocked for (\\d+) ms");
  private final List<String> blocked = new CopyOnWriteArrayList<>();
  private final Handler watcher = new Handler() {
    @Override
    public void publish(LogRecord r) {
      String m = r.getMessage();
      if (m == null) return;
      java.util.regex.Matcher stall = STALL.matcher(m);
      if (stall.find() && Long.parseLong(stall.group(1)) >= STALL_MS) blocked.add(m);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void start() throws Exception {
    Logger.getLogger("").addHandler(watcher);
    log = TestServer.start(dir);
  }

  @AfterEach
  void stop() throws Exception {
    log.audit();
    log.close();
    Logger.getLogger("").removeHandler(watcher);
  }

  @Test
  @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
  void mixedConcurrentLoad_allAnsweredRightly_noBlockedEventLoop(Vertx vertx, VertxTestContext test) throws Exception {
    Proposals signer = new Proposals();
    int writes = 300;
    List<Buffer> bodies = new ArrayList<>();
    for (int i = 0; i < writes; i++) bodies.add(Buffer.buffer(signer.hashedRekord(Proposals.artifact("loop " + i))));
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(log.server.port()), new PoolOptions().setHttp1MaxSize(32));
    List<Future<Void>> all = new ArrayList<>();
    for (Buffer body : bodies) {
      all.add(client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/v1/log/entries")
              .putHeader("Content-Type", "application/json"))
          .compose(req -> req.send(body))
          .compose(resp -> resp.body().map(b -> {
            check(201, resp.statusCode(), b);
            return resp.getHeader("Location");
          }))
          .compose(location -> client.request(HttpMethod.GET, location).compose(req -> req.send())
              .compose(resp -> resp.body().map(b -> check(200, resp.statusCode(), b))))
          .compose(v -> client.request(HttpMethod.GET, "/tile/0/000.p/1").compose(req -> req.send()))
          .map(resp -> {
            assertEquals(200, resp.statusCode());
            return (Void) null;
          }));
    }
    Future.all(all).onComplete(test.succeeding(v -> test.verify(() -> {
      assertEquals(List.of(), blocked, "an event loop was blocked");
      assertEquals(writes, log.server.sequencer().head().size());
      test.completeNow();
    })));
  }

  @Test
  void storeReadOnAnEventLoop_failsAtOnce(Vertx vertx, VertxTestContext test) {
    // The exact check above is only worth something if it fires: a store read made on one of
    // this Vert.x instance's event loops must throw, whatever the load.
    vertx.runOnContext(v -> test.verify(() -> {
      AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
          () -> log.server.store().entry(0));
      org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("on event loop thread"), e.getMessage());
      test.completeNow();
    }));
  }

  /** Checks a status and, through the verifier, the entry in the body. */
  private Void check(int expected, int status, Buffer body) {
    assertEquals(expected, status, body.toString());
    try {
      log.verifiedEntry(body.toString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    return null;
  }
}
