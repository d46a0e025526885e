package dev.stele.server.rekor;

import dev.stele.client.protocol.CanonicalEntry;
import dev.stele.server.http.AccessControl;
import dev.stele.server.http.LogServices;
import dev.stele.server.http.RequestGuards;
import dev.stele.server.http.UnreadableInputException;
import dev.stele.server.log.TreeState;
import dev.stele.server.sequencer.LogOverloadedException;
import dev.stele.server.sequencer.Sequenced;
import dev.stele.server.sequencer.Sequencer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * The one path of an append over HTTP, whatever the API (Rekor v1 {@code POST
 * /api/v1/log/entries}, Rekor v2 {@code POST /api/v2/log/entries}): the request's deadline is
 * checked before the entry is canonicalized and verified on the verify pool; nothing is submitted
 * once the request has been answered (a guard's 408 or 503); the sequencer makes the entry durable
 * in a signed tree head; the answer waits for a published head that covers it (the cosigned one
 * under fail-closed witnessing); the answer is built on the read pool and written on the request's
 * context, unless a guard answered meanwhile. Failures go to the one failure handler.
 */
final class Appends {
  private Appends() {}

  /** What a 201 carries: the entry's ID (for {@code Location}), its index, and the body. */
  record Created(String id, long index, Buffer json) {}

  /** Builds the API's answer for an entry committed in {@code s} and covered by {@code head}. */
  interface Answer {
    Created build(CanonicalEntry entry, Sequenced s, TreeState head) throws IOException;
  }

  /**
   * @param what what the body is, for a parser fault's message ("the proposed entry")
   * @param canonicalize validates and verifies the body (on the verify pool)
   * @param etag whether the 201 carries the entry ID as {@code ETag} (Rekor v1 does)
   */
  static void append(RoutingContext ctx, LogServices log, String what, Callable<CanonicalEntry> canonicalize,
      Answer answer, boolean etag) {
    RequestGuards.Deadline deadline = RequestGuards.deadlineOf(ctx);
    log.verifyPool()
        .executeBlocking(() -> {
          deadline.check();
          return UnreadableInputException.reading(what, canonicalize);
        }, false)
        .onComplete(v -> RequestGuards.verified(ctx))
        .compose(entry -> {
          if (RequestGuards.answered(ctx)) {
            return Future.failedFuture(new LogOverloadedException("answered before it was sequenced", 1));
          }
          return Future.fromCompletionStage(
              log.sequencer().submit(new Sequencer.Submission(entry.leafHash(), entry.body(), entry.indexKeys())),
              ctx.vertx().getOrCreateContext())
              .compose(s -> Future.fromCompletionStage(log.reader().publishedAtLeast(s.state()),
                      ctx.vertx().getOrCreateContext())
                  .compose(head -> log.readPool().executeBlocking(() -> answer.build(entry, s, head), false)));
        })
        .onSuccess(out -> {
          if (RequestGuards.answered(ctx)) return;
          var response = ctx.put(AccessControl.LOG_INDEX, out.index()).response()
              .setStatusCode(201)
              .putHeader("Content-Type", Replies.JSON)
              .putHeader("Location", "/api/v1/log/entries/" + out.id());
          if (etag) response.putHeader("ETag", out.id());
          response.end(out.json());
        })
        .onFailure(ctx::fail);
  }
}
