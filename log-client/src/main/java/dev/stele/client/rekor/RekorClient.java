package dev.stele.client.rekor;

import dev.stele.client.http.HttpException;
import dev.stele.client.http.HttpTransport;
import dev.stele.client.protocol.CanonicalEntry;
import dev.stele.client.protocol.EntryId;
import dev.stele.client.protocol.EntryKinds;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.KeyMaterial;
import dev.stele.client.protocol.InvalidEntryException;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.ProtocolJson;
import dev.stele.client.protocol.RekorJson;
import dev.stele.client.protocol.TreeInfo;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.proof.ConsistencyProof;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A client of the Rekor v1 REST API (docs/protocol.md 2) over the one {@link HttpTransport}.
 *
 * <ul>
 *   <li>Every call has deadlines. Failures to connect, deadlines, {@code 429} and {@code 5xx}
 *       answers are retried with exponential backoff and jitter, honouring {@code Retry-After};
 *       other errors are not retried. Every POST of the API may be retried: a submit is
 *       deduplicated by the log, retrieve and search only read. Redirects are followed within
 *       the log's origin only.
 *   <li>{@code 409 Conflict} on submit means "already recorded": the client follows
 *       {@code Location} (or, without one, the UUID it computed) and returns the existing entry.
 *   <li>Answers are checked against the question: a submitted or fetched entry must have the
 *       leaf hash asked for (the client canonicalizes a proposal itself to know it), a fetch by
 *       index must return that index. Evidence (proofs, checkpoints, SETs) is <em>not</em>
 *       verified here; that is {@code verify.EntryVerifier}'s job.
 * </ul>
 *
 * <p>Thread-safe; share one instance.
 */
public final class RekorClient {
  private static final String ENTRIES = "/api/v1/log/entries";
  private static final String ENTRIES_V2 = "/api/v2/log/entries";
  private static final int MAX_BODY_BYTES = 32 * 1024 * 1024;

  private final URI baseUrl;
  private final HttpTransport http;

  /**
   * A submitted entry and whether the log already had it.
   *
   * @param entry the entry as the log returned it
   * @param alreadyRecorded true if the log answered {@code 409} and the existing entry was fetched
   */
  public record Submission(LoggedEntry entry, boolean alreadyRecorded) {}

  /**
   * A consistency proof as the log gave it, with the root it claims at the larger size (not
   * verified here: compare it with a verified checkpoint).
   */
  public record Consistency(ConsistencyProof proof, Hash rootHash) {}

  private RekorClient(URI baseUrl, HttpTransport http) {
    this.baseUrl = baseUrl;
    this.http = http;
  }

  /** A builder for the log at {@code baseUrl}, e.g. {@code http://127.0.0.1:3000}. */
  public static Builder builder(URI baseUrl) {
    return new Builder(baseUrl);
  }

  public URI baseUrl() {
    return baseUrl;
  }

  // ---- writes ----

  /**
   * Submits a proposed entry (hashedrekord or dsse JSON, see {@link ProposedEntries}).
   *
   * @throws IllegalArgumentException if the proposal is not a valid entry (the log would refuse it)
   * @throws LogClientException if the log cannot be reached, refuses the entry, or answers with
   *     another entry
   */
  public Submission submit(byte[] proposedEntry) throws LogClientException {
    CanonicalEntry expected;
    try {
      expected = EntryKinds.canonicalize(proposedEntry);
    } catch (InvalidEntryException e) {
      throw new IllegalArgumentException("the proposed entry is invalid: " + e.getMessage(), e);
    }
    Answer r = send("submit an entry", postJson(uri(ENTRIES), proposedEntry), 201, 409);
    if (r.statusCode() == 201) {
      LoggedEntry e = entry(r, "the submitted entry");
      checkLeaf(e, expected.leafHash(), "the submitted entry");
      return new Submission(e, false);
    }
    // 409: already recorded. Location names it; without one, the UUID we computed does.
    String id = r.header("Location")
        .map(l -> l.substring(l.lastIndexOf('/') + 1))
        .orElse(expected.uuid());
    EntryId entryId;
    try {
      entryId = EntryId.parse(id);
    } catch (FormatException e) {
      throw new LogClientException(LogClientException.Kind.RESPONSE, 409, null,
          "the log says the entry exists, but its Location names no entry ID: " + e.getMessage(), e);
    }
    LoggedEntry existing = getByUuid(entryId).orElseThrow(() -> new LogClientException(
        LogClientException.Kind.RESPONSE, 404, null, "the log says entry " + id
            + " already exists (409), but does not find it (404)", null));
    checkLeaf(existing, expected.leafHash(), "the existing entry");
    return new Submission(existing, true);
  }

  /**
   * Submits a Rekor v2 request ({@code POST /api/v2/log/entries}, {@link ProposedEntries#hashedRekordV2}).
   * The answer is a TransparencyLogEntry: the entry with its inclusion proof and the v2
   * checkpoint, integrated time 0 and no SET. A duplicate (409) is fetched through the v1 API of a
   * log that serves both (the {@code Location} Stele sends), and comes with a SET.
   *
   * @throws IllegalArgumentException if the request is not valid (the log would refuse it)
   * @throws LogClientException if the log cannot be reached, refuses the entry, or answers with
   *     another entry
   */
  public Submission submitV2(byte[] request) throws LogClientException {
    CanonicalEntry expected;
    try {
      expected = EntryKinds.canonicalizeV2(request, new dev.stele.client.crypto.VerifierCache(0));
    } catch (InvalidEntryException e) {
      throw new IllegalArgumentException("the request is invalid: " + e.getMessage(), e);
    }
    Answer r = send("submit an entry (Rekor v2)", postJson(uri(ENTRIES_V2), request), 201, 409);
    if (r.statusCode() == 201) {
      LoggedEntry e;
      try {
        e = dev.stele.client.bundle.Bundle.parseEntry(ProtocolJson.mapper().readTree(r.body())).entry();
      } catch (FormatException | java.io.IOException ex) {
        throw malformed("the submitted entry", r, ex);
      }
      checkLeaf(e, expected.leafHash(), "the submitted entry");
      return new Submission(e, false);
    }
    LoggedEntry existing = getByUuid(expected.uuid()).orElseThrow(() -> new LogClientException(
        LogClientException.Kind.RESPONSE, 404, null, "the log says the entry already exists (409), but"
            + " does not find it (404)", null));
    checkLeaf(existing, expected.leafHash(), "the existing entry");
    return new Submission(existing, true);
  }

  // ---- reads ----

  /**
   * The entry with this UUID (64 hex digits) or entry ID (80), with a fresh proof.
   *
   * @throws IllegalArgumentException if {@code id} is not 64 or 80 hex digits
   */
  public Optional<LoggedEntry> getByUuid(String id) throws LogClientException {
    try {
      return getByUuid(EntryId.parse(id));
    } catch (FormatException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The entry with this ID, with a fresh proof; empty if the log does not have it. */
  public Optional<LoggedEntry> getByUuid(EntryId id) throws LogClientException {
    Answer r = send("get entry " + id, get(uri(ENTRIES + "/" + id)), 200, 404);
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    LoggedEntry e = entry(r, "entry " + id);
    checkLeaf(e, id.uuid(), "entry " + id);
    return Optional.of(e);
  }

  /** The entry at this global index, with a fresh proof; empty if the log has no such index. */
  public Optional<LoggedEntry> getByIndex(long index) throws LogClientException {
    if (index < 0) {
      throw new IllegalArgumentException("log index must be non-negative, got " + index);
    }
    Answer r = send("get entry at index " + index,
        get(uri(ENTRIES + "?logIndex=" + index)), 200, 404);
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    LoggedEntry e = entry(r, "the entry at index " + index);
    if (e.logIndex() != index) {
      throw new LogClientException(LogClientException.Kind.RESPONSE, 200, null,
          "asked for the entry at index " + index + ", the log answered with index " + e.logIndex(), null);
    }
    return Optional.of(e);
  }

  /**
   * Several entries at once ({@code POST /api/v1/log/entries/retrieve}); the log leaves out the
   * ones it does not have. At most 10 IDs and indexes in all.
   */
  public List<LoggedEntry> retrieve(List<String> uuids, List<Long> indexes) throws LogClientException {
    if (uuids.size() + indexes.size() > 10 || uuids.size() + indexes.size() == 0) {
      throw new IllegalArgumentException("retrieve takes 1 to 10 IDs and indexes, got "
          + (uuids.size() + indexes.size()));
    }
    List<EntryId> ids = new ArrayList<>();
    for (String u : uuids) {
      try {
        ids.add(EntryId.parse(u));
      } catch (FormatException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
    byte[] query = RekorJson.write(new RekorJson.SearchLogQuery(
        uuids.isEmpty() ? null : uuids, indexes.isEmpty() ? null : indexes, null));
    Answer r = send("retrieve entries", postJson(uri(ENTRIES + "/retrieve"), query), 200);
    List<LoggedEntry> out;
    try {
      out = RekorJson.readEntries(r.body());
    } catch (FormatException e) {
      throw malformed("the retrieved entries", r, e);
    }
    for (LoggedEntry e : out) {
      Hash leaf = Rfc6962.hashLeaf(e.body());
      boolean asked = indexes.contains(e.logIndex());
      for (EntryId id : ids) {
        asked |= id.uuid().equals(leaf);
      }
      if (!asked || !e.id().uuid().equals(leaf)) {
        throw new LogClientException(LogClientException.Kind.RESPONSE, 200, null,
            "the log answered with entry " + leaf.hex() + " at index " + e.logIndex() + ", which was not asked for", null);
      }
    }
    return out;
  }

  /** The current tree head ({@code GET /api/v1/log}); its checkpoint is not verified here. */
  public TreeInfo logInfo() throws LogClientException {
    Answer r = send("get the log info", get(uri("/api/v1/log")), 200);
    try {
      return RekorJson.readLogInfo(r.body());
    } catch (FormatException e) {
      throw malformed("the log info", r, e);
    }
  }

  /** A consistency proof between two tree sizes ({@code GET /api/v1/log/proof}). */
  public Consistency consistencyProof(long firstSize, long lastSize) throws LogClientException {
    if (firstSize < 0 || lastSize < firstSize) {
      throw new IllegalArgumentException("need 0 <= firstSize <= lastSize, got " + firstSize + " and " + lastSize);
    }
    Answer r = send("get a consistency proof from " + firstSize + " to " + lastSize,
        get(uri("/api/v1/log/proof?firstSize=" + firstSize + "&lastSize=" + lastSize)), 200);
    try {
      Map.Entry<Hash, List<Hash>> p = RekorJson.readConsistencyProof(r.body());
      return new Consistency(new ConsistencyProof(firstSize, lastSize, p.getValue()), p.getKey());
    } catch (FormatException e) {
      throw malformed("the consistency proof", r, e);
    }
  }

  /**
   * Searches the index ({@code POST /api/v1/index/retrieve}) and returns the entry IDs found.
   */
  public List<String> searchIndex(RekorJson.SearchIndex query) throws LogClientException {
    byte[] json = RekorJson.write(query);
    Answer r = send("search the index", postJson(uri("/api/v1/index/retrieve"), json), 200);
    String[] ids;
    try {
      ids = RekorJson.read(r.body(), String[].class);
    } catch (FormatException e) {
      throw malformed("the search result", r, e);
    }
    for (String id : ids) {
      try {
        EntryId.parse(Objects.requireNonNull(id, "null ID"));
      } catch (FormatException | NullPointerException e) {
        throw malformed("the search result", r, e);
      }
    }
    return List.of(ids);
  }

  /** The log's public key ({@code GET /api/v1/log/publicKey}). Trust it only if you know it. */
  public PublicKey publicKey() throws LogClientException {
    Answer r = send("get the log's public key", get(uri("/api/v1/log/publicKey")), 200);
    try {
      return KeyMaterial.parsePublicKey(new String(r.body(), StandardCharsets.UTF_8));
    } catch (FormatException e) {
      throw malformed("the public key", r, e);
    }
  }

  // ---- HTTP ----

  private URI uri(String pathAndQuery) {
    return URI.create(baseUrl + pathAndQuery);
  }

  private static HttpTransport.Request get(URI uri) {
    return HttpTransport.Request.get(uri).header("Accept", "application/json");
  }

  /**
   * A JSON POST. Every POST of this API may be sent again: a submit is deduplicated by the log
   * (a repeat answers 409 with the entry), and retrieve and search only read.
   */
  private static HttpTransport.Request postJson(URI uri, byte[] json) {
    return HttpTransport.Request.post(uri, "application/json", json).header("Accept", "application/json")
        .retrySafe();
  }

  /**
   * Sends the request through the transport (which retries network failures, 429 and 5xx) and
   * returns the answer if its status is one of {@code accepted}.
   */
  private Answer send(String what, HttpTransport.Request request, int... accepted) throws LogClientException {
    HttpTransport.Response r;
    try {
      r = http.send(request);
    } catch (HttpException e) {
      throw LogClientException.of(what, baseUrl, e);
    }
    for (int a : accepted) {
      if (r.status() == a) {
        return new Answer(r);
      }
    }
    throw LogClientException.status(what, r);
  }

  private static LoggedEntry entry(Answer r, String what) throws LogClientException {
    try {
      return RekorJson.readEntry(r.body());
    } catch (FormatException e) {
      throw malformed(what, r, e);
    }
  }

  private static void checkLeaf(LoggedEntry e, Hash expected, String what) throws LogClientException {
    Hash leaf = Rfc6962.hashLeaf(e.body());
    if (!leaf.equals(expected) || !e.id().uuid().equals(leaf)) {
      throw new LogClientException(LogClientException.Kind.RESPONSE, 200, null, "asked for " + what
          + " with leaf hash " + expected.hex() + ", the log answered with entry " + e.id()
          + " whose body hashes to " + leaf.hex(), null);
    }
  }

  private static LogClientException malformed(String what, Answer r, Exception e) {
    return LogClientException.malformed(what, r.statusCode(), e);
  }

  /** An answer: status, headers and the whole body, as served. */
  private static final class Answer {
    private final HttpTransport.Response response;
    private final byte[] body;

    Answer(HttpTransport.Response response) {
      this.response = response;
      this.body = response.body();
    }

    int statusCode() {
      return response.status();
    }

    Optional<String> header(String name) {
      return response.header(name);
    }

    byte[] body() {
      return body;
    }
  }

  @Override
  public String toString() {
    return "RekorClient[" + baseUrl + "]";
  }

  /**
   * Builds a {@link RekorClient}: the log's URL, and what the {@link HttpTransport} under it takes
   * (deadlines, retries, the bearer token, TLS roots; its defaults are the client's).
   */
  public static final class Builder {
    private final URI baseUrl;
    private final HttpTransport.Builder http = HttpTransport.builder()
        .maxBodyBytes(MAX_BODY_BYTES)
        .userAgent("stele-client");

    private Builder(URI baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      if (baseUrl.getScheme() == null || !Arrays.asList("http", "https").contains(baseUrl.getScheme())
          || baseUrl.getHost() == null) {
        throw new IllegalArgumentException("the log URL must be http(s)://host[:port][/path], got " + baseUrl);
      }
      String s = baseUrl.toString();
      this.baseUrl = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }

    /** Per request, from sending to the whole answer (default 30 s; a submit waits for integration). */
    public Builder timeout(Duration value) {
      http.timeout(value).bodyTimeout(value);
      return this;
    }

    /** Connecting (default 10 s). */
    public Builder connectTimeout(Duration value) {
      http.connectTimeout(value);
      return this;
    }

    /** Attempts in all, including the first (default 4). */
    public Builder maxAttempts(int value) {
      http.maxAttempts(value);
      return this;
    }

    /** Backoff before the second attempt, doubling after each, with jitter (default 250 ms, at most 8 s). */
    public Builder backoff(Duration initial, Duration max) {
      http.backoff(initial, max);
      return this;
    }

    /** The longest {@code Retry-After} the client waits; a longer one fails the call (default 60 s). */
    public Builder maxRetryAfter(Duration value) {
      http.maxRetryAfter(value);
      return this;
    }

    /**
     * A bearer token for a log that restricts writes (or reads): sent as {@code Authorization:
     * Bearer} to the log's origin only, never over plain HTTP except to a loopback IP literal.
     *
     * @throws IllegalArgumentException if the log URL is plain HTTP to another host
     */
    public Builder bearerToken(String value) {
      http.bearerToken(baseUrl, value);
      return this;
    }

    /** TLS roots to trust besides the JDK's own, e.g. the CA of a private log. */
    public Builder trustRoots(List<X509Certificate> roots) {
      if (!roots.isEmpty()) {
        http.trustRoots(roots);
      }
      return this;
    }

    public RekorClient build() {
      return new RekorClient(baseUrl, http.build());
    }
  }
}
