package dev.stele.client.oci;

import dev.stele.client.http.HttpTransport;
import static dev.stele.client.oci.RegistryHttp.abbreviate;
import static dev.stele.client.oci.RegistryHttp.fail;
import static dev.stele.client.oci.RegistryHttp.registryErrors;
import static dev.stele.client.oci.RegistryHttp.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.http.Origins;
import dev.stele.client.oci.RegistryException.Reason;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
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
 *   <li>and on any host, never over plain HTTP unless the host is a loopback IP literal
 *       ({@link Origins}: {@code 127.0.0.1}, {@code [::1]}; not a name, not {@code localhost}) or
 *       the registry was marked insecure.
 * </ul>
 *
 * <p>One exception, named by the operator or built in: a token service the registry's operator
 * runs on another host. Docker Hub is the common case: its registry answers on
 * {@code registry-1.docker.io} (the endpoint of {@code docker.io} and {@code index.docker.io}
 * references) and its token realm is {@code auth.docker.io}; that pair is trusted here by
 * default ({@link #BUILT_IN_TOKEN_HOSTS}). Any other realm host gets the credentials only when
 * the caller trusts it for that registry ({@link RegistryClient.Builder#trustTokenHost}); the
 * token such a realm returns still goes only to the registry's own host.
 *
 * <p>Why so strict: the challenge and the {@code Location} are chosen by whoever answers, and a
 * registry's password or push token is worth more to another host than to the registry itself.
 *
 * <p>Thread-safe: the challenge and token caches are concurrent maps; two threads may fetch a
 * token for the same scope at once, and the later one wins the cache.
 */
final class RegistryTransport {
  private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);
  /**
   * The longest a token is kept, whatever {@code expires_in} says: the token service may send any
   * 64-bit number, and an instant that far ahead cannot be represented (plusSeconds throws).
   */
  static final Duration MAX_TOKEN_LIFETIME = Duration.ofDays(1);
  private static final int MAX_TOKEN_BODY = 1024 * 1024;
  /** Where the registry of Docker Hub references answers. */
  static final String DOCKER_HUB_ENDPOINT = "registry-1.docker.io";
  /** Registry endpoint host to the token hosts its operator runs: Docker Hub's pair. */
  static final Map<String, Set<String>> BUILT_IN_TOKEN_HOSTS = Map.of(DOCKER_HUB_ENDPOINT, Set.of("auth.docker.io"));

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
  /** Per registry ({@code host[:port]} as in references): realm hosts the caller trusts with its credentials. */
  private final Map<String, Set<String>> tokenHosts;
  private final Clock clock;
  /** Per registry: the last challenge it sent, so later requests can authenticate up front. */
  private final Map<String, AuthChallenge> challenges = new ConcurrentHashMap<>();
  /** Per registry and scope: a bearer token and when it expires. */
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();

  RegistryTransport(Duration timeout, Map<String, Credentials> credentials, Set<String> insecure,
      Map<String, Set<String>> tokenHosts, Clock clock) {
    this.http = new RegistryHttp(timeout);
    this.credentials = Map.copyOf(credentials);
    this.insecure = Set.copyOf(insecure);
    Map<String, Set<String>> hosts = new java.util.HashMap<>();
    tokenHosts.forEach((registry, set) -> hosts.put(registry, Set.copyOf(set)));
    this.tokenHosts = Map.copyOf(hosts);
    this.clock = clock;
  }

  /** {@code /v2/<name><suffix>} on the registry: HTTPS, or HTTP for loopback and insecure registries. */
  URI url(Repository repo, String suffix) {
    String scheme = insecure.contains(repo.registry()) || repo.isLoopback() ? "http" : "https";
    return URI.create(scheme + "://" + endpoint(repo) + "/v2/" + repo.name() + suffix);
  }

  /**
   * The {@code host[:port]} that serves the registry: the reference's own, but for Docker Hub,
   * whose references name {@code docker.io} (or {@code index.docker.io}) and whose API answers
   * on {@value #DOCKER_HUB_ENDPOINT}.
   */
  static String endpoint(Repository repo) {
    String r = repo.registry().toLowerCase(Locale.ROOT);
    return r.equals("docker.io") || r.equals("index.docker.io") ? DOCKER_HUB_ENDPOINT : repo.registry();
  }

  /** The host part of {@link #endpoint}, lower case. */
  private static String endpointHost(Repository repo) {
    String e = endpoint(repo);
    return e.equals(repo.registry()) ? repo.host() : e;
  }

  /**
   * True if the caller's credentials for {@code repo} may go to a token realm on {@code host}:
   * the registry's own host, a host the caller trusts for this registry, or Docker Hub's realm
   * for Docker Hub.
   */
  boolean tokenHostTrusted(Repository repo, String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals(endpointHost(repo))
        || tokenHosts.getOrDefault(repo.registry(), Set.of()).contains(h)
        || BUILT_IN_TOKEN_HOSTS.getOrDefault(endpointHost(repo), Set.of()).contains(h);
  }

  /**
   * Sends one request with whatever authentication is known for the registry; on a 401 from
   * the registry's host answers the challenge once and sends it again. Any status other than
   * 401 is returned to the caller.
   */
  HttpTransport.Response send(Repository repo, Access access, String method, URI uri,
      Map<String, String> headers, byte[] body, int maxBody, String what) throws RegistryException {
    boolean registryHost = onRegistryHost(repo, uri);
    String scope = "repository:" + repo.name() + ":" + access.actions;
    String authorization = registryHost ? knownAuthorization(repo, uri, scope, what) : null;
    boolean answered = false;
    while (true) {
      HttpTransport.Response response = http.exchange(repo, method, uri, headers, authorization, body, maxBody, what);
      if (response.status() != 401) {
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
    boolean withheld = creds != null && !tokenHostTrusted(repo, tokenUri.getHost());
    String authorization = null;
    if (creds != null && !withheld) {
      checkCredentialsMayTravel(repo, tokenUri, what);
      authorization = creds.basicAuthorization();
    }
    HttpTransport.Response response = http.exchange(repo, "GET", tokenUri, Map.of("Accept", "application/json"),
        authorization, null, MAX_TOKEN_BODY, "get a token from " + tokenHost(tokenUri));
    if (response.status() != 200) {
      Reason reason = response.status() == 401 || response.status() == 403 ? Reason.UNAUTHORIZED
          : Reason.HTTP_STATUS;
      String sent = authorization != null ? " and user " + creds.username()
          : withheld ? " without credentials (the credentials for " + repo.registry() + " are sent only to its"
              + " own host, not to " + tokenUri.getHost() + ", unless you trust that host as the registry's token"
              + " service: --registry-token-host " + tokenUri.getHost() + ")"
          : " without credentials";
      throw fail(reason, repo, response.status(), what + " in " + repo + ": the token service "
          + tokenHost(tokenUri) + " answered HTTP " + response.status() + " for scope \"" + wanted + "\""
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
    long lifetime = Math.min(expiresIn, MAX_TOKEN_LIFETIME.toSeconds());
    Instant expires = clock.instant().plusSeconds(Math.max(1, lifetime - 10));
    tokens.put(repo.registry() + " " + scope, new Token(token, expires));
    return token;
  }

  private static String tokenHost(URI uri) {
    return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
  }

  /** True when {@code target} is on the registry's host (any port); host names compare without case. */
  static boolean onRegistryHost(Repository repo, URI target) {
    return target.getHost() != null && target.getHost().toLowerCase(Locale.ROOT).equals(endpointHost(repo));
  }

  private void checkCredentialsMayTravel(Repository repo, URI target, String what) throws RegistryException {
    if ("https".equals(target.getScheme())) {
      return;
    }
    if (!Origins.mayCarryCredentials(target) && !insecure.contains(repo.registry())) {
      throw fail(Reason.UNAUTHORIZED, repo, 401, what + " in " + repo + ": refusing to send credentials over plain"
          + " HTTP to " + target.getRawAuthority() + " (only a loopback IP literal such as 127.0.0.1 is exempt);"
          + " use HTTPS or mark the registry insecure", null);
    }
  }
}
