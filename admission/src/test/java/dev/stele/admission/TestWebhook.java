package dev.stele.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.admission.policy.Policy;
import dev.stele.admission.policy.PolicyParser;
import dev.stele.client.protocol.ProtocolJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The real webhook (policy, reviewer, HTTPS server) on 127.0.0.1 with a free port and a
 * certificate from a {@link TestTls} CA, and a client that trusts only that CA.
 */
final class TestWebhook implements AutoCloseable {
  final AdmissionMetrics metrics = new AdmissionMetrics();
  final TlsCredentials tls;
  final Reviewer reviewer;
  final WebhookServer server;
  final HttpClient client;

  TestWebhook(Path dir, String policyYaml, Reviewer.Settings settings) throws Exception {
    TestTls ca = new TestTls("webhook test CA");
    Files.createDirectories(dir);
    ca.writeServerPair(dir, "stele-admission.stele-admission.svc");
    Policy policy = PolicyParser.parse(policyYaml.getBytes(StandardCharsets.UTF_8), dir);
    tls = TlsCredentials.load(dir.resolve("tls.crt"), dir.resolve("tls.key"));
    reviewer = new Reviewer(policy, settings, metrics);
    server = new WebhookServer("127.0.0.1", 0, -1, tls.sslContext(), reviewer, metrics, 8);
    client = HttpClient.newBuilder().sslContext(ca.clientContext()).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  URI url(String path) {
    return URI.create("https://127.0.0.1:" + server.port() + path);
  }

  HttpResponse<String> post(String path, byte[] body) throws Exception {
    return client.send(HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** POSTs a review to /validate (or /mutate) and returns the AdmissionReview's {@code response}. */
  JsonNode review(String path, String review) throws Exception {
    HttpResponse<String> r = post(path, review.getBytes(StandardCharsets.UTF_8));
    if (r.statusCode() != 200) {
      throw new AssertionError("HTTP " + r.statusCode() + ": " + r.body());
    }
    JsonNode root = ProtocolJson.mapper().readTree(r.body());
    if (!"admission.k8s.io/v1".equals(root.path("apiVersion").asText())
        || !"AdmissionReview".equals(root.path("kind").asText())) {
      throw new AssertionError("not an AdmissionReview: " + r.body());
    }
    return root.get("response");
  }

  @Override
  public void close() {
    server.close();
    reviewer.close();
  }
}
