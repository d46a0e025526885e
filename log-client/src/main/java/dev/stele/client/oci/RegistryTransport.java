package dev.stele.client.oci;

import static dev.stele.client.oci.RegistryHttp.abbreviate;
import static dev.stele.client.oci.RegistryHttp.fail;
import static dev.stele.client.oci.RegistryHttp.registryErrors;
import static dev.stele.client.oci.RegistryHttp.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.oci.RegistryException.Reason;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests to a registry with the authentication it asks for (the distribution API's token
 * authentication, and HTTP Basic): the {@code WWW-Authenticate} challenge, the caller's
 * credentials, bearer tokens fetched from the challenge's realm and cached per registry and
 * scope until they expire. {@link RegistryClient} says what to request; this class says who may
 * see which credentials.
 *
 * <p>Where credentials go. The caller's credentials, and tokens obtained with them, are sent
 * only to the registry's own host (the host of {@code host[:port]} in the image reference; any
 * port, the scheme chosen for the registry):
 *
 * <ul>
 *   <li>a token realm on another host is asked for a token without credentials (it gets an
 *       anonymous token, or refuses);
 *   <li>a request to another host (an upload {@code Location}, a blob redirect) carries no
 *       {@code Authorization}, and a {@code 401} from there is an error, not a challenge to
 *       answer;
 *   <li>and on any host, never over plain HTTP unless the host is loopback or the registry was
 *       marked insecure.
 * </ul>
 *
 * <p>Why so strict: the challenge and the {@code Location} are chosen by whoever answers, and a
 * registry's password or push token is worth more to another host than to the registry itself.
 *
 * <p>Thread-safe: the challenge and token caches are concurrent maps; two threads may fetch a
 * token for the same scope at once, and the later one wins the cache.
 */
final class RegistryTransport {
  private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);
  private static final int MAX_TOKEN_BODY = 1024 * 1024;

  /** Whether a request reads ({@code pull}) or also writes ({@code pull,push}) the repository. */
  enum Access {
    PULL("pull"),
    PUSH("pull,push");

    final String actions;

    Access(String actions) {
      this.actions = actions;
    }
  }

  private record Token(String value, Instant expires) {}

  private final RegistryHttp http;
  private final Map<String, Credentials> credentials;
  private final Set<String> insecure;
  private final Clock clock;
  /** Per registry: the last challenge it sent, so later requests can authenticate up front. */
  private final Map<String, AuthChallenge> challenges = new ConcurrentHashMap<>();
  /** Per registry and scope: a bearer token and when it expires. */
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();

  RegistryTransport(Duration timeout, Map<String, Credentials> credentials, Set<String> insecure, Clock clock) {
    this.http = new RegistryHttp(timeout);
    this.credentials = Map.copyOf(credentials);
    this.insecure = Set.copyOf(insecure);
    this.clock = clock;
  }

  /** {@code /v2/<name><suffix>} on the registry: HTTPS, or HTTP for loopback and insecure registries. */
  URI url(Repository repo, String suffix) {
    String scheme = insecure.contains(repo.registry()) || repo.isLoopback() ? "http" : "https";
    return URI.create(scheme + "://" + repo.registry() + "/v2/" + repo.name() + suffix);
  }

  /**
   * Sends one request with whatever authentication is known for the registry; on a 401 from
   * the registry's host answers the challenge once and sends it again. Any status other than
   * 401 is returned to the caller.
   */
  HttpResponse<byte[]> send(Repository repo, Access access, String method, URI uri,
      Map<String, String> headers, byte[] body, int maxBody, String what) throws RegistryException {
    boolean registryHost = onRegistryHost(repo, uri);
    String scope = "repository:" + repo.name() + ":" + access.actions;
    String authorization = registryHost ? knownAuthorization(repo, uri, scope, what) : null;
    boolean answered = false;
    while (true) {
      HttpResponse<byte[]> response = http.exchange(repo, method, uri, headers, authorization, body, maxBody, what);
      if (response.statusCode() != 401) {
        return response;
      }
      if (!registryHost) {
        throw fail(Reason.UNAUTHORIZED, repo, 401, what + " in " + repo + ": " + uri.getRawAuthority()
            + " answered HTTP 401; it is not the registry's host " + repo.host()
            + ", so no credentials are sent there" + registryErrors(response.body()), null);
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
        authorization = bearer(repo, uri, fetchToken(repo, challenge, scope, wanted, what), what);
      }
      answered = true;
    }
  }

  /** The Authorization header to send to the registry before any challenge of this request, or null. */
  private String knownAuthorization(Repository repo, URI uri, String scope, String what) throws RegistryException {
    AuthChallenge known = challenges.get(repo.registry());
    if (known == null) {
      return null;
    }
    if (known.isBasic()) {
      Credentials creds = credentials.get(repo.registry());
      if (creds == null) {
        return null;
      }
      checkCredentialsMayTravel(repo, uri, what);
      return creds.basicAuthorization();
    }
    Token cached = tokens.get(repo.registry() + " " + scope);
    String token = cached != null && clock.instant().isBefore(cached.expires())
        ? cached.value() : fetchToken(repo, known, scope, scope, what);
    return bearer(repo, uri, token, what);
  }

  /** A token is a credential too: it travels under the same rules. */
  private String bearer(Repository repo, URI uri, String token, String what) throws RegistryException {
    checkCredentialsMayTravel(repo, uri, what);
    return "Bearer " + token;
  }

  /**
   * Gets a token for {@code wanted} from the challenge's realm and caches it under {@code scope}.
   * The caller's credentials go along only when the realm is on the registry's host.
   */
  private String fetchToken(Repository repo, AuthChallenge challenge, String scope, String wanted, String what)
      throws RegistryException {
    String realm = challenge.param("realm");
    URI realmUri;
    try {
      realmUri = realm == null ? null : new URI(realm);
    } catch (URISyntaxException e) {
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
    boolean withheld = creds != null && !onRegistryHost(repo, tokenUri);
    String authorization = null;
    if (creds != null && !withheld) {
      checkCredentialsMayTravel(repo, tokenUri, what);
      authorization = creds.basicAuthorization();
    }
    HttpResponse<byte[]> response = http.exchange(repo, "GET", tokenUri, Map.of("Accept", "application/json"),
        authorization, null, MAX_TOKEN_BODY, "get a token from " + tokenHost(tokenUri));
    if (response.statusCode() != 200) {
      Reason reason = response.statusCode() == 401 || response.statusCode() == 403 ? Reason.UNAUTHORIZED
          : Reason.HTTP_STATUS;
      String sent = authorization != null ? " and user " + creds.username()
          : withheld ? " without credentials (the credentials for " + repo.registry() + " are sent only to its"
              + " own host, not to " + tokenUri.getHost() + ")"
          : " without credentials";
      throw fail(reason, repo, response.statusCode(), what + " in " + repo + ": the token service "
          + tokenHost(tokenUri) + " answered HTTP " + response.statusCode() + " for scope \"" + wanted + "\""
          + sent + registryErrors(response.body()), null);
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
    Instant expires = clock.instant().plusSeconds(Math.max(1, expiresIn - 10));
    tokens.put(repo.registry() + " " + scope, new Token(token, expires));
    return token;
  }

  private static String tokenHost(URI uri) {
    return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
  }

  /** True when {@code target} is on the registry's host (any port); host names compare without case. */
  static boolean onRegistryHost(Repository repo, URI target) {
    return target.getHost() != null && target.getHost().toLowerCase(Locale.ROOT).equals(repo.host());
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
}
