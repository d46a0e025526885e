package dev.stele.client.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.http.HttpException;
import dev.stele.client.http.HttpTransport;
import dev.stele.client.oci.RegistryException.Reason;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One HTTP exchange with a registry or its token service, through the project's one transport
 * ({@link HttpTransport#exchangeOnce}: HTTP/1.1, connect, header and body deadlines, a size cap):
 * the request exactly as given (this class adds no credentials; {@link RegistryTransport} decides
 * those), failures turned into {@link RegistryException}s that name the registry and the
 * repository.
 *
 * <p>Redirects are never followed here and nothing is retried: the caller decides where a
 * redirect may go. Thread-safe.
 */
final class RegistryHttp {
  /** Error answers are read up to this size, for the distribution API's error list. */
  static final int MAX_ERROR_BODY = 64 * 1024;

  private final HttpTransport http;

  RegistryHttp(Duration timeout) {
    this.http = HttpTransport.builder()
        .connectTimeout(timeout)
        .timeout(timeout)
        .bodyTimeout(timeout)
        .maxAttempts(1)
        .build();
  }

  /**
   * One exchange. A successful (below 300) body of more than {@code maxBody} bytes is an error;
   * other bodies are cut at {@link #MAX_ERROR_BODY}.
   *
   * @param authorization the {@code Authorization} header, or null for none
   */
  HttpTransport.Response exchange(Repository repo, String method, URI uri, Map<String, String> headers,
      String authorization, byte[] body, int maxBody, String what) throws RegistryException {
    HttpTransport.Request request = HttpTransport.Request.of(method, uri, body)
        .maxBytes(Math.max(maxBody, MAX_ERROR_BODY))
        .describedAs(what + " in " + repo);
    for (Map.Entry<String, String> h : headers.entrySet()) {
      request = request.header(h.getKey(), h.getValue());
    }
    if (authorization != null) {
      request = request.header("Authorization", authorization);
    }
    HttpTransport.Response response;
    try {
      response = http.exchangeOnce(request);
    } catch (HttpException e) {
      if (e.reason() == HttpException.Reason.TOO_LARGE) {
        throw fail(Reason.BAD_RESPONSE, repo, 0, what + " in " + repo + ": registry " + repo.registry()
            + " sent more than " + Math.max(maxBody, MAX_ERROR_BODY) + " bytes", e);
      }
      throw fail(Reason.NETWORK, repo, 0, what + " in " + repo + ": cannot reach " + uri.getScheme() + "://"
          + uri.getRawAuthority() + " (" + abbreviate(String.valueOf(e.getCause() != null ? e.getCause() : e))
          + ")", e);
    }
    if (response.status() < 300 && response.body().length > maxBody) {
      throw fail(Reason.BAD_RESPONSE, repo, response.status(), what + " in " + repo + ": registry "
          + repo.registry() + " sent more than " + maxBody + " bytes", null);
    }
    return response;
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
}
