package dev.stele.server.rekor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.protocol.CanonicalEntry;
import dev.stele.client.protocol.Encodings;
import dev.stele.client.protocol.EntryId;
import dev.stele.client.protocol.EntryKinds;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.Inclusion;
import dev.stele.client.protocol.IndexKeys;
import dev.stele.client.protocol.InvalidEntryException;
import dev.stele.client.protocol.KeyMaterial;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.RekorJson;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.protocol.TreeInfo;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.proof.ConsistencyProof;
import dev.stele.merkle.proof.InclusionProof;
import dev.stele.merkle.proof.ProofException;
import dev.stele.merkle.proof.ProofVerifier;
import dev.stele.merkle.tiles.EntryBundle;
import dev.stele.merkle.tiles.TileProofBuilder;
import dev.stele.server.http.ApiException;
import dev.stele.server.http.LogServices;
import dev.stele.server.log.StoredEntry;
import dev.stele.server.log.TreeState;
import dev.stele.server.sequencer.Sequenced;
import dev.stele.server.sequencer.Sequencer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Rekor v1 REST API (PROTOCOL.md section 2). Handlers parse parameters on the event loop,
 * send signature checks to the verify pool and store reads to the read pool, and answer on the
 * request's own context.
 *
 * <p>Every entry returned carries its SET and an inclusion proof with the signed checkpoint it
 * is proven against; the server checks each proof against that checkpoint's root before sending
 * it.
 */
public final class RekorRoutes {
  private static final String JSON = "application/json";
  /** At most this many items in one {@code POST /api/v1/log/entries/retrieve}, as in Rekor. */
  static final int MAX_RETRIEVE = 10;
  /** At most this many entry IDs in one search-index answer. */
  static final int MAX_SEARCH_RESULTS = 10_000;

  private final LogServices log;
  /** The head last turned into a parsed note, so that reads do not parse it each time. */
  private volatile ParsedHead parsedHead;

  private record ParsedHead(TreeState state, SignedNote note) {}

  public RekorRoutes(LogServices log) {
    this.log = log;
  }

  // ---- POST /api/v1/log/entries -------------------------------------------------------------

  public void create(RoutingContext ctx) {
    byte[] proposal = body(ctx);
    if (proposal == null) return;
    log.verifyPool()
        .executeBlocking(() -> checked(() -> EntryKinds.canonicalize(proposal, log.verifierCache())), false)
        .compose(entry -> Future.fromCompletionStage(
            log.sequencer().submit(new Sequencer.Submission(entry.leafHash(), entry.body(), entry.indexKeys())),
            ctx.vertx().getOrCreateContext())
            .compose(s -> log.readPool().executeBlocking(() -> respond(entry, s), false)))
        .onSuccess(out -> ctx.response()
            .setStatusCode(201)
            .putHeader("Content-Type", JSON)
            .putHeader("Location", "/api/v1/log/entries/" + out.id())
            .putHeader("ETag", out.id())
            .end(out.json()))
        .onFailure(ctx::fail);
  }

  private record Created(String id, Buffer json) {}

  private interface Canonicalization {
    CanonicalEntry run() throws InvalidEntryException;
  }

  /** Runs a canonicalization and applies the log's own limits to its result. */
  private static CanonicalEntry checked(Canonicalization c) throws ApiException {
    CanonicalEntry entry;
    try {
      entry = c.run();
    } catch (InvalidEntryException e) {
      throw ApiException.badRequest(entryError(e.getMessage()));
    }
    int size = entry.body().length;
    if (size > EntryBundle.MAX_ENTRY_SIZE) {
      throw ApiException.badRequest(entryError("the canonical entry is " + size
          + " bytes; this log stores entries of at most " + EntryBundle.MAX_ENTRY_SIZE + " bytes"));
    }
    return entry;
  }

  private static String entryError(String reason) {
    return reason.startsWith("error processing entry") ? reason : "error processing entry: " + reason;
  }

  private Created respond(CanonicalEntry entry, Sequenced s) throws IOException, ApiException {
    byte[] body = entry.body();
    StoredEntry stored = new StoredEntry(s.index(), s.integratedTime(), s.set(), body);
    LoggedEntry out = withProof(stored, entry.leafHash(), s.state());
    return new Created(out.id().toString(), Buffer.buffer(RekorJson.writeEntry(out)));
  }

  // ---- reads of entries ---------------------------------------------------------------------

  public void getByUuid(RoutingContext ctx) {
    String param = ctx.pathParam("entryUUID");
    EntryId id;
    try {
      id = EntryId.parse(param);
    } catch (FormatException e) {
      ctx.fail(ApiException.badRequest("entryUUID must be a 64-hex UUID or an 80-hex entry ID: " + e.getMessage()));
      return;
    }
    if (id.treeId().isPresent() && id.treeId().getAsLong() != log.identity().treeId()) {
      ctx.fail(ApiException.notFound("no tree with ID " + id.treeId().getAsLong() + " in this log"));
      return;
    }
    read(ctx, () -> {
      long index = log.store().findIndex(id.uuid());
      if (index < 0) throw ApiException.notFound("no entry with UUID " + id.uuidHex());
      return entryResponse(index);
    });
  }

  public void getByIndex(RoutingContext ctx) {
    long index;
    try {
      index = nonNegative(ctx, "logIndex", null);
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    read(ctx, () -> entryResponse(index));
  }

  private Buffer entryResponse(long index) throws IOException, ApiException {
    LoggedEntry e = entryAt(index);
    if (e == null) throw ApiException.notFound("no entry at index " + index);
    return Buffer.buffer(RekorJson.writeEntry(e));
  }

  /** The entry at {@code index} with a proof against the latest checkpoint, or null. */
  private LoggedEntry entryAt(long index) throws IOException, ApiException {
    TreeState head = log.sequencer().head();
    if (index >= head.size()) {
      // Committed a moment ago but not yet published? The store's state includes it.
      head = log.store().treeState().orElse(head);
      if (index >= head.size()) return null;
    }
    Optional<StoredEntry> stored = log.store().entry(index);
    if (stored.isEmpty()) {
      throw new IOException("entry " + index + " is missing from the store, below tree size " + head.size());
    }
    byte[] body = stored.get().bodyUnsafe();
    return withProof(stored.get(), Rfc6962.hashLeaf(body), head);
  }

  public void retrieve(RoutingContext ctx) {
    byte[] bytes = body(ctx);
    if (bytes == null) return;
    RekorJson.SearchLogQuery q;
    try {
      q = RekorJson.read(bytes, RekorJson.SearchLogQuery.class);
    } catch (FormatException e) {
      ctx.fail(ApiException.badRequest("malformed retrieve request: " + e.getMessage()));
      return;
    }
    int n = size(q.entryUUIDs()) + size(q.logIndexes()) + size(q.entries());
    if (n == 0) {
      ctx.fail(ApiException.badRequest("give at least one of entryUUIDs, logIndexes or entries"));
      return;
    }
    if (n > MAX_RETRIEVE) {
      ctx.fail(new ApiException(422, "at most " + MAX_RETRIEVE + " entryUUIDs, logIndexes and entries in total, got " + n));
      return;
    }
    List<Hash> leaves = new ArrayList<>();
    try {
      for (String u : list(q.entryUUIDs())) {
        EntryId id = EntryId.parse(u);
        if (id.treeId().isEmpty() || id.treeId().getAsLong() == log.identity().treeId()) leaves.add(id.uuid());
      }
      for (Long i : list(q.logIndexes())) {
        if (i == null || i < 0) throw new FormatException("logIndexes must be non-negative integers");
      }
    } catch (FormatException e) {
      ctx.fail(ApiException.badRequest("malformed retrieve request: " + e.getMessage()));
      return;
    }
    List<JsonNode> proposed = list(q.entries());
    Future<List<Hash>> fromEntries = proposed.isEmpty()
        ? Future.succeededFuture(List.of())
        : log.verifyPool().executeBlocking(() -> {
          List<Hash> hs = new ArrayList<>();
          for (JsonNode p : proposed) hs.add(checked(() -> EntryKinds.canonicalize(p, log.verifierCache())).leafHash());
          return hs;
        }, false);
    fromEntries
        .compose(more -> log.readPool().executeBlocking(() -> {
          // In request order: entryUUIDs, then logIndexes, then entries; each entry once.
          Set<Long> indexes = new LinkedHashSet<>();
          for (Hash h : leaves) addIfLogged(indexes, h);
          indexes.addAll(list(q.logIndexes()));
          for (Hash h : more) addIfLogged(indexes, h);
          List<LoggedEntry> found = new ArrayList<>();
          for (long i : indexes) {
            LoggedEntry e = entryAt(i);
            if (e != null) found.add(e);
          }
          return Buffer.buffer(RekorJson.writeEntries(found));
        }, false))
        .onSuccess(json -> ok(ctx, json))
        .onFailure(ctx::fail);
  }

  private void addIfLogged(Set<Long> indexes, Hash leaf) throws IOException {
    long i = log.store().findIndex(leaf);
    if (i >= 0) indexes.add(i);
  }

  // ---- the tree -----------------------------------------------------------------------------

  public void logInfo(RoutingContext ctx) {
    ParsedHead h = parsedHead(log.sequencer().head());
    TreeInfo info = new TreeInfo(h.state().root(), h.state().size(), h.note(), log.identity().treeId(), List.of());
    ok(ctx, Buffer.buffer(RekorJson.writeLogInfo(info)));
  }

  public void consistencyProof(RoutingContext ctx) {
    long first;
    long last;
    try {
      checkTreeId(ctx);
      first = nonNegative(ctx, "firstSize", 1L);
      last = nonNegative(ctx, "lastSize", null);
      if (first < 1) throw ApiException.badRequest("firstSize must be at least 1, got " + first);
      if (first > last) {
        throw ApiException.badRequest("firstSize(" + first + ") must be less than lastSize(" + last + ")");
      }
      long size = log.sequencer().head().size();
      if (last > size) {
        throw ApiException.badRequest("the tree size requested(" + last
            + ") was greater than what is currently observable(" + size + ")");
      }
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    read(ctx, () -> {
      Hash root2 = TileProofBuilder.root(log.store(), last);
      if (first == last) return Buffer.buffer(RekorJson.writeConsistencyProof(root2, List.of()));
      ConsistencyProof p = TileProofBuilder.consistency(log.store(), first, last);
      Hash root1 = TileProofBuilder.root(log.store(), first);
      try {
        ProofVerifier.verifyConsistency(first, last, p.hashes(), root1, root2);
      } catch (ProofException e) {
        log.metrics().proofSelfCheckFailure();
        throw new IOException("consistency proof " + first + " -> " + last + " failed its own check: " + e.getMessage(), e);
      }
      return Buffer.buffer(RekorJson.writeConsistencyProof(root2, p.hashes()));
    });
  }

  public void publicKey(RoutingContext ctx) {
    try {
      checkTreeId(ctx);
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    ctx.response()
        .putHeader("Content-Type", "application/x-pem-file")
        .end(log.signer().publicKeyPem());
  }

  // ---- POST /api/v1/index/retrieve ----------------------------------------------------------

  public void searchIndex(RoutingContext ctx) {
    byte[] bytes = body(ctx);
    if (bytes == null) return;
    List<List<String>> criteria = new ArrayList<>(); // each: keys whose results are united
    boolean and;
    try {
      RekorJson.SearchIndex q = RekorJson.read(bytes, RekorJson.SearchIndex.class);
      String op = q.operator() == null ? "or" : q.operator();
      if (!op.equals("and") && !op.equals("or")) {
        throw ApiException.badRequest("operator must be \"and\" or \"or\", got \"" + op + "\"");
      }
      and = op.equals("and");
      if (q.hash() != null) criteria.add(List.of(IndexKeys.forHash(q.hash())));
      if (q.publicKey() != null) criteria.add(IndexKeys.forPublicKey(publicKey(q.publicKey())));
      if (q.email() != null) criteria.add(List.of(q.email().toLowerCase(Locale.ROOT)));
      if (q.subject() != null) criteria.add(List.of(q.subject().toLowerCase(Locale.ROOT)));
      if (criteria.isEmpty()) {
        throw ApiException.badRequest("give at least one of hash, publicKey, email or subject");
      }
    } catch (FormatException e) {
      ctx.fail(ApiException.badRequest("malformed search request: " + e.getMessage()));
      return;
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    read(ctx, () -> {
      TreeSet<Long> result = null;
      for (List<String> keys : criteria) {
        TreeSet<Long> found = new TreeSet<>();
        for (String k : keys) found.addAll(log.store().search(k, MAX_SEARCH_RESULTS));
        if (result == null) result = found;
        else if (and) result.retainAll(found);
        else result.addAll(found);
      }
      List<String> ids = new ArrayList<>();
      for (long i : result) {
        if (ids.size() >= MAX_SEARCH_RESULTS) break;
        Optional<StoredEntry> e = log.store().entry(i);
        if (e.isPresent()) ids.add(log.entryId(Rfc6962.hashLeaf(e.get().bodyUnsafe())).toString());
      }
      return Buffer.buffer(RekorJson.write(ids));
    });
  }

  private static KeyMaterial publicKey(RekorJson.PublicKeyQuery k) throws ApiException {
    if (k.url() != null) throw ApiException.badRequest("publicKey.url is not supported; send the key in publicKey.content");
    if (!"x509".equals(k.format())) {
      throw ApiException.badRequest("publicKey.format must be \"x509\" (a PEM public key or certificate), got "
          + (k.format() == null ? "nothing" : "\"" + k.format() + "\""));
    }
    if (k.content() == null) throw ApiException.badRequest("publicKey.content is required");
    try {
      return KeyMaterial.parse(Encodings.base64("publicKey.content", k.content()));
    } catch (FormatException e) {
      throw ApiException.badRequest("publicKey.content must be base64 of a PEM public key or certificate: " + e.getMessage());
    }
  }

  // ---- shared -------------------------------------------------------------------------------

  /**
   * The entry with an inclusion proof against {@code head}, checked against that checkpoint's
   * root before it leaves the server.
   */
  private LoggedEntry withProof(StoredEntry e, Hash leafHash, TreeState head) throws IOException {
    InclusionProof proof = TileProofBuilder.inclusion(log.store(), e.index(), head.size());
    try {
      ProofVerifier.verifyInclusion(e.index(), head.size(), leafHash, proof.hashes(), head.root());
    } catch (ProofException ex) {
      log.metrics().proofSelfCheckFailure();
      throw new IOException("inclusion proof for entry " + e.index() + " in tree " + head.size()
          + " failed its own check: " + ex.getMessage(), ex);
    }
    ParsedHead h = parsedHead(head);
    return new LoggedEntry(log.entryId(leafHash), e.bodyUnsafe(), e.integratedTime(), log.signer().logId(),
        e.index(), Optional.of(e.set()), Optional.of(new Inclusion(proof, head.root(), h.note())), Optional.empty());
  }

  private ParsedHead parsedHead(TreeState state) {
    ParsedHead h = parsedHead;
    if (h != null && h.state() == state) return h;
    try {
      h = new ParsedHead(state, SignedNote.parse(state.checkpoint()));
    } catch (FormatException e) {
      throw new IllegalStateException("the log's own checkpoint does not parse: " + e.getMessage(), e);
    }
    parsedHead = h;
    return h;
  }

  private interface Read {
    Buffer run() throws Exception;
  }

  private void read(RoutingContext ctx, Read r) {
    log.readPool().executeBlocking(r::run, false).onSuccess(json -> ok(ctx, json)).onFailure(ctx::fail);
  }

  private static void ok(RoutingContext ctx, Buffer json) {
    ctx.response().putHeader("Content-Type", JSON).end(json);
  }

  /** The request body, or null after failing the request when there is none. */
  private static byte[] body(RoutingContext ctx) {
    Buffer b = ctx.body().buffer();
    if (b == null || b.length() == 0) {
      ctx.fail(ApiException.badRequest("the request has no body; send a JSON document"));
      return null;
    }
    return b.getBytes();
  }

  private void checkTreeId(RoutingContext ctx) throws ApiException {
    String t = ctx.request().getParam("treeID");
    if (t != null && !t.equals(Long.toString(log.identity().treeId()))) {
      throw ApiException.badRequest("unknown treeID " + t + "; this log has one tree, " + log.identity().treeId());
    }
  }

  private static long nonNegative(RoutingContext ctx, String name, Long dflt) throws ApiException {
    String v = ctx.request().getParam(name);
    if (v == null) {
      if (dflt != null) return dflt;
      throw ApiException.badRequest("the query parameter " + name + " is required");
    }
    try {
      long n = Long.parseLong(v);
      if (n < 0) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be a non-negative integer, got \"" + v + "\"");
    }
  }

  private static int size(List<?> l) {
    return l == null ? 0 : l.size();
  }

  private static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : l;
  }
}
