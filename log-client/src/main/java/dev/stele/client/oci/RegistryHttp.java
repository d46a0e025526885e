package dev.stele.client.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.oci.RegistryException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP exchange with a registry or its token service, over {@code java.net.http}: the
 * request exactly as given (this class adds no credentials; {@link RegistryTransport} decides
 * those), the body read into memory up to a limit, failures turned into
 * {@link RegistryException}s that name the registry and the repository.
 *
 * <p>HTTP/1.1 only, redirects never followed here (the caller decides where a redirect may
 * go). Thread-safe.
 */
final class RegistryHttp {
  /** Error answers are read up to this size, for the distribution API's error list. */
  static final int MAX_ERROR_BODY = 64 * 1024;

  private final HttpClient http;
  private final Duration timeout;

  RegistryHttp(Duration timeout) {
    this.timeout = timeout;
    // HTTP/1.1 only: no h2c upgrade attempts on plain-HTTP registries.
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /**
   * One exchange. A successful (below 300) body of more than {@code maxBody} bytes is an error;
   * other bodies are cut at {@link #MAX_ERROR_BODY}.
   *
   * @param authorization the {@code Authorization} header, or null for none
   */
  HttpResponse<byte[]> exchange(Repository repo, String method, URI uri, Map<String, String> headers,
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

  static RegistryException fail(Reason reason, Repository repo, int status, String message, Throwable cause) {
    return new RegistryException(reason, repo.registry(), repo.name(), status, message, cause);
  }

  /** Text from the network, cut to a length fit for a message and stripped of control characters. */
  static String abbreviate(String s) {
    String clean = s.replaceAll("\\p{Cntrl}", "?");
    return clean.length() > 200 ? clean.substring(0, 200) + "..." : clean;
  }

  /** The distribution API's {@code {"errors":[{"code","message"}]}}, shortened, or nothing. */
  static String registryErrors(byte[] body) {
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

  /** A string field of a JSON object, or null if it is absent or not a string. */
  static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
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
