package dev.stele.server.rekor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.protocol.EntryId;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.RekorJson;
import dev.stele.merkle.Hash;
import dev.stele.client.protocol.VerificationBudget;
import dev.stele.server.http.ApiException;
import dev.stele.server.http.LogServices;
import dev.stele.server.http.RequestGuards;
import dev.stele.server.http.UnreadableInputException;
import dev.stele.server.log.Admission;
import dev.stele.server.log.InvalidRequestException;
import dev.stele.server.read.LogReader;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The Rekor v1 REST API (docs/protocol.md section 2) but for search ({@link SearchRoutes}): HTTP in,
 * HTTP out, nothing else. Each handler reads its parameters on the event loop (path and query
 * strings only), hands JSON parsing, store reads and proof building to the read pool and
 * signature checks to the verify pool (both unordered), and answers on the request's own context.
 * What the answers hold is the read side's ({@link LogReader}) and the sequencer's; failures go
 * to the one failure handler, {@link dev.stele.server.http.ErrorMapper}.
 */
public final class RekorRoutes {
  /** At most this many items in one {@code POST /api/v1/log/entries/retrieve}, as in Rekor. */
  static final int MAX_RETRIEVE = 10;

  private final LogServices log;

  public RekorRoutes(LogServices log) {
    this.log = log;
  }

  // ---- POST /api/v1/log/entries -------------------------------------------------------------

  public void create(RoutingContext ctx) {
    byte[] proposal = Replies.body(ctx);
    if (proposal == null) return;
    Appends.append(ctx, log, "the proposed entry", () -> Admission.canonicalize(proposal, log.verifierCache()),
        (entry, s, head) -> created(log.reader().created(entry, s, head)), true);
  }

  private static Appends.Created created(LoggedEntry e) {
    return new Appends.Created(e.id().toString(), e.logIndex(), Buffer.buffer(RekorJson.writeEntry(e)));
  }

  // ---- reads of entries ---------------------------------------------------------------------

  public void getByUuid(RoutingContext ctx) {
    String param = ctx.pathParam("entryUUID");
    EntryId id;
    try {
      id = EntryId.parse(param == null ? "" : param);
    } catch (FormatException e) {
      ctx.fail(ApiException.badRequest("entryUUID must be a 64-hex UUID or an 80-hex entry ID: " + e.getMessage()));
      return;
    }
    Replies.json(ctx, log.readPool(), () -> RekorJson.writeEntry(log.reader().entry(id)));
  }

  public void getByIndex(RoutingContext ctx) {
    long index;
    try {
      index = nonNegative(ctx, "logIndex", null);
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    Replies.json(ctx, log.readPool(), () -> RekorJson.writeEntry(log.reader().entryAt(index)));
  }

  /** A retrieve request, parsed and checked: entry IDs, indexes and proposed entries. */
  private record Retrieve(List<EntryId> ids, List<Long> indexes, List<JsonNode> proposed) {}

  public void retrieve(RoutingContext ctx) {
    byte[] bytes = Replies.body(ctx);
    if (bytes == null) return;
    RequestGuards.Deadline deadline = RequestGuards.deadlineOf(ctx);
    log.readPool()
        .executeBlocking(() -> {
          deadline.check();
          return UnreadableInputException.reading("the retrieve request", () -> retrieveRequest(bytes));
        }, false)
        .compose(q -> q.proposed().isEmpty()
            ? Future.succeededFuture(new Retrieved(q, List.of()))
            // Proposed entries are canonicalized, which checks their signatures: the verify pool's
            // work, within one budget for the whole request.
            : log.verifyPool().executeBlocking(() -> {
              deadline.check();
              VerificationBudget budget = VerificationBudget.perRequest();
              List<Hash> leaves = new ArrayList<>();
              for (JsonNode p : q.proposed()) {
                leaves.add(UnreadableInputException.reading("a proposed entry of the retrieve request",
                    () -> Admission.canonicalize(p, log.verifierCache(), budget)).leafHash());
              }
              return new Retrieved(q, leaves);
            }, false))
        .onComplete(v -> RequestGuards.verified(ctx))
        .compose(r -> log.readPool().executeBlocking(() -> {
          deadline.check();
          return RekorJson.writeEntries(log.reader().retrieve(r.query().ids(), r.query().indexes(), r.leaves()));
        }, false))
        .onSuccess(json -> Replies.ok(ctx, Buffer.buffer(json)))
        .onFailure(ctx::fail);
  }

  private record Retrieved(Retrieve query, List<Hash> leaves) {}

  /** Parses and checks a retrieve request (JSON: on a worker). */
  private static Retrieve retrieveRequest(byte[] bytes) throws ApiException {
    RekorJson.SearchLogQuery q;
    try {
      q = RekorJson.read(bytes, RekorJson.SearchLogQuery.class);
    } catch (FormatException e) {
      throw ApiException.badRequest("malformed retrieve request: " + e.getMessage());
    }
    int n = size(q.entryUUIDs()) + size(q.logIndexes()) + size(q.entries());
    if (n == 0) {
      throw ApiException.badRequest("give at least one of entryUUIDs, logIndexes or entries");
    }
    if (n > MAX_RETRIEVE) {
      throw new ApiException(422, "at most " + MAX_RETRIEVE + " entryUUIDs, logIndexes and entries in total, got " + n);
    }
    List<EntryId> ids = new ArrayList<>();
    try {
      for (String u : list(q.entryUUIDs())) {
        if (u == null) throw new FormatException("entryUUIDs must be strings, not null");
        ids.add(EntryId.parse(u));
      }
      for (Long i : list(q.logIndexes())) {
        if (i == null || i < 0) throw new FormatException("logIndexes must be non-negative integers");
      }
    } catch (FormatException e) {
      throw ApiException.badRequest("malformed retrieve request: " + e.getMessage());
    }
    return new Retrieve(ids, list(q.logIndexes()), list(q.entries()));
  }

  // ---- the tree -----------------------------------------------------------------------------

  public void logInfo(RoutingContext ctx) {
    Replies.json(ctx, log.readPool(), () -> RekorJson.writeLogInfo(log.reader().treeInfo()));
  }

  public void consistencyProof(RoutingContext ctx) {
    long first;
    long last;
    try {
      log.reader().requireTree(param(ctx, "treeID"));
      first = nonNegative(ctx, "firstSize", 1L);
      last = nonNegative(ctx, "lastSize", null);
    } catch (ApiException | InvalidRequestException e) {
      ctx.fail(e);
      return;
    }
    Replies.json(ctx, log.readPool(), () -> {
      LogReader.Consistency c = log.reader().consistency(first, last);
      return RekorJson.writeConsistencyProof(c.root(), c.hashes());
    });
  }

  public void publicKey(RoutingContext ctx) {
    try {
      log.reader().requireTree(param(ctx, "treeID"));
    } catch (ApiException | InvalidRequestException e) {
      ctx.fail(e);
      return;
    }
    ctx.response()
        .putHeader("Content-Type", "application/x-pem-file")
        .end(log.reader().publicKeyPem());
  }

  // ---- shared -------------------------------------------------------------------------------

  private static long nonNegative(RoutingContext ctx, String name, Long dflt) throws ApiException {
    String v = param(ctx, name);
    if (v == null) {
      if (dflt != null) return dflt;
      throw ApiException.badRequest("the query parameter " + name + " is required");
    }
    // ASCII digits only: Long.parseLong would also take other scripts' digits.
    try {
      if (v.isEmpty() || v.length() > 19 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new NumberFormatException();
      }
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be a non-negative integer, got \""
          + (v.length() > 40 ? v.substring(0, 40) + "..." : v) + "\"");
    }
  }

  /** A query parameter, or null; 400 if the query string does not decode. */
  static String param(RoutingContext ctx, String name) throws ApiException {
    try {
      return ctx.request().getParam(name);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("the query string does not decode: " + e.getMessage());
    }
  }

  private static int size(List<?> l) {
    return l == null ? 0 : l.size();
  }

  private static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : l;
  }
}
