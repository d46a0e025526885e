package dev.stele.server.http;

import dev.stele.server.sequencer.LogOverloadedException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission control for HTTP (issue 12): what keeps the work and memory that clients can make
 * the server spend bounded, whatever they send and however slowly. One per server, shared by
 * every HTTP verticle; its handlers run on event loops and never block.
 *
 * <ul>
 *   <li><b>Connections</b> ({@link #connectionHandler}): at most {@link
 *       RequestLimits#maxConnections()} open at once; one more is closed when it is accepted. A
 *       connection must send each request's headers within {@link RequestLimits#headerTimeout()}
 *       of being opened or of its previous answer, or it is closed: a client trickling header
 *       bytes cannot hold a connection longer than that.
 *   <li><b>A deadline on every request</b> ({@link #deadline}): the answer is due {@link
 *       RequestLimits#requestTimeout()} after the headers. A body still incomplete then gets 408
 *       and the connection is closed; otherwise the answer is 503 with {@code Retry-After}. Work
 *       queued for the request checks its {@link Deadline} before it starts and is skipped.
 *   <li><b>Verification slots</b> ({@link #verifySlot}): at most {@link
 *       RequestLimits#verifyQueue()} requests that verify signatures are between their headers
 *       and the end of their verification; one more gets 503 before its body is read.
 *   <li><b>Body limits per route</b> ({@link #body}): each route reads at most the bytes it needs.
 * </ul>
 */
public final class RequestGuards {
  private static final String DEADLINE = "stele.deadline";
  private static final String SLOT = "stele.verifySlot";
  private static final String BODY_LIMIT = "stele.bodyLimit";
  private static final Deadline NONE = new Deadline(0);

  private final RequestLimits limits;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger verifying = new AtomicInteger();
  /** Each open connection's header timer; each is used on its connection's event loop only. */
  private final Map<HttpConnection, HeaderTimer> headerTimers = new ConcurrentHashMap<>();

  public RequestGuards(RequestLimits limits) {
    this.limits = limits;
  }

  public RequestLimits limits() {
    return limits;
  }

  /** Connections open now. */
  public int openConnections() {
    return connections.get();
  }

  /** Requests holding a verification slot now. */
  public int verifying() {
    return verifying.get();
  }

  /** The answer a request's work may still give; checked by work before it starts. */
  public static final class Deadline {
    private final long millis;
    private volatile boolean expired;

    private Deadline(long millis) {
      this.millis = millis;
    }

    /**
     * Returns normally while the request's answer is still due.
     *
     * @throws LogOverloadedException once the deadline has passed and the request was answered
     *     (the work is skipped; the exception reaches no client)
     */
    public void check() throws LogOverloadedException {
      if (expired) {
        throw new LogOverloadedException("the request's deadline of " + millis + " ms passed", 1);
      }
    }
  }

  /** The deadline of a request that went through {@link #deadline}, or one that never passes. */
  public static Deadline deadlineOf(RoutingContext ctx) {
    Deadline d = ctx.get(DEADLINE);
    return d == null ? NONE : d;
  }

  /** Whether the request has been answered already (by its deadline), or its connection is gone. */
  public static boolean answered(RoutingContext ctx) {
    HttpServerResponse r = ctx.response();
    return r.ended() || r.closed();
  }

  /**
   * The options of an HTTP server these guards can keep: HTTP/1.1 only on a cleartext port (a
   * connection that might still be HTTP/2 is not handed to the {@linkplain #connectionHandler
   * connection handler} until its first 24 bytes have come, so a client sending fewer would
   * hold it unseen), and an idle timeout after which a connection with no traffic at all is
   * closed, longer than any deadline here.
   */
  public HttpServerOptions serverOptions(HttpServerOptions options) {
    long idle = Math.max(limits.headerTimeout().toMillis(), limits.requestTimeout().toMillis()) + 1000;
    return options.setHttp2ClearTextEnabled(false)
        .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, idle))
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  /**
   * Whether the request has a body (a positive {@code Content-Length}, or a {@code
   * Transfer-Encoding}) that has not been read to its end. A request without a body is not
   * "ended" until Vert.x has handled its last (empty) part, which may be after an answer given
   * from its first.
   */
  static boolean bodyUnread(HttpServerRequest req) {
    if (req.isEnded()) {
      return false;
    }
    if (req.getHeader("Transfer-Encoding") != null) {
      return true;
    }
    String length = req.getHeader("Content-Length");
    return length != null && !length.strip().equals("0");
  }

  /** The body limit of the request's route, or {@code fallback} if it has none. */
  static long bodyLimit(RoutingContext ctx, long fallback) {
    Long limit = ctx.get(BODY_LIMIT);
    return limit == null ? fallback : limit;
  }

  // ---- connections ---------------------------------------------------------------------------

  /** The connection handler of one HTTP server (one verticle, whose event loop it runs on). */
  public Handler<HttpConnection> connectionHandler(Vertx vertx) {
    return conn -> {
      if (connections.incrementAndGet() > limits.maxConnections()) {
        connections.decrementAndGet();
        conn.close();
        return;
      }
      HeaderTimer timer = new HeaderTimer(vertx, conn, limits.headerTimeout().toMillis());
      headerTimers.put(conn, timer);
      conn.closeHandler(v -> {
        timer.cancel();
        headerTimers.remove(conn);
        connections.decrementAndGet();
      });
      timer.start();
    };
  }

  /** Closes a connection that has not sent a request's headers in time. */
  private static final class HeaderTimer {
    private final Vertx vertx;
    private final HttpConnection conn;
    private final long millis;
    private long id = -1;

    HeaderTimer(Vertx vertx, HttpConnection conn, long millis) {
      this.vertx = vertx;
      this.conn = conn;
      this.millis = millis;
    }

    void start() {
      cancel();
      id = vertx.setTimer(millis, t -> conn.close());
    }

    void cancel() {
      if (id >= 0) {
        vertx.cancelTimer(id);
        id = -1;
      }
    }
  }

  // ---- requests ------------------------------------------------------------------------------

  /** The first handler of every request: stops the header timer and starts the request's deadline. */
  public void deadline(RoutingContext ctx) {
    HttpConnection conn = ctx.request().connection();
    HeaderTimer headers = conn == null ? null : headerTimers.get(conn);
    if (headers != null) {
      headers.cancel();
    }
    long millis = limits.requestTimeout().toMillis();
    Deadline d = new Deadline(millis);
    ctx.put(DEADLINE, d);
    Vertx vertx = ctx.vertx();
    long timer = vertx.setTimer(millis, id -> expire(ctx, d));
    ctx.addEndHandler(v -> {
      vertx.cancelTimer(timer);
      if (headers != null && headerTimers.get(conn) == headers) {
        headers.start(); // the next request's headers are due from now
      }
    });
    ctx.next();
  }

  private static void expire(RoutingContext ctx, Deadline d) {
    d.expired = true;
    HttpServerResponse resp = ctx.response();
    if (resp.ended() || resp.closed() || resp.headWritten()) {
      return;
    }
    if (bodyUnread(ctx.request())) {
      ErrorMapper.send(ctx, 408, "the request body did not arrive within " + d.millis + " ms");
    } else {
      ErrorMapper.retryAfter(resp, 1);
      ErrorMapper.send(ctx, 503, "the log could not answer within " + d.millis + " ms; retry shortly");
    }
  }

  /**
   * Takes a verification slot for the request, before its body is read, or answers 503 with
   * {@code Retry-After} if there is none. The slot is given back by {@link #verified} or when the
   * request ends.
   */
  public void verifySlot(RoutingContext ctx) {
    if (verifying.incrementAndGet() > limits.verifyQueue()) {
      verifying.decrementAndGet();
      ctx.fail(new LogOverloadedException("the log is verifying " + limits.verifyQueue()
          + " requests already; retry shortly", 1));
      return;
    }
    AtomicBoolean held = new AtomicBoolean(true);
    Runnable release = () -> {
      if (held.compareAndSet(true, false)) {
        verifying.decrementAndGet();
      }
    };
    ctx.put(SLOT, release);
    ctx.addEndHandler(v -> release.run());
    ctx.next();
  }

  /** Gives back the request's verification slot, if it holds one: its verification is done. */
  public static void verified(RoutingContext ctx) {
    Runnable release = ctx.get(SLOT);
    if (release != null) {
      release.run();
    }
  }

  /** Reads the request body, at most {@code limit} bytes (413 beyond). */
  public static Handler<RoutingContext> body(long limit) {
    BodyHandler reader = BodyHandler.create(false).setBodyLimit(limit);
    return ctx -> {
      ctx.put(BODY_LIMIT, limit);
      reader.handle(ctx);
    };
  }
}
