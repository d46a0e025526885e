package dev.stele.client.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.oci.RegistryException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client of the OCI distribution API ({@code /v2/}) over {@code java.net.http}.
 *
 * <p>Every manifest and blob it returns has been hashed here: the SHA-256 of the bytes received
 * must equal the {@code Docker-Content-Digest} the registry sent (when it sent one) and the
 * digest the caller asked for (when it asked by digest). A registry therefore cannot hand out
 * other content than the digest names; only the mapping from a tag to a digest is taken on
 * trust, and that is what a signature over the digest protects.
 *
 * <p>Authentication: anonymous first; on a {@code 401} the {@code WWW-Authenticate} challenge
 * decides. {@code Basic} uses the caller's credentials for the registry; {@code Bearer} fetches
 * a token from the challenge's realm (with the credentials as HTTP Basic, when there are any)
 * and caches it per registry and scope until it expires. Credentials are only ever sent over
 * HTTPS or to a loopback or explicitly insecure host.
 *
 * <p>HTTPS is used unless the registry is {@code localhost}, {@code 127.x.x.x}, {@code [::1]}
 * or named in {@link Builder#insecureRegistry(String)}; then plain HTTP.
 *
 * <p>Instances are thread-safe. Redirects are followed only for blob downloads, and the
 * credentials are not sent to another host.
 */
public final class RegistryClient {
  /** Manifests larger than this are refused (the limit distribution itself applies). */
  public static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);
  /**
   * The longest a token is kept, whatever {@code expires_in} says: the token service may send any
   * 64-bit number, and a time that far ahead cannot even be represented.
   */
  private static final Duration MAX_TOKEN_LIFETIME = Duration.ofDays(1);
  private static final int MAX_ERROR_BODY = 64 * 1024;
  private static final int MAX_TOKEN_BODY = 1024 * 1024;
  private static final int MAX_REDIRECTS = 3;

  private final HttpClient http;
  private final Duration timeout;
  private final Map<String, Credentials> credentials;
  private final Set<String> insecure;
  private final Clock clock;
  /** Per registry: the last challenge it sent, so later requests can authenticate up front. */
  private final Map<String, AuthChallenge> challenges = new ConcurrentHashMap<>();
  /** Per registry and scope: a bearer token and when it expires. */
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();

  private record Token(String value, Instant expires) {}

  /** Whether a request reads ({@code pull}) or also writes ({@code pull,push}) the repository. */
  private enum Access {
    PULL("pull"),
    PUSH("pull,push");

    final String actions;

    Access(String actions) {
      this.actions = actions;
    }
  }

  private RegistryClient(Builder b) {
    this.timeout = b.timeout;
    this.credentials = Map.copyOf(b.credentials);
    this.insecure = Set.copyOf(b.insecure);
    this.clock = b.clock;
    // HTTP/1.1 only: no h2c upgrade attempts on plain-HTTP registries.
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(b.timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A client with no credentials and default timeouts. */
  public static RegistryClient anonymous() {
    return builder().build();
  }

  /** Configuration of a {@link RegistryClient}. */
  public static final class Builder {
    private Duration timeout = DEFAULT_TIMEOUT;
    private final Map<String, Credentials> credentials = new HashMap<>();
    private final Set<String> insecure = new HashSet<>();
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Connect timeout and whole-request timeout (default 30 s). */
    public Builder timeout(Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("timeout must be positive");
      }
      this.timeout = value;
      return this;
    }

    /** Credentials for one registry ({@code host[:port]} exactly as in image references). */
    public Builder credentials(String registry, Credentials value) {
      if (registry == null || value == null) {
        throw new IllegalArgumentException("registry and credentials are required");
      }
      credentials.put(registry, value);
      return this;
    }

    /** Talk plain HTTP to this registry ({@code host[:port]}); loopback hosts need no entry. */
    public Builder insecureRegistry(String registry) {
      if (registry == null || registry.isEmpty()) {
        throw new IllegalArgumentException("registry is required");
      }
      insecure.add(registry);
      return this;
    }

    /** The clock that decides when cached tokens expire (tests). */
    public Builder clock(Clock value) {
      this.clock = value;
      return this;
    }

    public RegistryClient build() {
      return new RegistryClient(this);
    }
  }

  // ---------------------------------------------------------------- manifests

  /**
   * The digest of the manifest the reference names. For an index (multi-platform image) this
   * is the digest of the index itself, which is what a signature covers.
   */
  public Digest resolve(ImageReference ref) throws RegistryException {
    return fetchManifest(ref).digest();
  }

  /**
   * The digest of the manifest for one platform: if the reference names an index, the entry
   * for {@code platform} is fetched (and checked) and its digest returned; a plain manifest
   * is returned as it is.
   */
  public Digest resolve(ImageReference ref, Platform platform) throws RegistryException {
    Manifest top = fetchManifest(ref);
    if (!top.isIndex()) {
      return top.digest();
    }
    Digest child = selectPlatform(ref.repository(), top, platform);
    return fetchManifest(ImageReference.of(ref.repository(), child)).digest();
  }

  /** The manifest the reference names, checked as described in the class comment. */
  public Manifest fetchManifest(ImageReference ref) throws RegistryException {
    return findManifest(ref).orElseThrow(() -> fail(Reason.NOT_FOUND, ref.repository(), 404,
        "manifest " + ref.manifestReference() + " not found in " + ref.repository() + " (HTTP 404)", null));
  }

  /** Like {@link #fetchManifest} but empty when the registry says 404. */
  public Optional<Manifest> findManifest(ImageReference ref) throws RegistryException {
    Repository repo = ref.repository();
    String reference = ref.manifestReference();
    HttpResponse<byte[]> response = send(repo, Access.PULL, "GET", url(repo, "/manifests/" + reference),
        Map.of("Accept", String.join(", ", MediaTypes.MANIFESTS)), null, MAX_MANIFEST_BYTES, "get manifest " + reference);
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    expectStatus(response, repo, 200, "get manifest " + reference);
    byte[] body = response.body();
    Digest computed = Digest.of(body);
    checkClaimedDigest(response, repo, computed, "manifest " + reference);
    if (ref.digest() != null && !ref.digest().equals(computed)) {
      throw fail(Reason.DIGEST_MISMATCH, repo, 200, "registry " + repo.registry() + " returned a manifest for "
          + repo + "@" + ref.digest() + " whose sha256 is " + computed + "; the content does not match the digest", null);
    }
    String mediaType = manifestMediaType(response, body, repo, reference);
    return Optional.of(new Manifest(computed, mediaType, body));
  }

  /**
   * Uploads a manifest under a tag (or under its own digest when {@code reference} is one) and
   * returns its digest, checked against what the registry reports.
   */
  public Digest putManifest(Repository repo, String reference, String mediaType, byte[] manifest)
      throws RegistryException {
    Digest digest = Digest.of(manifest);
    HttpResponse<byte[]> response = send(repo, Access.PUSH, "PUT", url(repo, "/manifests/" + reference),
        Map.of("Content-Type", mediaType), manifest, MAX_ERROR_BODY, "put manifest " + reference);
    expectStatus(response, repo, 201, "put manifest " + reference);
    checkClaimedDigest(response, repo, digest, "uploaded manifest " + reference);
    return digest;
  }

  // ---------------------------------------------------------------- blobs

  /** True when the repository has the blob (HEAD 200), false on 404. */
  public boolean blobExists(Repository repo, Digest digest) throws RegistryException {
    HttpResponse<byte[]> response = send(repo, Access.PULL, "HEAD", url(repo, "/blobs/" + digest),
        Map.of(), null, 0, "check blob " + digest);
    if (response.statusCode() == 404) {
      return false;
    }
    expectStatus(response, repo, 200, "check blob " + digest);
    return true;
  }

  /**
   * Uploads a blob unless the repository already has it (monolithic upload: POST to open an
   * upload session, PUT the bytes with their digest) and returns its digest.
   */
  public Digest pushBlob(Repository repo, byte[] content) throws RegistryException {
    Digest digest = Digest.of(content);
    if (blobExists(repo, digest)) {
      return digest;
    }
    String what = "upload blob " + digest;
    HttpResponse<byte[]> opened = send(repo, Access.PUSH, "POST", url(repo, "/blobs/uploads/"),
        Map.of(), new byte[0], MAX_ERROR_BODY, what);
    expectStatus(opened, repo, 202, what);
    String location = opened.headers().firstValue("Location").orElseThrow(() -> fail(Reason.BAD_RESPONSE, repo,
        202, "registry " + repo.registry() + " opened an upload for " + repo + " without a Location header", null));
    URI uploadUrl;
    try {
      URI base = opened.request().uri().resolve(location);
      String sep = base.getRawQuery() == null ? "?" : "&";
      uploadUrl = URI.create(base + sep + "digest=" + URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw fail(Reason.BAD_RESPONSE, repo, 202, "registry " + repo.registry() + " sent an unusable upload Location \""
          + abbreviate(location) + "\" for " + repo, e);
    }
    HttpResponse<byte[]> put = send(repo, Access.PUSH, "PUT", uploadUrl,
        Map.of("Content-Type", "application/octet-stream"), content, MAX_ERROR_BODY, what);
    expectStatus(put, repo, 201, what);
    checkClaimedDigest(put, repo, digest, "uploaded blob");
    return digest;
  }

  /**
   * Downloads a blob of at most {@code maxBytes} bytes and checks that its SHA-256 is
   * {@code digest}.
   */
  public byte[] fetchBlob(Repository repo, Digest digest, int maxBytes) throws RegistryException {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative");
    }
    String what = "get blob " + digest;
    URI target = url(repo, "/blobs/" + digest);
    HttpResponse<byte[]> response = send(repo, Access.PULL, "GET", target, Map.of(), null, maxBytes, what);
    for (int hop = 0; isRedirect(response.statusCode()); hop++) {
      if (hop == MAX_REDIRECTS) {
        throw fail(Reason.BAD_RESPONSE, repo, response.statusCode(), "registry " + repo.registry()
            + " redirected " + what + " in " + repo + " more than " + MAX_REDIRECTS + " times", null);
      }
      URI next = redirectTarget(response, repo, what);
      boolean sameOrigin = sameOrigin(next, target);
      response = sameOrigin
          ? send(repo, Access.PULL, "GET", next, Map.of(), null, maxBytes, what)
          : sendPlain(repo, next, maxBytes, what);
      target = next;
    }
    if (response.statusCode() == 404) {
      throw fail(Reason.NOT_FOUND, repo, 404, "blob " + digest + " not found in " + repo + " (HTTP 404)", null);
    }
    expectStatus(response, repo, 200, what);
    Digest computed = Digest.of(response.body());
    if (!computed.equals(digest)) {
      throw fail(Reason.DIGEST_MISMATCH, repo, 200, "registry " + repo.registry() + " returned a blob for " + repo
          + "@" + digest + " whose sha256 is " + computed + "; the content does not match the digest", null);
    }
    return response.body();
  }

  // ---------------------------------------------------------------- index selection

  private Digest selectPlatform(Repository repo, Manifest index, Platform platform) throws RegistryException {
    JsonNode root = parseJson(index.bytes(), repo, "index " + index.digest());
    JsonNode manifests = root.get("manifests");
    if (manifests == null || !manifests.isArray()) {
      throw fail(Reason.BAD_RESPONSE, repo, 200, "index " + index.digest() + " in " + repo
          + " has no \"manifests\" array", null);
    }
    List<String> available = new ArrayList<>();
    for (JsonNode entry : manifests) {
      JsonNode p = entry.get("platform");
      if (p == null || !p.isObject()) {
        continue;
      }
      String os = text(p, "os");
      String arch = text(p, "architecture");
      String variant = text(p, "variant");
      available.add(os + "/" + arch + (variant != null ? "/" + variant : ""));
      if (platform.matches(os, arch, variant)) {
        try {
          return Digest.parse(text(entry, "digest"));
        } catch (OciException e) {
          throw fail(Reason.BAD_RESPONSE, repo, 200, "index " + index.digest() + " in " + repo + " lists "
              + platform + " with a bad digest: " + e.getMessage(), e);
        }
      }
    }
    throw fail(Reason.NOT_FOUND, repo, 200, "index " + index.digest() + " in " + repo + " has no manifest for platform "
        + platform + " (it has: " + (available.isEmpty() ? "none" : String.join(", ", available)) + ")", null);
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }

  // ---------------------------------------------------------------- checks

  private String manifestMediaType(HttpResponse<byte[]> response, byte[] body, Repository repo, String reference)
      throws RegistryException {
    String contentType = response.headers().firstValue("Content-Type")
        .map(v -> v.split(";", 2)[0].trim().toLowerCase(Locale.ROOT)).orElse(null);
    JsonNode root = parseJson(body, repo, "manifest " + reference);
    if (!root.isObject()) {
      throw fail(Reason.BAD_RESPONSE, repo, 200, "manifest " + reference + " in " + repo + " is not a JSON object", null);
    }
    JsonNode schema = root.get("schemaVersion");
    if (schema == null || !schema.isIntegralNumber() || schema.asLong() != 2) {
      throw fail(Reason.BAD_RESPONSE, repo, 200, "manifest " + reference + " in " + repo
          + " has schemaVersion " + schema + "; only schema version 2 (OCI, Docker v2) is supported", null);
    }
    String declared = text(root, "mediaType");
    // The Content-Type decides; only a missing or generic one lets the document's own field speak.
    boolean generic = contentType == null || contentType.equals("application/json")
        || contentType.equals("application/octet-stream") || contentType.equals("text/plain");
    String mediaType = generic ? declared : contentType;
    if (mediaType == null || !MediaTypes.MANIFESTS.contains(mediaType)) {
      throw fail(Reason.BAD_RESPONSE, repo, 200, "manifest " + reference + " in " + repo + " has media type "
          + (contentType != null ? contentType : declared) + "; expected one of " + MediaTypes.MANIFESTS, null);
    }
    if (declared != null && !declared.equals(mediaType)) {
      throw fail(Reason.BAD_RESPONSE, repo, 200, "manifest " + reference + " in " + repo + " was served as "
          + mediaType + " but declares mediaType " + declared, null);
    }
    return mediaType;
  }

  private JsonNode parseJson(byte[] body, Repository repo, String what) throws RegistryException {
    try {
      JsonNode root = OciJson.read(body);
      if (root == null || root.isMissingNode()) {
        throw fail(Reason.BAD_RESPONSE, repo, 200, what + " in " + repo + " is empty", null);
      }
      return root;
    } catch (IOException e) {
      throw fail(Reason.BAD_RESPONSE, repo, 200, what + " in " + repo + " is not valid JSON: " + abbreviate(String.valueOf(e.getMessage())), e);
    }
  }

  private void checkClaimedDigest(HttpResponse<?> response, Repository repo, Digest computed, String what)
      throws RegistryException {
    Optional<String> claimed = response.headers().firstValue("Docker-Content-Digest");
    if (claimed.isPresent() && !claimed.get().trim().equals(computed.toString())) {
      throw fail(Reason.DIGEST_MISMATCH, repo, response.statusCode(), "registry " + repo.registry() + " claims digest "
          + abbreviate(claimed.get()) + " for " + what + " in " + repo + " but the content's sha256 is " + computed, null);
    }
  }

  private void expectStatus(HttpResponse<byte[]> response, Repository repo, int expected, String what)
      throws RegistryException {
    int status = response.statusCode();
    if (status == expected) {
      return;
    }
    Reason reason = status == 404 ? Reason.NOT_FOUND : status == 401 || status == 403 ? Reason.UNAUTHORIZED
        : Reason.HTTP_STATUS;
    throw fail(reason, repo, status, what + " in " + repo + ": registry answered HTTP " + status
        + " (expected " + expected + ")" + registryErrors(response.body()), null);
  }

  /** The distribution API's {@code {"errors":[{"code","message"}]}}, shortened, or nothing. */
  private static String registryErrors(byte[] body) {
    if (body == null || body.length == 0) {
      return "";
    }
    try {
      JsonNode errors = OciJson.read(body).get("errors");
      if (errors != null && errors.isArray() && errors.size() > 0) {
        List<String> parts = new ArrayList<>();
        for (JsonNode e : errors) {
          parts.add(String.valueOf(text(e, "code")) + ": " + String.valueOf(text(e, "message")));
          if (parts.size() == 3) {
            break;
          }
        }
        return " [" + abbreviate(String.join("; ", parts)) + "]";
      }
    } catch (IOException | RuntimeException e) {
      // not the error format; fall through
    }
    return "";
  }

  // ---------------------------------------------------------------- HTTP and authentication

  private URI url(Repository repo, String suffix) {
    String scheme = insecure.contains(repo.registry()) || repo.isLoopback() ? "http" : "https";
    return URI.create(scheme + "://" + repo.registry() + "/v2/" + repo.name() + suffix);
  }

  /**
   * Sends one request with whatever authentication is known for the registry; on a 401 answers
   * the challenge once and sends it again. Any status other than 401 is returned to the caller.
   */
  private HttpResponse<byte[]> send(Repository repo, Access access, String method, URI uri,
      Map<String, String> headers, byte[] body, int maxBody, String what) throws RegistryException {
    String scope = "repository:" + repo.name() + ":" + access.actions;
    String authorization = knownAuthorization(repo, scope, what);
    boolean answered = false;
    while (true) {
      HttpResponse<byte[]> response = exchange(repo, method, uri, headers, authorization, body, maxBody, what);
      if (response.statusCode() != 401) {
        return response;
      }
      List<AuthChallenge> offered = AuthChallenge.parse(response.headers().allValues("WWW-Authenticate"));
      AuthChallenge challenge = offered.stream().filter(AuthChallenge::isBearer).findFirst()
          .or(() -> offered.stream().filter(AuthChallenge::isBasic).findFirst()).orElse(null);
      Credentials creds = credentials.get(repo.registry());
      if (challenge == null) {
        throw fail(Reason.UNAUTHORIZED, repo, 401, what + " in " + repo + ": registry answered HTTP 401 without a"
            + " Basic or Bearer challenge" + registryErrors(response.body()), null);
      }
      if (answered) {
        String detail = challenge.param("error") != null ? " (" + challenge.param("error") + ")" : "";
        throw fail(Reason.UNAUTHORIZED, repo, 401, what + " in " + repo + ": registry " + repo.registry()
            + " refused the " + (creds != null ? "credentials of user " + creds.username() : "anonymous token")
            + detail + " (HTTP 401)" + registryErrors(response.body()), null);
      }
      challenges.put(repo.registry(), challenge);
      if (challenge.isBasic()) {
        if (creds == null) {
          throw fail(Reason.UNAUTHORIZED, repo, 401, what + " in " + repo + ": registry " + repo.registry()
              + " requires a user name and password (HTTP 401, Basic authentication) and none were given", null);
        }
        checkCredentialsMayTravel(repo, uri, what);
        authorization = creds.basicAuthorization();
      } else {
        String wanted = challenge.param("scope") != null ? challenge.param("scope") : scope;
        authorization = "Bearer " + fetchToken(repo, challenge, scope, wanted, what);
      }
      answered = true;
    }
  }

  /** The Authorization header to send before any challenge of this request, or null. */
  private String knownAuthorization(Repository repo, String scope, String what) throws RegistryException {
    AuthChallenge known = challenges.get(repo.registry());
    if (known == null) {
      return null;
    }
    if (known.isBasic()) {
      Credentials creds = credentials.get(repo.registry());
      return creds != null ? creds.basicAuthorization() : null;
    }
    Token cached = tokens.get(repo.registry() + " " + scope);
    if (cached != null && clock.instant().isBefore(cached.expires())) {
      return "Bearer " + cached.value();
    }
    return "Bearer " + fetchToken(repo, known, scope, scope, what);
  }

  /** Gets a token for {@code wanted} from the challenge's realm and caches it under {@code scope}. */
  private String fetchToken(Repository repo, AuthChallenge challenge, String scope, String wanted, String what)
      throws RegistryException {
    String realm = challenge.param("realm");
    URI realmUri;
    try {
      realmUri = realm == null ? null : new URI(realm);
    } catch (java.net.URISyntaxException e) {
      realmUri = null;
    }
    if (realmUri == null || realmUri.getHost() == null
        || !("https".equals(realmUri.getScheme()) || "http".equals(realmUri.getScheme()))) {
      throw fail(Reason.BAD_RESPONSE, repo, 401, what + " in " + repo + ": registry " + repo.registry()
          + " sent a Bearer challenge without a usable http(s) realm (" + abbreviate(String.valueOf(realm)) + ")", null);
    }
    StringBuilder query = new StringBuilder();
    if (challenge.param("service") != null) {
      query.append("service=").append(URLEncoder.encode(challenge.param("service"), StandardCharsets.UTF_8));
    }
    for (String s : wanted.split(" ")) {
      if (!s.isEmpty()) {
        query.append(query.length() > 0 ? "&" : "").append("scope=").append(URLEncoder.encode(s, StandardCharsets.UTF_8));
      }
    }
    String sep = realmUri.getRawQuery() == null ? "?" : "&";
    URI tokenUri = URI.create(realm + (query.length() > 0 ? sep + query : ""));
    Credentials creds = credentials.get(repo.registry());
    String authorization = null;
    if (creds != null) {
      checkCredentialsMayTravel(repo, tokenUri, what);
      authorization = creds.basicAuthorization();
    }
    HttpResponse<byte[]> response = exchange(repo, "GET", tokenUri, Map.of("Accept", "application/json"),
        authorization, null, MAX_TOKEN_BODY, "get a token from " + tokenHost(tokenUri));
    if (response.statusCode() != 200) {
      Reason reason = response.statusCode() == 401 || response.statusCode() == 403 ? Reason.UNAUTHORIZED
          : Reason.HTTP_STATUS;
      throw fail(reason, repo, response.statusCode(), what + " in " + repo + ": the token service "
          + tokenHost(tokenUri) + " answered HTTP " + response.statusCode() + " for scope \"" + wanted + "\""
          + (creds != null ? " and user " + creds.username() : " without credentials")
          + registryErrors(response.body()), null);
    }
    String token;
    long expiresIn;
    try {
      JsonNode root = OciJson.read(response.body());
      token = text(root, "token") != null ? text(root, "token") : text(root, "access_token");
      JsonNode e = root.get("expires_in");
      expiresIn = e != null && e.isIntegralNumber() && e.asLong() > 0 ? e.asLong() : DEFAULT_TOKEN_LIFETIME.toSeconds();
    } catch (IOException | RuntimeException e) {
      throw fail(Reason.BAD_RESPONSE, repo, 200, "the token service " + tokenHost(tokenUri)
          + " answered something that is not a JSON token response", e);
    }
    if (token == null || token.isEmpty() || !token.chars().allMatch(c -> c > 32 && c < 127)) {
      throw fail(Reason.BAD_RESPONSE, repo, 200, "the token service " + tokenHost(tokenUri)
          + " answered without a usable \"token\" or \"access_token\"", null);
    }
    // Renew ten seconds early so a token does not expire in flight.
    long lifetime = Math.min(expiresIn, MAX_TOKEN_LIFETIME.toSeconds());
    Instant expires = clock.instant().plusSeconds(Math.max(1, lifetime - 10));
    tokens.put(repo.registry() + " " + scope, new Token(token, expires));
    return token;
  }

  private static String tokenHost(URI uri) {
    return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
  }

  private void checkCredentialsMayTravel(Repository repo, URI target, String what) throws RegistryException {
    if ("https".equals(target.getScheme())) {
      return;
    }
    String host = target.getHost() == null ? "" : target.getHost().toLowerCase(Locale.ROOT);
    boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
    if (!loopback && !insecure.contains(repo.registry())) {
      throw fail(Reason.UNAUTHORIZED, repo, 401, what + " in " + repo + ": refusing to send credentials over plain"
          + " HTTP to " + target.getRawAuthority() + "; use HTTPS or mark the registry insecure", null);
    }
  }

  private HttpResponse<byte[]> sendPlain(Repository repo, URI uri, int maxBody, String what) throws RegistryException {
    return exchange(repo, "GET", uri, Map.of(), null, null, maxBody, what);
  }

  /** One HTTP exchange; the body is read up to {@code maxBody} bytes (more is an error). */
  private HttpResponse<byte[]> exchange(Repository repo, String method, URI uri, Map<String, String> headers,
      String authorization, byte[] body, int maxBody, String what) throws RegistryException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      byte[] content;
      boolean success = response.statusCode() < 300;
      try (InputStream in = response.body()) {
        content = in.readNBytes(success ? maxBody : MAX_ERROR_BODY);
        if (success && in.read() >= 0) {
          throw fail(Reason.BAD_RESPONSE, repo, response.statusCode(), what + " in " + repo + ": registry "
              + repo.registry() + " sent more than " + maxBody + " bytes", null);
        }
      }
      return new Response(response, content);
    } catch (IOException e) {
      throw fail(Reason.NETWORK, repo, 0, what + " in " + repo + ": cannot reach " + uri.getScheme() + "://"
          + uri.getRawAuthority() + " (" + e.getClass().getSimpleName()
          + (e.getMessage() != null ? ": " + abbreviate(e.getMessage()) : "") + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail(Reason.NETWORK, repo, 0, what + " in " + repo + ": interrupted", e);
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private URI redirectTarget(HttpResponse<byte[]> response, Repository repo, String what) throws RegistryException {
    String location = response.headers().firstValue("Location").orElse(null);
    try {
      URI next = location == null ? null : response.request().uri().resolve(location);
      if (next != null && ("https".equals(next.getScheme()) || "http".equals(next.getScheme()))) {
        return next;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw fail(Reason.BAD_RESPONSE, repo, response.statusCode(), what + " in " + repo + ": registry redirected to an"
        + " unusable location \"" + abbreviate(String.valueOf(location)) + "\"", null);
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equals(b.getScheme()) && String.valueOf(a.getRawAuthority()).equals(b.getRawAuthority());
  }

  private static RegistryException fail(Reason reason, Repository repo, int status, String message, Throwable cause) {
    return new RegistryException(reason, repo.registry(), repo.name(), status, message, cause);
  }

  /** Text from the network, cut to a length fit for a message and stripped of control characters. */
  private static String abbreviate(String s) {
    String clean = s.replaceAll("\\p{Cntrl}", "?");
    return clean.length() > 200 ? clean.substring(0, 200) + "..." : clean;
  }

  /** A response whose body has been read into memory (within its limit). */
  private record Response(HttpResponse<InputStream> raw, byte[] content) implements HttpResponse<byte[]> {
    @Override
    public int statusCode() {
      return raw.statusCode();
    }

    @Override
    public HttpRequest request() {
      return raw.request();
    }

    @Override
    public Optional<HttpResponse<byte[]>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public HttpHeaders headers() {
      return raw.headers();
    }

    @Override
    public byte[] body() {
      return content;
    }

    @Override
    public Optional<javax.net.ssl.SSLSession> sslSession() {
      return raw.sslSession();
    }

    @Override
    public URI uri() {
      return raw.uri();
    }

    @Override
    public HttpClient.Version version() {
      return raw.version();
    }
  }
}
