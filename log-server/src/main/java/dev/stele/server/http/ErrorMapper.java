package dev.stele.server.http;

import dev.stele.server.log.InvalidRequestException;
import dev.stele.server.log.NotFoundException;
import dev.stele.server.log.UnwitnessedException;
import dev.stele.server.sequencer.DuplicateEntryException;
import dev.stele.server.sequencer.LogOverloadedException;
import dev.stele.server.storage.StoreUnavailableException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one failure handler: turns whatever failed a request into a status and a short JSON body
 * {@code {"code": <status>, "message": "..."}}, as Rekor v1 clients expect.
 *
 * <ul>
 *   <li>{@link ApiException}: its status and message (a request the HTTP layer cannot read).
 *   <li>{@link InvalidRequestException}: 400 with its message (a request the log refuses).
 *   <li>{@link NotFoundException}: 404 with its message (an entry or tile the log does not have).
 *   <li>{@link DuplicateEntryException}: 409 with {@code Location} of the entry already logged.
 *   <li>{@link LogOverloadedException}: 503 with {@code Retry-After}.
 *   <li>{@link UnreadableInputException} (a parser's unchecked exception) and the HTTP codec's
 *       errors (a malformed chunk size, a line too long): 400, and the cause to the log. Input
 *       never causes a 5xx.
 *   <li>{@link UnwitnessedException}: 503 with {@code Retry-After} (fail-closed witnessing).
 *   <li>{@link StoreUnavailableException}: 503 with {@code Retry-After}, naming the store (the
 *       distributed driver's database or object store is down); the details go to the log.
 *   <li>A status set by Vert.x itself (413 body too large, 404 no route, 405): that status.
 *   <li>Anything else: 500 with a reference; the details go to the log, never to the client.
 * </ul>
 *
 * <p>A request already answered (its deadline passed, {@link RequestGuards}) is left alone: its
 * work failing afterwards changes nothing. An answer sent before the request body was read
 * closes the connection, whose remaining bytes cannot be trusted as the next request.
 */
public final class ErrorMapper implements Handler<RoutingContext> {
  private static final Logger LOG = Logger.getLogger(ErrorMapper.class.getName());

  /** Maps the leaf hash of a duplicate to the path of the logged entry. */
  private final Function<DuplicateEntryException, String> duplicateLocation;
  private final long bodyLimit;
  /** Where parser faults came from, so that each is logged in full once. */
  private final Set<String> parserFaults = ConcurrentHashMap.newKeySet();

  public ErrorMapper(Function<DuplicateEntryException, String> duplicateLocation, long bodyLimit) {
    this.duplicateLocation = duplicateLocation;
    this.bodyLimit = bodyLimit;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable t = unwrap(ctx.failure());
    HttpServerResponse resp = ctx.response();
    if (resp.ended() || resp.closed()) {
      // Answered by its deadline, or the client has gone: nothing more to say.
      LOG.log(Level.FINE, "failure after the answer: " + ctx.request().path(), t);
      return;
    }
    if (resp.headWritten()) {
      // Too late for a status: the best we can do is cut the connection.
      LOG.log(Level.WARNING, "failure after the response started: " + ctx.request().path(), t);
      resp.reset();
      return;
    }
    int status;
    String message;
    if (t instanceof ApiException) {
      status = ((ApiException) t).status();
      message = t.getMessage();
    } else if (t instanceof InvalidRequestException) {
      status = 400;
      message = t.getMessage();
    } else if (t instanceof NotFoundException) {
      status = 404;
      message = t.getMessage();
    } else if (t instanceof DuplicateEntryException) {
      status = 409;
      String location = duplicateLocation.apply((DuplicateEntryException) t);
      String id = location.substring(location.lastIndexOf('/') + 1);
      message = "an equivalent entry already exists in the transparency log with UUID " + id;
      resp.putHeader("Location", location);
      // Rekor v2 names the logged entry by its index.
      resp.putHeader("X-Log-Index", Long.toString(((DuplicateEntryException) t).index()));
    } else if (t instanceof LogOverloadedException) {
      status = 503;
      retryAfter(resp, ((LogOverloadedException) t).retryAfterSeconds());
      message = t.getMessage();
    } else if (t instanceof UnreadableInputException) {
      status = 400;
      UnreadableInputException u = (UnreadableInputException) t;
      logParserFault(u);
      message = u.what() + " could not be read (" + u.getCause().getClass().getSimpleName()
          + "); see docs/protocol.md for its format";
    } else if (isCodecError(t)) {
      status = 400;
      message = "malformed HTTP request: " + t.getClass().getSimpleName()
          + (t.getMessage() == null ? "" : ": " + shorten(t.getMessage()));
    } else if (t instanceof UnwitnessedException) {
      status = 503;
      resp.putHeader("Retry-After", Integer.toString(((UnwitnessedException) t).retryAfterSeconds()));
      message = t.getMessage();
    } else if (t instanceof StoreUnavailableException) {
      // Passes when the store is back: the client retries, as for an overload.
      status = 503;
      retryAfter(resp, STORE_RETRY_SECONDS);
      LOG.warning(ctx.request().method() + " " + ctx.request().path() + " answered 503: " + t.getMessage());
      message = "the log's " + ((StoreUnavailableException) t).store()
          + " is unavailable for the moment; retry shortly";
    } else if (t instanceof RejectedExecutionException) {
      // A worker pool refused the task: the server is shutting down.
      status = 503;
      resp.putHeader("Retry-After", "5");
      message = "the log is shutting down; retry shortly";
    } else if (t == null && ctx.statusCode() >= 400) {
      status = ctx.statusCode();
      message = messageFor(ctx, status);
    } else {
      status = 500;
      String ref = Long.toHexString(ThreadLocalRandom.current().nextLong());
      LOG.log(Level.SEVERE, "internal error " + ref + " on " + ctx.request().method() + " "
          + ctx.request().path(), t);
      message = "internal error (reference " + ref + "); the server log has the details";
    }
    send(ctx, status, message);
  }

  /**
   * Writes the JSON error body. If the request has a body that has not been read to its end, the
   * connection is closed after the answer: what is left of the body cannot be read as the next
   * request.
   */
  public static void send(RoutingContext ctx, int status, String message) {
    String body = new JsonObject().put("code", status).put("message", message).encode();
    HttpServerResponse resp = ctx.response();
    HttpConnection unread = RequestGuards.bodyUnread(ctx.request()) && ctx.request().version() != HttpVersion.HTTP_2
        ? ctx.request().connection() : null;
    if (unread != null) {
      resp.putHeader("Connection", "close");
    }
    resp.setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body)
        .onComplete(v -> {
          if (unread != null) closeAfterBody(ctx, unread);
        });
  }

  /** {@code Retry-After} (before its random part) when a store cannot be reached. */
  static final int STORE_RETRY_SECONDS = 2;

  /** How long the rest of an unread body is read and dropped before the connection is closed. */
  static final long LINGER_MILLIS = 2_000;

  /**
   * Closes the connection once the client has sent the rest of its body, or after {@link
   * #LINGER_MILLIS}. Closed at once, a socket with unread bytes is reset, and the reset can
   * discard the answer before the client reads it: a client still sending a body that is too
   * large would see a broken connection instead of its 413. What is read meanwhile is dropped.
   */
  private static void closeAfterBody(RoutingContext ctx, HttpConnection connection) {
    HttpServerRequest req = ctx.request();
    if (req.isEnded()) {
      connection.close();
      return;
    }
    long timer = ctx.vertx().setTimer(LINGER_MILLIS, t -> connection.close());
    try {
      req.handler(buf -> {}).endHandler(end -> {
        ctx.vertx().cancelTimer(timer);
        connection.close();
      }).resume();
    } catch (IllegalStateException e) {
      // The request was ended meanwhile: nothing is left to drop.
      ctx.vertx().cancelTimer(timer);
      connection.close();
    }
  }

  /**
   * Sets {@code Retry-After} to {@code seconds} plus a random part of up to as much again, so
   * that a crowd of clients does not come back in step.
   */
  static void retryAfter(HttpServerResponse resp, int seconds) {
    int after = seconds + ThreadLocalRandom.current().nextInt(Math.max(1, seconds));
    resp.putHeader("Retry-After", Integer.toString(after));
  }

  /** The message for a status Vert.x itself set (no route, body too large...). */
  public String messageFor(RoutingContext ctx, int status) {
    switch (status) {
      case 413:
        return "request body too large: this log accepts at most "
            + RequestGuards.bodyLimit(ctx, bodyLimit) + " bytes on " + ctx.request().path();
      case 404:
        return "no such resource; see the Rekor v1 API (/api/v1/...) and tlog-tiles (/checkpoint, /tile/...)";
      case 405:
        return "method not allowed on this resource";
      case 415:
        return "unsupported media type";
      case 408:
        return "the request did not arrive in time";
      case 400:
        return "malformed request: its path or query does not decode (check the percent-escapes)";
      default:
        return "request failed with status " + status;
    }
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
    return t;
  }

  /**
   * Errors of the HTTP codec about the bytes a client sent: Netty's decoder exceptions, and what
   * its decoder throws while reading a chunk size or a query string that is not hex or overflows
   * (a NumberFormatException, an index out of bounds for a non-ASCII digit), which Vert.x hands on
   * as they are. Those are recognized by where they were thrown: in Netty's codec.
   */
  private static boolean isCodecError(Throwable t) {
    if (t instanceof DecoderException || t instanceof TooLongFrameException) {
      return true;
    }
    if (!(t instanceof IllegalArgumentException || t instanceof IndexOutOfBoundsException)) {
      return false;
    }
    StackTraceElement[] at = t.getStackTrace();
    for (int i = 0; i < Math.min(4, at.length); i++) {
      if (at[i].getClassName().startsWith("io.netty.handler.codec.")) {
        return true;
      }
    }
    return false;
  }

  /** Each parser fault is logged with its stack once per place it comes from; then at FINE. */
  private void logParserFault(UnreadableInputException u) {
    Throwable cause = u.getCause();
    StackTraceElement[] at = cause.getStackTrace();
    String where = cause.getClass().getName() + (at.length > 0 ? " at " + at[0] : "");
    boolean first = parserFaults.size() < 1000 && parserFaults.add(where);
    LOG.log(first ? Level.WARNING : Level.FINE, "a parser threw on input (answered 400; the parser"
        + " should report this as a format error): " + u.getMessage(), first ? cause : null);
  }

  private static String shorten(String s) {
    return s.length() <= 200 ? s : s.substring(0, 197) + "...";
  }
}
