package dev.stele.client.protocol;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.crypto.VerifierCache;
import dev.stele.merkle.Rfc6962;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The entry kinds this log accepts, and the one place their canonical bodies are made
 * (docs/protocol.md section 3):
 *
 * <ul>
 *   <li>{@code hashedrekord} 0.0.1: a signature over an artifact digest;
 *   <li>{@code dsse} 0.0.1: a DSSE envelope (e.g. an in-toto attestation) and its verifiers.
 * </ul>
 *
 * <p>{@link #canonicalize} validates a proposed entry completely (structure, encodings, key
 * types, the allowed algorithms, every signature) and returns the canonical body, its leaf hash
 * and its index keys. The server calls it on worker threads: it keeps no state of its own (the
 * caller passes the {@link VerifierCache} it owns) and is thread-safe, and its cost is dominated
 * by the signature checks. {@link #parseBody} reads a stored body back, for verifiers and for the
 * search index.
 */
public final class EntryKinds {
  /** What messages list as accepted. */
  public static final String SUPPORTED = "hashedrekord 0.0.1, dsse 0.0.1";

  private EntryKinds() {}

  /**
   * Validates a proposed entry (the JSON of a {@code POST /api/v1/log/entries} body) and makes
   * its canonical form, parsing every key afresh: for one-off checks by a client. The signature
   * checks are bounded by a {@link VerificationBudget#perRequest()} budget; the body's size is
   * not.
   *
   * @throws InvalidEntryException with a reason a person can act on
   */
  public static CanonicalEntry canonicalize(JsonNode proposed) throws InvalidEntryException {
    return canonicalize(proposed, new VerifierCache(0));
  }

  /**
   * Validates a proposed entry and makes its canonical form, as {@link #canonicalize(JsonNode)},
   * building signature verifiers through {@code verifierCache}: what a log does, whose signers recur.
   *
   * @throws InvalidEntryException with a reason a person can act on
   */
  public static CanonicalEntry canonicalize(JsonNode proposed, VerifierCache verifierCache) throws InvalidEntryException {
    return canonicalize(proposed, verifierCache, VerificationBudget.perRequest(), Integer.MAX_VALUE);
  }

  /**
   * Validates a proposed entry and makes its canonical form: what a log does before it appends
   * one. Every signature check (of the entry and of certificate chains) is charged to {@code
   * budget} before it runs, and the size of the canonical body is checked against {@code
   * maxBodySize} before the first signature check, so that a refused entry costs little.
   *
   * @param maxBodySize the largest canonical body accepted, in bytes (a tile-based log stores
   *     at most 65,535; docs/protocol.md section 9)
   * @throws InvalidEntryException with a reason a person can act on, also when the checks would
   *     go past the budget or the body past {@code maxBodySize}
   */
  public static CanonicalEntry canonicalize(JsonNode proposed, VerifierCache verifierCache,
      VerificationBudget budget, int maxBodySize) throws InvalidEntryException {
    return canonicalize(proposed, verifierCache, budget, maxBodySize, true);
  }

  /**
   * As {@link #canonicalize(byte[], VerifierCache, VerificationBudget, int)}, but the signature of
   * a hashedrekord entry is not checked (everything else is: structure, encodings, key type,
   * allowed algorithms, size). For a log importing entries its operator vouches for ({@code
   * stele-server import --trust-input}), never for entries from clients. A dsse entry is still
   * verified: its body pairs each signature with the key that verifies it, which only
   * verification finds.
   *
   * @throws InvalidEntryException if the bytes are not JSON, or the entry is invalid
   */
  public static CanonicalEntry canonicalizeTrusted(byte[] proposedJson, VerifierCache verifierCache,
      VerificationBudget budget, int maxBodySize) throws InvalidEntryException {
    return canonicalize(readProposal(proposedJson), verifierCache, budget, maxBodySize, false);
  }

  private static CanonicalEntry canonicalize(JsonNode proposed, VerifierCache verifierCache,
      VerificationBudget budget, int maxBodySize, boolean checkHashedRekordSignature) throws InvalidEntryException {
    JsonFields top = JsonFields.of(proposed, "", "apiVersion", "kind", "spec");
    String kind = top.string("kind");
    String apiVersion = top.string("apiVersion");
    JsonNode spec = proposed.get("spec");
    if (spec == null || spec.isNull()) {
      throw new InvalidEntryException("spec is missing");
    }
    EntryBody content;
    byte[] body;
    List<String> extraKeys = List.of();
    if (kind.equals(HashedRekordBody.KIND)) {
      checkVersion(kind, apiVersion, HashedRekordBody.VERSION);
      HashedRekordBody parsed = HashedRekordV001.parse(spec, budget, maxBodySize);
      body = checkSize(canonicalBody(parsed), maxBodySize);
      if (checkHashedRekordSignature) {
        HashedRekordV001.verify(parsed, verifierCache, budget);
      } else {
        HashedRekordV001.checkAllowed(parsed);
      }
      content = parsed;
    } else if (kind.equals(DsseBody.KIND)) {
      checkVersion(kind, apiVersion, DsseBody.VERSION);
      DsseV001.Prepared prepared = DsseV001.prepare(spec, budget, maxBodySize);
      checkSize(canonicalBody(prepared.provisional()), maxBodySize);
      DsseV001.Validated v = DsseV001.match(prepared, verifierCache, budget);
      content = v.body();
      body = canonicalBody(content);
      extraKeys = v.payloadIndexKeys();
    } else if (kind.equals("intoto")) {
      throw new InvalidEntryException("kind 'intoto' is not accepted by this log; submit the DSSE"
          + " envelope as kind dsse 0.0.1 instead (supported: " + SUPPORTED + ")");
    } else {
      throw new InvalidEntryException("unsupported kind '" + JsonFields.shorten(kind) + "'; supported: " + SUPPORTED);
    }
    List<String> keys = new ArrayList<>(content.indexKeys());
    keys.addAll(extraKeys);
    return new CanonicalEntry(kind, apiVersion, body, Rfc6962.hashLeaf(body), IndexKeys.bound(keys), content);
  }

  /**
   * The longest PEM a body of {@code maxBodySize} bytes can carry: bodies hold PEM as base64,
   * four characters for every three.
   */
  static int maxCanonicalPem(int maxBodySize) {
    return maxBodySize == Integer.MAX_VALUE ? Integer.MAX_VALUE : maxBodySize / 4 * 3;
  }

  private static byte[] checkSize(byte[] body, int maxBodySize) throws InvalidEntryException {
    if (body.length > maxBodySize) {
      throw new InvalidEntryException("the canonical entry is " + body.length
          + " bytes; this log stores entries of at most " + maxBodySize + " bytes");
    }
    return body;
  }

  /**
   * Parses the JSON bytes of a proposed entry, then {@link #canonicalize(JsonNode)}.
   *
   * @throws InvalidEntryException if the bytes are not JSON, or the entry is invalid
   */
  public static CanonicalEntry canonicalize(byte[] proposedJson) throws InvalidEntryException {
    return canonicalize(proposedJson, new VerifierCache(0));
  }

  /**
   * Parses the JSON bytes of a proposed entry, then {@link #canonicalize(JsonNode, VerifierCache)}.
   *
   * @throws InvalidEntryException if the bytes are not JSON, or the entry is invalid
   */
  public static CanonicalEntry canonicalize(byte[] proposedJson, VerifierCache verifierCache) throws InvalidEntryException {
    return canonicalize(proposedJson, verifierCache, VerificationBudget.perRequest(), Integer.MAX_VALUE);
  }

  /**
   * Parses the JSON bytes of a proposed entry, then {@link #canonicalize(JsonNode, VerifierCache,
   * VerificationBudget, int)}.
   *
   * @throws InvalidEntryException if the bytes are not JSON, or the entry is invalid
   */
  public static CanonicalEntry canonicalize(byte[] proposedJson, VerifierCache verifierCache,
      VerificationBudget budget, int maxBodySize) throws InvalidEntryException {
    return canonicalize(readProposal(proposedJson), verifierCache, budget, maxBodySize);
  }

  private static JsonNode readProposal(byte[] proposedJson) throws InvalidEntryException {
    try {
      return ProtocolJson.mapper().readTree(proposedJson);
    } catch (IOException e) {
      throw new InvalidEntryException("the entry is not valid JSON: " + jsonProblem(e));
    }
  }

  /** What the Rekor v2 API accepts (docs/protocol.md 3.4). */
  public static final String SUPPORTED_V2 = "hashedRekordRequestV002 (hashedrekord 0.0.2), dsseRequestV002 (dsse 0.0.2)";

  /**
   * Validates a Rekor v2 request (the JSON of a {@code POST /api/v2/log/entries} body: one member,
   * {@code hashedRekordRequestV002}) and makes its canonical {@code hashedrekord} 0.0.2 body.
   *
   * @throws InvalidEntryException with a reason a person can act on
   */
  public static CanonicalEntry canonicalizeV2(byte[] requestJson, VerifierCache verifierCache) throws InvalidEntryException {
    return canonicalizeV2(requestJson, verifierCache, VerificationBudget.perRequest(), Integer.MAX_VALUE);
  }

  /**
   * As {@link #canonicalizeV2(byte[], VerifierCache)}, charging every signature check to {@code
   * budget} and refusing a canonical body larger than {@code maxBodySize}; the entry is filed under
   * at most {@link IndexKeys#MAX_PER_ENTRY} keys.
   *
   * @throws InvalidEntryException with a reason a person can act on
   */
  public static CanonicalEntry canonicalizeV2(byte[] requestJson, VerifierCache verifierCache,
      VerificationBudget budget, int maxBodySize) throws InvalidEntryException {
    JsonNode node;
    try {
      node = ProtocolJson.mapper().readTree(requestJson);
    } catch (IOException e) {
      throw new InvalidEntryException("the request is not valid JSON: " + jsonProblem(e));
    }
    String[] names = {HashedRekordV002.REQUEST, "hashed_rekord_request_v002", DsseV002.REQUEST, "dsse_request_v002"};
    JsonFields.of(node, "", names);
    String given = null;
    for (String n : names) {
      if (node.has(n)) {
        if (given != null) {
          throw new InvalidEntryException("the request names two entries (" + given + " and " + n + "); give one");
        }
        given = n;
      }
    }
    if (given == null) {
      throw new InvalidEntryException("the request names no entry; supported: " + SUPPORTED_V2);
    }
    if (given.startsWith("hashed")) {
      return canonical(HashedRekordV002.validate(node.get(given), verifierCache), List.of(), maxBodySize);
    }
    DsseV002.Validated v = DsseV002.validate(node.get(given), verifierCache, budget);
    return canonical(v.body(), v.payloadIndexKeys(), maxBodySize);
  }

  private static CanonicalEntry canonical(EntryBody content, List<String> extraKeys, int maxBodySize)
      throws InvalidEntryException {
    byte[] body = checkSize(canonicalBody(content), maxBodySize);
    List<String> keys = new ArrayList<>(content.indexKeys());
    keys.addAll(extraKeys);
    return new CanonicalEntry(content.kind(), content.apiVersion(), body, Rfc6962.hashLeaf(body),
        IndexKeys.bound(keys), content);
  }

  /**
   * The canonical body of parsed content: the inverse of {@link #parseBody}. For hashedrekord and
   * dsse content this gives exactly the bytes {@link #canonicalize} stores.
   *
   * @throws IllegalArgumentException for {@link OtherBody}, which this log never writes
   */
  public static byte[] canonicalBody(EntryBody content) {
    JsonNode tree;
    if (content instanceof HashedRekordBody) {
      return HashedRekordV001.canonicalBytes((HashedRekordBody) content);
    } else if (content instanceof DsseBody) {
      tree = DsseV001.toJson((DsseBody) content);
    } else if (content instanceof HashedRekordV2Body) {
      tree = HashedRekordV002.toJson((HashedRekordV2Body) content);
    } else if (content instanceof DsseV2Body) {
      tree = DsseV002.toJson((DsseV2Body) content);
    } else {
      throw new IllegalArgumentException("this log does not write " + content + " bodies");
    }
    try {
      return Jcs.canonicalize(tree);
    } catch (FormatException e) {
      throw new IllegalStateException("a body built here has no canonical form: " + e.getMessage(), e);
    }
  }

  /**
   * Parses a stored canonical body (the leaf data of an entry, from this log or another Rekor v1
   * log). Bodies of kinds and versions this log does not accept come back as {@link OtherBody}.
   * Signatures are not checked here: a verifier checks them against the artifact it holds.
   *
   * @throws FormatException if the bytes are not RFC 8785 canonical JSON, lack kind or
   *     apiVersion, or a hashedrekord 0.0.1 or dsse 0.0.1 body is malformed
   */
  public static EntryBody parseBody(byte[] body) throws FormatException {
    JsonNode root;
    try {
      root = ProtocolJson.mapper().readTree(body);
    } catch (IOException e) {
      throw new FormatException("entry body is not valid JSON: " + jsonProblem(e));
    }
    if (!Arrays.equals(Jcs.canonicalize(root), body)) {
      throw new FormatException("entry body is not in RFC 8785 canonical form");
    }
    try {
      JsonFields top = JsonFields.of(root, "", "apiVersion", "kind", "spec");
      String kind = top.string("kind");
      String apiVersion = top.string("apiVersion");
      JsonNode spec = root.get("spec");
      if (spec == null || !spec.isObject()) {
        throw new InvalidEntryException("spec must be a JSON object");
      }
      if (kind.equals(HashedRekordBody.KIND) && apiVersion.equals(HashedRekordBody.VERSION)) {
        return HashedRekordV001.parse(spec);
      }
      if (kind.equals(DsseBody.KIND) && apiVersion.equals(DsseBody.VERSION)) {
        return DsseV001.parse(spec);
      }
      if (kind.equals(HashedRekordV2Body.KIND) && apiVersion.equals(HashedRekordV2Body.VERSION)) {
        return HashedRekordV002.parse(spec);
      }
      if (kind.equals(DsseV2Body.KIND) && apiVersion.equals(DsseV2Body.VERSION)) {
        return DsseV002.parse(spec);
      }
      return new OtherBody(kind, apiVersion, spec);
    } catch (InvalidEntryException e) {
      throw new FormatException("entry body: " + e.getMessage(), e);
    }
  }

  private static void checkVersion(String kind, String apiVersion, String supported)
      throws InvalidEntryException {
    if (!apiVersion.equals(supported)) {
      throw new InvalidEntryException("unsupported apiVersion '" + JsonFields.shorten(apiVersion)
          + "' for kind " + kind + "; supported: " + supported);
    }
  }

  static String jsonProblem(IOException e) {
    if (e instanceof JacksonException) {
      JacksonException j = (JacksonException) e;
      String msg = j.getOriginalMessage();
      return j.getLocation() == null ? msg
          : msg + " (line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ")";
    }
    return e.getMessage();
  }
}
