package dev.stele.client.oci;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A decorator in front of a real registry that forwards every request and lets a test rewrite
 * the answers: the way to play a registry that lies (other bytes under a digest, a false
 * {@code Docker-Content-Digest}). Listens on 127.0.0.1; use {@link #address()} as the
 * registry in image references.
 */
public final class TamperingProxy implements AutoCloseable {
  /** An answer as the registry gave it, or as the test wants it given. */
  public record Answer(int status, Map<String, List<String>> headers, byte[] body) {
    public Answer withBody(byte[] newBody) {
      return new Answer(status, headers, newBody);
    }

    public Answer withHeader(String name, String value) {
      Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      copy.putAll(headers);
      copy.put(name, List.of(value));
      return new Answer(status, copy, body);
    }
  }

  /** One request as the proxy received it: what a test checks to see who was sent what. */
  public record Received(String method, String host, String path, boolean authorized) {}

  /** Rewrites one answer; {@code path} is the request path, e.g. {@code /v2/demo/hello/manifests/v1}. */
  public interface Rewriter {
    Answer rewrite(String method, String path, Answer answer) throws IOException;
  }

  private static final Set<String> HOP_BY_HOP =
      Set.of("connection", "content-length", "transfer-encoding", "keep-alive", "host", "date", "upgrade",
          "http2-settings", "expect");

  private final HttpServer server;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final String upstream;
  private volatile Rewriter rewriter = (method, path, answer) -> answer;
  private final List<Received> received = new CopyOnWriteArrayList<>();

  private TamperingProxy(String upstream) throws IOException {
    this.upstream = upstream;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** A proxy for the registry at {@code host:port} (plain HTTP). */
  public static TamperingProxy in(String upstreamAddress) throws IOException {
    return new TamperingProxy(upstreamAddress);
  }

  public String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  public Repository repository(String name) {
    return new Repository(address(), name);
  }

  public void rewrite(Rewriter value) {
    this.rewriter = value;
  }

  /** Every request received so far, in order. */
  public List<Received> received() {
    return List.copyOf(received);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] requestBody = exchange.getRequestBody().readAllBytes();
      String method = exchange.getRequestMethod();
      received.add(new Received(method, exchange.getRequestHeaders().getFirst("Host"),
          exchange.getRequestURI().getRawPath(), exchange.getRequestHeaders().containsKey("Authorization")));
      URI target = URI.create("http://" + upstream + exchange.getRequestURI().getRawPath()
          + (exchange.getRequestURI().getRawQuery() != null ? "?" + exchange.getRequestURI().getRawQuery() : ""));
      HttpRequest.Builder request = HttpRequest.newBuilder(target).method(method,
          requestBody.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(requestBody));
      exchange.getRequestHeaders().forEach((name, values) -> {
        if (!HOP_BY_HOP.contains(name.toLowerCase())) {
          values.forEach(v -> request.header(name, v));
        }
      });
      HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      response.headers().map().forEach((k, v) -> {
        if (!HOP_BY_HOP.contains(k.toLowerCase()) && !k.startsWith(":")) {
          headers.put(k, v);
        }
      });
      Answer answer = rewriter.rewrite(method, exchange.getRequestURI().getRawPath(),
          new Answer(response.statusCode(), headers, response.body()));
      answer.headers().forEach((k, v) -> exchange.getResponseHeaders().put(k, v));
      boolean noBody = method.equals("HEAD") || answer.status() == 204 || answer.body().length == 0;
      exchange.sendResponseHeaders(answer.status(), noBody ? -1 : answer.body().length);
      if (!noBody) {
        exchange.getResponseBody().write(answer.body());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } catch (IOException | RuntimeException e) {
      e.printStackTrace(); // the JDK server would swallow it and just drop the connection
      throw e;
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
