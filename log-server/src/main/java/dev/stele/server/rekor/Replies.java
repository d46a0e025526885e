package dev.stele.server.rekor;

import dev.stele.server.http.ApiException;
import dev.stele.server.http.RequestGuards;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;

/** The HTTP plumbing the Rekor routes share: request bodies, JSON answers, work on a pool. */
final class Replies {
  static final String JSON = "application/json";

  private Replies() {}

  /** The request body, or null after failing the request when there is none. */
  static byte[] body(RoutingContext ctx) {
    Buffer b = ctx.body().buffer();
    if (b == null || b.length() == 0) {
      ctx.fail(ApiException.badRequest("the request has no body; send a JSON document"));
      return null;
    }
    return b.getBytes();
  }

  /**
   * Runs {@code work} on {@code pool}, unordered (requests do not wait for each other), and
   * answers 200 with the JSON it returns on the request's own context, or fails the request with
   * what it throws.
   */
  static void json(RoutingContext ctx, WorkerExecutor pool, Callable<byte[]> work) {
    RequestGuards.Deadline deadline = RequestGuards.deadlineOf(ctx);
    pool.executeBlocking(() -> {
          deadline.check(); // skipped if the request was answered while this waited for a thread
          return work.call();
        }, false)
        .onSuccess(json -> ok(ctx, Buffer.buffer(json)))
        .onFailure(ctx::fail);
  }

  /** Answers 200 with {@code json}, unless the request was answered already (by its deadline). */
  static void ok(RoutingContext ctx, Buffer json) {
    if (RequestGuards.answered(ctx)) return;
    ctx.response().putHeader("Content-Type", JSON).end(json);
  }
}
