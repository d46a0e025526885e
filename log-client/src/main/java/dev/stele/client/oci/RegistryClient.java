package dev.stele.client.oci;

import dev.stele.client.http.HttpTransport;
import static dev.stele.client.oci.RegistryHttp.MAX_ERROR_BODY;
import static dev.stele.client.oci.RegistryHttp.abbreviate;
import static dev.stele.client.oci.RegistryHttp.fail;
import static dev.stele.client.oci.RegistryHttp.registryErrors;
import static dev.stele.client.oci.RegistryHttp.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.oci.RegistryException.Reason;
import dev.stele.client.oci.RegistryTransport.Access;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A client of the OCI distribution API ({@code /v2/}): manifests, blobs, tags, the choice of a
 * platform in an index, and the digests that tie them together. How requests travel and who
 * may see the credentials is {@link RegistryTransport}'s part.
 *
 * <p>Every manifest and blob it returns has been hashed here: the SHA-256 of the bytes received
 * must equal the {@code Docker-Content-Digest} the registry sent (when it sent one) and the
 * digest the caller asked for (when it asked by digest). A registry therefore cannot hand out
 * other content than the digest names; only the mapping from a tag to a digest is taken on
 * trust, and that is what a signature over the digest protects.
 *
 * <p>Authentication: anonymous first; on a {@code 401} the {@code WWW-Authenticate} challenge
 * decides. {@code Basic} uses the caller's credentials for the registry; {@code Bearer} fetches
 * a token from the challenge's realm and caches it per registry and scope until it expires.
 * Credentials, and tokens got with them, are sent only to the registry's own host: a token
 * realm, an upload location or a redirect on another host gets none (but for a token host the
 * caller trusts, {@link Builder#trustTokenHost}, and Docker Hub's). They never travel over plain
 * HTTP except to a loopback IP literal or an explicitly insecure registry.
 *
 * <p>HTTPS is used unless the registry is {@code localhost}, a loopback IP literal or named in
 * {@link Builder#insecureRegistry(String)}; then plain HTTP. References to {@code docker.io}
 * are served from Docker Hub's registry endpoint, {@code registry-1.docker.io}.
 *
 * <p>Instances are thread-safe. Redirects are followed only for blob downloads.
 */
public final class RegistryClient {
  /** Manifests larger than this are refused (the limit distribution itself applies). */
  public static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_REDIRECTS = 3;

  private final RegistryTransport transport;

  private RegistryClient(Builder b) {
    this.transport = new RegistryTransport(b.timeout, b.credentials, b.insecure, b.tokenHosts, b.clock);
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
    private final Map<String, Set<String>> tokenHosts = new HashMap<>();
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

    /**
     * Trusts {@code host} as the token service of {@code registry} ({@code host[:port]} as in
     * image references): the registry's credentials may then go to a token realm there, as they
     * go to the registry's own host (over HTTPS, or plain HTTP only where credentials may travel
     * at all). Docker Hub's token host needs no entry.
     */
    public Builder trustTokenHost(String registry, String host) {
      if (registry == null || registry.isEmpty() || host == null || host.isEmpty() || host.contains("/")) {
        throw new IllegalArgumentException("a registry and a bare token host name are required");
      }
      tokenHosts.computeIfAbsent(registry, r -> new HashSet<>()).add(host.toLowerCase(java.util.Locale.ROOT));
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
    HttpTransport.Response response = transport.send(repo, Access.PULL, "GET", transport.url(repo, "/manifests/" + reference),
        Map.of("Accept", String.join(", ", MediaTypes.MANIFESTS)), null, MAX_MANIFEST_BYTES, "get manifest " + reference);
    if (response.status() == 404) {
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
    HttpTransport.Response response = transport.send(repo, Access.PUSH, "PUT", transport.url(repo, "/manifests/" + reference),
        Map.of("Content-Type", mediaType), manifest, MAX_ERROR_BODY, "put manifest " + reference);
    expectStatus(response, repo, 201, "put manifest " + reference);
    checkClaimedDigest(response, repo, digest, "uploaded manifest " + reference);
    return digest;
  }

  // ---------------------------------------------------------------- blobs

  /** True when the repository has the blob (HEAD 200), false on 404. */
  public boolean blobExists(Repository repo, Digest digest) throws RegistryException {
    HttpTransport.Response response = transport.send(repo, Access.PULL, "HEAD", transport.url(repo, "/blobs/" + digest),
        Map.of(), null, 0, "check blob " + digest);
    if (response.status() == 404) {
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
    HttpTransport.Response opened = transport.send(repo, Access.PUSH, "POST", transport.url(repo, "/blobs/uploads/"),
        Map.of(), new byte[0], MAX_ERROR_BODY, what);
    expectStatus(opened, repo, 202, what);
    String location = opened.headers().firstValue("Location").orElseThrow(() -> fail(Reason.BAD_RESPONSE, repo,
        202, "registry " + repo.registry() + " opened an upload for " + repo + " without a Location header", null));
    URI uploadUrl;
    try {
      URI base = opened.uri().resolve(location);
      String sep = base.getRawQuery() == null ? "?" : "&";
      uploadUrl = URI.create(base + sep + "digest=" + URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw fail(Reason.BAD_RESPONSE, repo, 202, "registry " + repo.registry() + " sent an unusable upload Location \""
          + abbreviate(location) + "\" for " + repo, e);
    }
    HttpTransport.Response put = transport.send(repo, Access.PUSH, "PUT", uploadUrl,
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
    HttpTransport.Response response = transport.send(repo, Access.PULL, "GET", transport.url(repo, "/blobs/" + digest),
        Map.of(), null, maxBytes, what);
    for (int hop = 0; isRedirect(response.status()); hop++) {
      if (hop == MAX_REDIRECTS) {
        throw fail(Reason.BAD_RESPONSE, repo, response.status(), "registry " + repo.registry()
            + " redirected " + what + " in " + repo + " more than " + MAX_REDIRECTS + " times", null);
      }
      // The transport sends credentials only if the redirect stays on the registry's host.
      URI next = redirectTarget(response, repo, what);
      response = transport.send(repo, Access.PULL, "GET", next, Map.of(), null, maxBytes, what);
    }
    if (response.status() == 404) {
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


  // ---------------------------------------------------------------- checks

  private String manifestMediaType(HttpTransport.Response response, byte[] body, Repository repo, String reference)
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

  private void checkClaimedDigest(HttpTransport.Response response, Repository repo, Digest computed, String what)
      throws RegistryException {
    Optional<String> claimed = response.headers().firstValue("Docker-Content-Digest");
    if (claimed.isPresent() && !claimed.get().trim().equals(computed.toString())) {
      throw fail(Reason.DIGEST_MISMATCH, repo, response.status(), "registry " + repo.registry() + " claims digest "
          + abbreviate(claimed.get()) + " for " + what + " in " + repo + " but the content's sha256 is " + computed, null);
    }
  }

  private void expectStatus(HttpTransport.Response response, Repository repo, int expected, String what)
      throws RegistryException {
    int status = response.status();
    if (status == expected) {
      return;
    }
    Reason reason = status == 404 ? Reason.NOT_FOUND : status == 401 || status == 403 ? Reason.UNAUTHORIZED
        : Reason.HTTP_STATUS;
    throw fail(reason, repo, status, what + " in " + repo + ": registry answered HTTP " + status
        + " (expected " + expected + ")" + registryErrors(response.body()), null);
  }


  // ---------------------------------------------------------------- redirects

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private URI redirectTarget(HttpTransport.Response response, Repository repo, String what) throws RegistryException {
    String location = response.headers().firstValue("Location").orElse(null);
    try {
      URI next = location == null ? null : response.uri().resolve(location);
      if (next != null && ("https".equals(next.getScheme()) || "http".equals(next.getScheme()))) {
        return next;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw fail(Reason.BAD_RESPONSE, repo, response.status(), what + " in " + repo + ": registry redirected to an"
        + " unusable location \"" + abbreviate(String.valueOf(location)) + "\"", null);
  }
}
