package dev.stele.server.rekor;

import dev.stele.client.protocol.EntryId;
import dev.stele.client.protocol.Encodings;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.IndexKeys;
import dev.stele.client.protocol.KeyMaterial;
import dev.stele.client.protocol.RekorJson;
import dev.stele.server.http.ApiException;
import dev.stele.server.http.LogServices;
import dev.stele.server.http.RequestGuards;
import dev.stele.server.http.UnreadableInputException;
import dev.stele.server.read.IndexQuery;
import dev.stele.server.read.LogReader;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * {@code POST /api/v1/index/retrieve}: the Rekor v1 search of the index by artifact hash, public
 * key, email or subject. The query is parsed, turned into index keys and looked up on the read
 * pool; the search itself is {@link dev.stele.server.read.LogReader#search}. An answer is one page
 * of at most {@value LogReader#SEARCH_PAGE} entry IDs; when there may be more, a {@code Link}
 * header (RFC 8288, {@code rel="next"}) names the same route with {@code ?from=<log index>}, to
 * which the same query is sent again (docs/protocol.md section 10).
 */
public final class SearchRoutes {
  private final LogServices log;

  public SearchRoutes(LogServices log) {
    this.log = log;
  }

  private record Page(byte[] json, OptionalLong next) {}

  public void search(RoutingContext ctx) {
    byte[] bytes = Replies.body(ctx);
    if (bytes == null) return;
    long from;
    try {
      from = from(RekorRoutes.param(ctx, "from"));
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    RequestGuards.Deadline deadline = RequestGuards.deadlineOf(ctx);
    log.readPool()
        .executeBlocking(() -> {
          deadline.check();
          IndexQuery query = UnreadableInputException.reading("the search request", () -> query(bytes));
          LogReader.SearchPage page = log.reader().search(query, from);
          List<String> ids = new ArrayList<>();
          for (EntryId id : page.ids()) ids.add(id.toString());
          return new Page(RekorJson.write(ids), page.next());
        }, false)
        .onSuccess(page -> {
          if (RequestGuards.answered(ctx)) return;
          page.next().ifPresent(n ->
              ctx.response().putHeader("Link", "</api/v1/index/retrieve?from=" + n + ">; rel=\"next\""));
          Replies.ok(ctx, Buffer.buffer(page.json()));
        })
        .onFailure(ctx::fail);
  }

  private static long from(String param) throws ApiException {
    if (param == null) return 0;
    // ASCII digits only: Long.parseLong would also take other scripts' digits.
    try {
      if (param.isEmpty() || param.length() > 19 || !param.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new NumberFormatException();
      }
      return Long.parseLong(param);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("from must be a log index (a non-negative decimal integer), got \""
          + (param.length() > 40 ? param.substring(0, 40) + "..." : param) + "\"");
    }
  }

  /**
   * The Rekor search query as index keys: each criterion a list of keys any of which matches
   * (a public key is filed under several), combined with the query's operator.
   *
   * @throws ApiException 400 for a malformed query
   */
  static IndexQuery query(byte[] bytes) throws ApiException {
    RekorJson.SearchIndex q;
    try {
      q = RekorJson.read(bytes, RekorJson.SearchIndex.class);
    } catch (FormatException e) {
      throw ApiException.badRequest("malformed search request: " + e.getMessage());
    }
    String op = q.operator() == null ? "or" : q.operator();
    if (!op.equals("and") && !op.equals("or")) {
      throw ApiException.badRequest("operator must be \"and\" or \"or\", got \"" + op + "\"");
    }
    List<List<String>> criteria = new ArrayList<>();
    try {
      if (q.hash() != null) criteria.add(List.of(IndexKeys.forHash(q.hash())));
      if (q.publicKey() != null) criteria.add(IndexKeys.forPublicKey(publicKey(q.publicKey())));
      if (q.email() != null) criteria.add(List.of(IndexKeys.forEmail(q.email())));
      if (q.subject() != null) criteria.add(List.of(IndexKeys.forSubject(q.subject())));
    } catch (FormatException e) {
      throw ApiException.badRequest("malformed search request: " + e.getMessage());
    }
    if (criteria.isEmpty()) {
      throw ApiException.badRequest("give at least one of hash, publicKey, email or subject");
    }
    return new IndexQuery(criteria, op.equals("and"));
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
}
