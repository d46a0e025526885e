package dev.stele.server.http;

import dev.stele.server.log.InvalidRequestException;
import dev.stele.server.log.NotFoundException;
import dev.stele.server.sequencer.DuplicateEntryException;
import dev.stele.server.sequencer.LogOverloadedException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletionException;
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
 *   <li>A status set by Vert.x itself (413 body too large, 404 no route, 405): that status.
 *   <li>Anything else: 500 with a reference; the details go to the log, never to the client.
 * </ul>
 */
public final class ErrorMapper implements Handler<RoutingContext> {
  private static final Logger LOG = Logger.getLogger(ErrorMapper.class.getName());

  /** Maps the leaf hash of a duplicate to the path of the logged entry. */
  private final Function<DuplicateEntryException, String> duplicateLocation;
  private final long bodyLimit;

  public ErrorMapper(Function<DuplicateEntryException, String> duplicateLocation, long bodyLimit) {
    this.duplicateLocation = duplicateLocation;
    this.bodyLimit = bodyLimit;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable t = unwrap(ctx.failure());
    HttpServerResponse resp = ctx.response();
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
    } else if (t instanceof LogOverloadedException) {
      status = 503;
      int after = ((LogOverloadedException) t).retryAfterSeconds();
      // Spread retries so that a crowd of clients does not come back in step.
      after += ThreadLocalRandom.current().nextInt(Math.max(1, after));
      resp.putHeader("Retry-After", Integer.toString(after));
      message = t.getMessage();
    } else if (t instanceof RejectedExecutionException) {
      // A worker pool refused the task: the server is shutting down.
      status = 503;
      resp.putHeader("Retry-After", "5");
      message = "the log is shutting down; retry shortly";
    } else if (t == null && ctx.statusCode() >= 400) {
      status = ctx.statusCode();
      message = messageFor(status);
    } else {
      status = 500;
      String ref = Long.toHexString(ThreadLocalRandom.current().nextLong());
      LOG.log(Level.SEVERE, "internal error " + ref + " on " + ctx.request().method() + " "
          + ctx.request().path(), t);
      message = "internal error (reference " + ref + "); the server log has the details";
    }
    send(ctx, status, message);
  }

  /** Writes the JSON error body. */
  public static void send(RoutingContext ctx, int status, String message) {
    String body = new JsonObject().put("code", status).put("message", message).encode();
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body);
  }

  /** The message for a status Vert.x itself set (no route, body too large...). */
  public String messageFor(int status) {
    switch (status) {
      case 413:
        return "request body too large: this log accepts at most " + bodyLimit + " bytes";
      case 404:
        return "no such resource; see the Rekor v1 API (/api/v1/...) and tlog-tiles (/checkpoint, /tile/...)";
      case 405:
        return "method not allowed on this resource";
      case 415:
        return "unsupported media type";
      default:
        return "request failed with status " + status;
    }
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
    return t;
  }
}
