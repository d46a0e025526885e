package dev.stele.server.rekor;

import dev.stele.client.protocol.EntryId;
import dev.stele.client.protocol.Encodings;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.IndexKeys;
import dev.stele.client.protocol.KeyMaterial;
import dev.stele.client.protocol.RekorJson;
import dev.stele.server.http.ApiException;
import dev.stele.server.http.LogServices;
import dev.stele.server.read.IndexQuery;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code POST /api/v1/index/retrieve}: the Rekor v1 search of the index by artifact hash, public
 * key, email or subject. The query is parsed, turned into index keys and looked up on the read
 * pool; the search itself is {@link dev.stele.server.read.LogReader#search}.
 */
public final class SearchRoutes {
  private final LogServices log;

  public SearchRoutes(LogServices log) {
    this.log = log;
  }

  public void search(RoutingContext ctx) {
    byte[] bytes = Replies.body(ctx);
    if (bytes == null) return;
    Replies.json(ctx, log.readPool(), () -> {
      List<String> ids = new ArrayList<>();
      for (EntryId id : log.reader().search(query(bytes))) ids.add(id.toString());
      return RekorJson.write(ids);
    });
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
    } catch (FormatException e) {
      throw ApiException.badRequest("malformed search request: " + e.getMessage());
    }
    if (q.publicKey() != null) criteria.add(IndexKeys.forPublicKey(publicKey(q.publicKey())));
    if (q.email() != null) criteria.add(List.of(q.email().toLowerCase(Locale.ROOT)));
    if (q.subject() != null) criteria.add(List.of(q.subject().toLowerCase(Locale.ROOT)));
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
