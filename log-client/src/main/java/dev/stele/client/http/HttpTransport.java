package dev.stele.client.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The one way Stele talks HTTP to a log (and the monitor to its webhook): {@code java.net.http},
 * with the same rules for every caller.
 *
 * <ul>
 *   <li><b>HTTP/1.1 only.</b> The JDK 17 client's HTTP/2 (and its h2c upgrade on plain HTTP) can
 *       leave a request hanging when the server sends GOAWAY, e.g. while it shuts down; every
 *       Rekor client speaks HTTP/1.1.
 *   <li><b>Three deadlines.</b> Connecting ({@link Builder#connectTimeout}); from sending the
 *       request to the answer's headers ({@link Builder#timeout}); and from the headers to the
 *       last byte of the body ({@link Builder#bodyTimeout}), which the JDK client does not bound
 *       by itself: a server that stalls mid-body would otherwise hold the caller forever.
 *   <li><b>Retries</b> with exponential backoff and jitter on network errors (no answer, a
 *       deadline passed), {@code 429} and {@code 5xx}, honouring {@code Retry-After} (delay
 *       seconds or an IMF-fixdate HTTP-date, RFC 9110 10.2.3) up to {@link Builder#maxRetryAfter};
 *       a longer one ends the call at once. Only idempotent methods are retried, and a POST whose
 *       caller says repeating it is harmless ({@link Request#retrySafe}). Any other answer is
 *       returned as it is, for the caller to judge.
 *   <li><b>A size cap per call</b> ({@link Request#maxBytes}); a longer body fails the call
 *       without being read further.
 *   <li><b>Raw bytes kept.</b> The answer's body is returned exactly as served, also with a
 *       failure ({@link HttpException#response}).
 *   <li><b>No redirects to another origin.</b> A redirect to the same scheme, host and port is
 *       followed, at most {@link Builder#maxRedirects} times (a GET or HEAD through 301, 302,
 *       303, 307, 308; any other method only through 307 and 308, which keep it and its body);
 *       a redirect elsewhere fails the call: a log's answers come from the log, and a webhook's
 *       body must not be handed to a host the operator did not name.
 *   <li><b>A bearer token for one origin</b> ({@link Builder#bearerToken}), sent to that
 *       origin only, and never over plain HTTP except to a loopback IP literal
 *       ({@link Origins}).
 * </ul>
 *
 * <p>Messages name the request as {@link Request#describedAs} says (by default its method and
 * URL without user info), so a caller whose URL carries a secret can keep it out of logs.
 *
 * <p>Thread-safe; share one instance per set of settings.
 */
public final class HttpTransport {
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  private final HttpClient client;
  private final Duration connectTimeout;
  private final Duration timeout;
  private final Duration bodyTimeout;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration maxRetryAfter;
  private final int maxBodyBytes;
  private final int maxRedirects;
  private final String userAgent;
  /** Where {@link #bearerToken} goes, and nowhere else; null without a token. */
  private final URI tokenOrigin;
  private final String bearerToken;
  private final boolean extraRoots;

  private HttpTransport(Builder b) {
    this.connectTimeout = b.connectTimeout;
    this.timeout = b.timeout;
    this.bodyTimeout = b.bodyTimeout;
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.maxRetryAfter = b.maxRetryAfter;
    this.maxBodyBytes = b.maxBodyBytes;
    this.maxRedirects = b.maxRedirects;
    this.userAgent = b.userAgent;
    this.tokenOrigin = b.tokenOrigin;
    this.bearerToken = b.bearerToken;
    this.extraRoots = b.sslContext != null;
    HttpClient.Builder client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(b.connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER); // followed here, same origin only
    if (b.sslContext != null) {
      client.sslContext(b.sslContext);
    }
    this.client = client.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Sends {@code request} and returns the answer: any status but {@code 429} and {@code 5xx}
   * (and a redirect, which is followed or refused), with its body as served.
   *
   * @throws HttpException if no usable answer came: see {@link HttpException.Reason}
   */
  public Response send(Request request) throws HttpException {
    URI origin = request.uri;
    URI uri = request.uri;
    String method = request.method;
    byte[] body = request.body;
    int cap = request.maxBytes > 0 ? request.maxBytes : maxBodyBytes;
    boolean retryable = IDEMPOTENT.contains(method) || request.retrySafe;
    int attempt = 0;
    int redirects = 0;
    while (true) {
      attempt++;
      Response r;
      try {
        r = exchange(build(request, uri, method, body), cap);
      } catch (BodyTooLargeException e) {
        throw new HttpException(HttpException.Reason.TOO_LARGE, request.what + ": the answer is larger than "
            + cap + " bytes", attempt, null, null, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HttpException(HttpException.Reason.NETWORK, request.what + ": interrupted", attempt, null, null, e);
      } catch (IOException e) {
        if (retryable && attempt < maxAttempts) {
          pause(backoff(attempt), request, attempt);
          continue;
        }
        throw new HttpException(HttpException.Reason.NETWORK, request.what + ": no answer"
            + (attempt > 1 ? " after " + attempt + " attempts" : "") + ": " + describe(e), attempt, null, null, e);
      }
      int status = r.status();
      Optional<String> location = r.header("Location");
      if (REDIRECTS.contains(status) && location.isPresent()) {
        URI target = redirectTarget(request, uri, location.get(), attempt, r);
        if (!Origins.sameOrigin(origin, target)) {
          throw new HttpException(HttpException.Reason.REDIRECT, request.what + ": answered " + status
              + " with a redirect to another origin, " + originOf(target) + "; not followed", attempt, r, null, null);
        }
        boolean keepsMethod = status == 307 || status == 308;
        if (!keepsMethod && !method.equals("GET") && !method.equals("HEAD")) {
          throw new HttpException(HttpException.Reason.REDIRECT, request.what + ": answered " + status
              + ", a redirect that would turn the " + method + " into a GET; not followed", attempt, r, null, null);
        }
        if (++redirects > maxRedirects) {
          throw new HttpException(HttpException.Reason.REDIRECT, request.what + ": more than " + maxRedirects
              + " redirects", attempt, r, null, null);
        }
        uri = target;
        attempt--; // a redirect is not a failed attempt
        continue;
      }
      if (status == 429 || status >= 500) {
        Optional<Duration> retryAfter = retryAfter(r.headers());
        if (retryable && retryAfter.isPresent() && retryAfter.get().compareTo(maxRetryAfter) > 0) {
          throw new HttpException(HttpException.Reason.STATUS, request.what + ": answered " + status
              + " and asks to retry after " + retryAfter.get().toSeconds() + " s, longer than the "
              + maxRetryAfter.toSeconds() + " s this client waits", attempt, r, retryAfter.get(), null);
        }
        if (retryable && attempt < maxAttempts) {
          pause(retryAfter.orElse(backoff(attempt)), request, attempt);
          continue;
        }
        throw new HttpException(HttpException.Reason.STATUS, request.what + ": answered " + status
            + (attempt > 1 ? " (after " + attempt + " attempts)" : ""), attempt, r, null, null);
      }
      return r.withAttempts(attempt);
    }
  }

  /**
   * One exchange and nothing more: no retry, no redirect followed, every status returned as
   * answered. The deadlines, the size cap and the rule on credentials apply as in {@link #send}.
   * For callers that decide redirects and retries themselves (the registry client, whose blob
   * redirects lead to storage on other hosts by design).
   *
   * @throws HttpException {@link HttpException.Reason#NETWORK} if no answer came in time, {@link
   *     HttpException.Reason#TOO_LARGE} if the body exceeds the cap
   */
  public Response exchangeOnce(Request request) throws HttpException {
    int cap = request.maxBytes > 0 ? request.maxBytes : maxBodyBytes;
    try {
      return exchange(build(request, request.uri, request.method, request.body), cap);
    } catch (BodyTooLargeException e) {
      throw new HttpException(HttpException.Reason.TOO_LARGE, request.what + ": the answer is larger than "
          + cap + " bytes", 1, null, null, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HttpException(HttpException.Reason.NETWORK, request.what + ": interrupted", 1, null, null, e);
    } catch (IOException e) {
      throw new HttpException(HttpException.Reason.NETWORK, request.what + ": no answer: " + describe(e), 1, null,
          null, e);
    }
  }

  private static URI redirectTarget(Request request, URI from, String location, int attempt, Response r)
      throws HttpException {
    try {
      URI target = from.resolve(new URI(location.trim()));
      if (target.getScheme() == null || target.getHost() == null) {
        throw new URISyntaxException(location, "not an absolute http(s) URL");
      }
      return target;
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new HttpException(HttpException.Reason.REDIRECT, request.what + ": answered " + r.status()
          + " with a malformed Location", attempt, r, null, e);
    }
  }

  private HttpRequest build(Request request, URI uri, String method, byte[] body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", userAgent);
    for (String[] h : request.headers) {
      b.header(h[0], h[1]);
    }
    // The token goes to its origin only, and only where credentials may travel at all (the
    // builder checked the origin; checked again here so that no path around it exists).
    if (bearerToken != null && Origins.sameOrigin(tokenOrigin, uri) && Origins.mayCarryCredentials(uri)) {
      b.header("Authorization", "Bearer " + bearerToken);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    return b.build();
  }

  /** One exchange: headers within {@link #timeout}, then the body within {@link #bodyTimeout}. */
  private Response exchange(HttpRequest request, int cap) throws IOException, InterruptedException {
    CompletableFuture<HttpResponse<byte[]>> f =
        client.sendAsync(request, info -> new CappedBody(cap, bodyTimeout));
    // The deadlines above end every exchange; this bound only guards against a bug in them.
    long bound = connectTimeout.plus(timeout).plus(bodyTimeout).plusSeconds(5).toMillis();
    try {
      HttpResponse<byte[]> r = f.get(bound, TimeUnit.MILLISECONDS);
      return new Response(r.uri(), r.statusCode(), r.headers(), r.body(), 1);
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new HttpTimeoutException("the exchange took longer than " + bound + " ms");
    } catch (InterruptedException e) {
      f.cancel(true); // aborts the exchange (JDK 16+)
      throw e;
    } catch (CancellationException e) {
      throw new IOException("the exchange was cancelled", e);
    }
  }

  private IOException unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof TimeoutException) {
      HttpTimeoutException e = new HttpTimeoutException("the body did not arrive whole within "
          + bodyTimeout.toMillis() + " ms");
      e.initCause(t);
      return e;
    }
    if (t instanceof IOException) {
      return (IOException) t;
    }
    return new IOException(t.toString(), t);
  }

  /**
   * Collects the body up to {@code cap} bytes; more, or a body not complete {@code deadline}
   * after the headers, cancels the subscription (the JDK then closes the connection) and fails.
   */
  private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int cap;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private volatile Flow.Subscription subscription;
    private long total;

    CappedBody(int cap, Duration deadline) {
      this.cap = cap;
      // orTimeout cancels its timer when the body completes first.
      result.orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, t) -> {
        if (t != null && subscription != null) {
          subscription.cancel();
        }
      });
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (result.isDone()) {
        s.cancel();
        return;
      }
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer b : items) {
        total += b.remaining();
        if (total > cap) {
          result.completeExceptionally(new BodyTooLargeException(cap));
          subscription.cancel();
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        out.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }

    @Override
    public CompletableFuture<byte[]> getBody() {
      return result;
    }
  }

  /** The body passed the call's cap. */
  private static final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    BodyTooLargeException(int cap) {
      super("the body is larger than " + cap + " bytes");
    }
  }

  /** Exponential backoff with jitter: a random duration in [d/2, d], d = initial * 2^(n-1), capped. */
  private Duration backoff(int attempt) {
    long base = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
    long capped = Math.min(base, maxBackoff.toMillis());
    return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
  }

  private static void pause(Duration d, Request request, int attempt) throws HttpException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HttpException(HttpException.Reason.NETWORK, request.what + ": interrupted", attempt, null, null, e);
    }
  }

  /**
   * {@code Retry-After} (RFC 9110 10.2.3): delay-seconds, or an HTTP-date in the preferred
   * IMF-fixdate form; a date in the past is no wait; anything else is ignored (the backoff applies).
   */
  static Optional<Duration> retryAfter(HttpHeaders headers) {
    Optional<String> v = headers.firstValue("Retry-After");
    if (v.isEmpty()) {
      return Optional.empty();
    }
    String s = v.get().trim();
    if (s.matches("[0-9]{1,9}")) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(s)));
    }
    try {
      Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME));
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** {@code scheme://host:port}: where a redirect points, without its path (which may carry secrets). */
  private static String originOf(URI u) {
    return u.getScheme().toLowerCase(Locale.ROOT) + "://" + u.getHost().toLowerCase(Locale.ROOT) + ":" + Origins.port(u);
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isEmpty() ? "" : ": " + m);
  }

  @Override
  public String toString() {
    return "HttpTransport[HTTP/1.1, connect " + connectTimeout.toMillis() + " ms, headers " + timeout.toMillis()
        + " ms, body " + bodyTimeout.toMillis() + " ms, " + maxAttempts + " attempts"
        + (bearerToken != null ? ", a bearer token for " + originOf(tokenOrigin) : "")
        + (extraRoots ? ", extra trusted roots" : "") + "]";
  }

  /** An HTTP request: method, absolute URL, headers, body, and how the transport may treat it. Immutable. */
  public static final class Request {
    private final String method;
    private final URI uri;
    private final List<String[]> headers;
    private final byte[] body;
    private final boolean retrySafe;
    private final int maxBytes;
    private final String what;

    private Request(String method, URI uri, List<String[]> headers, byte[] body, boolean retrySafe, int maxBytes,
        String what) {
      this.method = method;
      this.uri = uri;
      this.headers = headers;
      this.body = body;
      this.retrySafe = retrySafe;
      this.maxBytes = maxBytes;
      this.what = what;
    }

    /**
     * A request with any method and an optional body (null for none), for callers that speak more
     * than GET and POST (an OCI registry: HEAD, PUT, PATCH).
     */
    public static Request of(String method, URI uri, byte[] body) {
      Objects.requireNonNull(uri, "uri");
      if (uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("http")
          || uri.getScheme().equalsIgnoreCase("https")) || uri.getHost() == null) {
        throw new IllegalArgumentException("not an http(s) URL with a host: " + withoutUserInfo(uri));
      }
      return new Request(method, uri, List.of(), body, false, 0, method + " " + withoutUserInfo(uri));
    }

    /** A GET (idempotent: retried). */
    public static Request get(URI uri) {
      return of("GET", uri, null);
    }

    /** A POST of {@code body}; retried only if {@link #retrySafe()} is said. */
    public static Request post(URI uri, String contentType, byte[] body) {
      return of("POST", uri, body.clone()).header("Content-Type", contentType);
    }

    /** With one more header. */
    public Request header(String name, String value) {
      List<String[]> h = new ArrayList<>(headers);
      h.add(new String[] {Objects.requireNonNull(name), Objects.requireNonNull(value)});
      return new Request(method, uri, List.copyOf(h), body, retrySafe, maxBytes, what);
    }

    /**
     * The caller says that sending this POST again is harmless (the server deduplicates, the
     * request only reads, or a duplicate notification is acceptable), so failures may be retried.
     */
    public Request retrySafe() {
      return new Request(method, uri, headers, body, true, maxBytes, what);
    }

    /** The largest body accepted for this call (default: the transport's). */
    public Request maxBytes(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxBytes must be positive, got " + value);
      }
      return new Request(method, uri, headers, body, retrySafe, value, what);
    }

    /** How messages name this request, e.g. {@code "the webhook"} for a URL that holds a secret. */
    public Request describedAs(String description) {
      return new Request(method, uri, headers, body, retrySafe, maxBytes, Objects.requireNonNull(description));
    }

    public String method() {
      return method;
    }

    public URI uri() {
      return uri;
    }

    @Override
    public String toString() {
      return what;
    }

    private static String withoutUserInfo(URI u) {
      if (u.getRawUserInfo() == null) {
        return u.toString();
      }
      try {
        return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), u.getQuery(), null).toString();
      } catch (URISyntaxException e) {
        return u.getScheme() + "://" + u.getHost();
      }
    }
  }

  /** An answer as served: its status, headers and raw body. Immutable. */
  public static final class Response {
    private final URI uri;
    private final int status;
    private final HttpHeaders headers;
    private final byte[] body;
    private final int attempts;

    Response(URI uri, int status, HttpHeaders headers, byte[] body, int attempts) {
      this.uri = uri;
      this.status = status;
      this.headers = headers;
      this.body = body;
      this.attempts = attempts;
    }

    Response withAttempts(int n) {
      return new Response(uri, status, headers, body, n);
    }

    /** The URL that answered (after any same-origin redirects). */
    public URI uri() {
      return uri;
    }

    public int status() {
      return status;
    }

    public HttpHeaders headers() {
      return headers;
    }

    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    /** The body exactly as served (a copy). */
    public byte[] body() {
      return body.clone();
    }

    /** How many times the request was sent to get this answer. */
    public int attempts() {
      return attempts;
    }

    @Override
    public String toString() {
      return "HTTP " + status + ", " + body.length + " bytes";
    }
  }

  /** Builds an {@link HttpTransport}; every setting has a default. */
  public static final class Builder {
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration timeout = Duration.ofSeconds(30);
    private Duration bodyTimeout = Duration.ofSeconds(30);
    private int maxAttempts = 4;
    private Duration initialBackoff = Duration.ofMillis(250);
    private Duration maxBackoff = Duration.ofSeconds(8);
    private Duration maxRetryAfter = Duration.ofSeconds(60);
    private int maxBodyBytes = 32 << 20;
    private int maxRedirects = 5;
    private String userAgent = "stele";
    private URI tokenOrigin;
    private String bearerToken;
    private SSLContext sslContext;

    private Builder() {}

    /**
     * Reads a bearer token from a file (one word; surrounding white space, such as the final
     * newline, is dropped), for {@link #bearerToken}. The token never appears in a message.
     *
     * @throws IOException if the file cannot be read or holds no token
     */
    public static String readTokenFile(Path file) throws IOException {
      String t;
      try {
        t = Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new IOException("cannot read the token file " + file + ": " + e.getClass().getSimpleName());
      }
      if (t.isEmpty()) {
        throw new IOException("the token file " + file + " is empty");
      }
      return t;
    }

    /**
     * Sends {@code Authorization: Bearer <token>} with every request to {@code origin} (its
     * scheme, host and port) and with no other. The token never appears in messages or in
     * {@link #toString()}.
     *
     * @throws IllegalArgumentException if the origin is plain HTTP to anything but a loopback IP
     *     literal ({@link Origins#mayCarryCredentials}), or the token is empty or not one
     *     token68-like word of visible ASCII
     */
    public Builder bearerToken(URI origin, String token) {
      Objects.requireNonNull(origin, "origin");
      if (origin.getHost() == null) {
        throw new IllegalArgumentException("the token's origin needs a host");
      }
      if (!Origins.mayCarryCredentials(origin)) {
        throw new IllegalArgumentException("refusing to send a token over plain HTTP to " + origin.getHost()
            + ": use https, or a loopback IP literal such as 127.0.0.1");
      }
      if (token == null || token.isEmpty() || !token.chars().allMatch(c -> c > 32 && c < 127)) {
        throw new IllegalArgumentException("a token must be one word of visible ASCII characters");
      }
      this.tokenOrigin = origin;
      this.bearerToken = token;
      return this;
    }

    /**
     * Trusts these certificates as TLS roots besides the JDK's own (a private log's CA). The
     * JDK's roots stay trusted, as they would be without this call.
     */
    public Builder trustRoots(Collection<X509Certificate> roots) {
      if (roots.isEmpty()) {
        throw new IllegalArgumentException("no certificates to trust");
      }
      try {
        TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        system.init((KeyStore) null);
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int n = 0;
        for (TrustManager tm : system.getTrustManagers()) {
          if (tm instanceof X509TrustManager) {
            for (X509Certificate c : ((X509TrustManager) tm).getAcceptedIssuers()) {
              store.setCertificateEntry("system-" + n++, c);
            }
          }
        }
        for (X509Certificate c : roots) {
          store.setCertificateEntry("extra-" + n++, c);
        }
        TrustManagerFactory both = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        both.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, both.getTrustManagers(), null);
        this.sslContext = context;
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("cannot set up TLS trust: " + e, e);
      }
      return this;
    }

    /** Connecting (default 10 s). */
    public Builder connectTimeout(Duration value) {
      this.connectTimeout = positive(value);
      return this;
    }

    /** From sending the request to the answer's headers (default 30 s). */
    public Builder timeout(Duration value) {
      this.timeout = positive(value);
      return this;
    }

    /** From the answer's headers to the last byte of its body (default 30 s). */
    public Builder bodyTimeout(Duration value) {
      this.bodyTimeout = positive(value);
      return this;
    }

    /** Attempts in all, including the first (default 4). */
    public Builder maxAttempts(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("at least one attempt, got " + value);
      }
      this.maxAttempts = value;
      return this;
    }

    /** Backoff before the second attempt, doubling after each, with jitter (default 250 ms, at most 8 s). */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = positive(initial);
      this.maxBackoff = positive(max);
      return this;
    }

    /** The longest {@code Retry-After} waited for; a longer one ends the call (default 60 s). */
    public Builder maxRetryAfter(Duration value) {
      if (value.isNegative()) {
        throw new IllegalArgumentException("must not be negative, got " + value);
      }
      this.maxRetryAfter = value;
      return this;
    }

    /** The largest body of a call that does not set its own cap (default 32 MiB). */
    public Builder maxBodyBytes(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxBodyBytes must be positive, got " + value);
      }
      this.maxBodyBytes = value;
      return this;
    }

    /** Same-origin redirects followed per call (default 5; 0 follows none). */
    public Builder maxRedirects(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("maxRedirects must not be negative, got " + value);
      }
      this.maxRedirects = value;
      return this;
    }

    public Builder userAgent(String value) {
      this.userAgent = Objects.requireNonNull(value);
      return this;
    }

    public HttpTransport build() {
      return new HttpTransport(this);
    }

    private static Duration positive(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("must be positive, got " + d);
      }
      return d;
    }
  }
}
