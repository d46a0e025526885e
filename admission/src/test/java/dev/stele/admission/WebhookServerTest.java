package dev.stele.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.keys.KeyFiles;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook over real TLS on 127.0.0.1, for everything that needs no registry: the protocol,
 * the policy's unmatched images and excluded namespaces, malformed requests, probes and metrics,
 * certificate reloads, and a registry that hangs (a socket that accepts and never answers).
 */
class WebhookServerTest {
  @TempDir
  Path dir;

  private TestWebhook webhook;
  private HangingServer hanging;

  @AfterEach
  void stop() throws Exception {
    if (webhook != null) {
      webhook.close();
    }
    if (hanging != null) {
      hanging.close();
    }
  }

  /** A policy with one rule over {@code registry}/** in {@code mode}; its log is never reached in these tests. */
  private String policy(String registry, String mode, String unmatched) {
    String logKey = KeyFiles.encodePublicKey(KeyFiles.generateEcdsaP256().getPublic()).strip().replace("\n", "\n      ");
    String signer = KeyFiles.encodePublicKey(KeyFiles.generateEcdsaP256().getPublic()).strip()
        .replace("\n", "\n          ");
    return """
        version: 1
        unmatchedImages: %s
        excludeNamespaces: [kube-system]
        logs:
          - name: test-log
            url: http://127.0.0.1:9
            publicKey: |
              %s
        rules:
          - name: local
            images: ["%s/**"]
            mode: %s
            logs: [test-log]
            signers:
              - publicKey: |
                  %s
        """.formatted(unmatched, logKey, registry, mode, signer);
  }

  private void start(String policy, Reviewer.Settings settings) throws Exception {
    webhook = new TestWebhook(dir.resolve("webhook"), policy, settings);
  }

  private static Reviewer.Settings settings(Duration budget, Duration registryTimeout) {
    return new Reviewer.Settings(budget, registryTimeout, Duration.ofSeconds(2), 100, Duration.ofMinutes(5), 4, 100,
        List.of());
  }

  private static String pod(String namespace, String image) {
    return Reviews.load("pod-create.json", Map.of("uid", "uid-" + namespace, "namespace", namespace, "init", image,
        "app", image, "sidecar", image));
  }

  @Test
  void unmatchedImage_deniedWithTheRuleToWrite_uidEchoed() throws Exception {
    start(policy("127.0.0.1:1", "enforce", "deny"), settings(Duration.ofSeconds(5), Duration.ofSeconds(2)));
    JsonNode r = webhook.review("/validate", pod("team", "nginx:1.25"));
    assertEquals("uid-team", r.get("uid").asText());
    assertFalse(r.get("allowed").asBoolean());
    assertEquals(403, r.at("/status/code").asInt());
    assertEquals("1 image of Pod team/web is not admitted: image \"nginx:1.25\" (init container \"setup\", container"
        + " \"app\", container \"sidecar\"): no rule of the policy covers docker.io/library/nginx; add a rule for it"
        + " (or set unmatchedImages)", r.at("/status/message").asText());
    assertTrue(webhook.get("/metrics").body().contains(
        "stele_admission_decisions_total{outcome=\"deny\",rule=\"(no rule)\"} 1.0"), webhook.get("/metrics").body());
  }

  @Test
  void unmatchedImage_warnOrAllow_asThePolicySays() throws Exception {
    start(policy("127.0.0.1:1", "enforce", "warn"), settings(Duration.ofSeconds(5), Duration.ofSeconds(2)));
    JsonNode r = webhook.review("/validate", pod("team", "nginx:1.25"));
    assertTrue(r.get("allowed").asBoolean());
    assertTrue(r.at("/warnings/0").asText().contains("no rule of the policy covers docker.io/library/nginx"),
        r.toString());
  }

  @Test
  void excludedNamespaceAndDelete_areNotChecked() throws Exception {
    start(policy("127.0.0.1:1", "enforce", "deny"), settings(Duration.ofSeconds(5), Duration.ofSeconds(2)));
    assertTrue(webhook.review("/validate", pod("kube-system", "nginx")).get("allowed").asBoolean());
    assertTrue(webhook.review("/validate", Reviews.load("pod-delete.json", Map.of("namespace", "team")))
        .get("allowed").asBoolean());
  }

  @Test
  void invalidImageAndUnknownKind_areDenied() throws Exception {
    start(policy("127.0.0.1:1", "enforce", "allow"), settings(Duration.ofSeconds(5), Duration.ofSeconds(2)));
    JsonNode bad = webhook.review("/validate", pod("team", "Not/An/Image"));
    assertFalse(bad.get("allowed").asBoolean());
    assertTrue(bad.at("/status/message").asText().contains("not an image reference"), bad.toString());
    String scale = Reviews.load("pod-create.json", Map.of("namespace", "team", "init", "a", "app", "a", "sidecar", "a"))
        .replace("\"kind\": {\"group\": \"\", \"version\": \"v1\", \"kind\": \"Pod\"}",
            "\"kind\": {\"group\": \"autoscaling\", \"version\": \"v1\", \"kind\": \"Scale\"}");
    JsonNode r = webhook.review("/validate", scale);
    assertFalse(r.get("allowed").asBoolean());
    assertTrue(r.at("/status/message").asText().contains("does not know where autoscaling/Scale objects name their"
        + " images"), r.toString());
  }

  @Test
  void malformedRequests_get4xxWithTheReason() throws Exception {
    start(policy("127.0.0.1:1", "enforce", "deny"), settings(Duration.ofSeconds(5), Duration.ofSeconds(2)));
    HttpResponse<String> notJson = webhook.post("/validate", "{".getBytes(StandardCharsets.UTF_8));
    assertEquals(400, notJson.statusCode());
    assertTrue(notJson.body().contains("not JSON"), notJson.body());
    HttpResponse<String> v1beta1 = webhook.post("/validate",
        "{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals(400, v1beta1.statusCode());
    assertEquals(405, webhook.get("/validate").statusCode());
    HttpResponse<String> huge = webhook.post("/validate", new byte[WebhookServer.MAX_BODY + 1]);
    assertEquals(413, huge.statusCode());
    assertTrue(webhook.get("/metrics").body().contains("stele_admission_reviews_total{result=\"malformed\",webhook=\"validate\"} 3.0"));
  }

  @Test
  void probesAndMetrics() throws Exception {
    start(policy("127.0.0.1:1", "enforce", "deny"), settings(Duration.ofSeconds(5), Duration.ofSeconds(2)));
    assertEquals("ok\n", webhook.get("/healthz").body());
    assertEquals(200, webhook.get("/readyz").statusCode());
    webhook.review("/validate", pod("team", "nginx"));
    String metrics = webhook.get("/metrics").body();
    assertTrue(metrics.contains("stele_admission_reviews_total{result=\"denied\",webhook=\"validate\"} 1.0"), metrics);
    assertTrue(metrics.contains("stele_admission_review_seconds_bucket{webhook=\"validate\""), metrics);
    assertTrue(metrics.contains("stele_admission_cache_entries"), metrics);
  }

  @Test
  void hangingRegistry_deniedWhenTheBudgetRunsOut() throws Exception {
    hanging = new HangingServer();
    start(policy(hanging.address(), "enforce", "deny"), settings(Duration.ofMillis(1500), Duration.ofSeconds(30)));
    long start = System.nanoTime();
    JsonNode r = webhook.review("/validate", pod("team", hanging.address() + "/demo/app:v1"));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertFalse(r.get("allowed").asBoolean());
    assertTrue(r.at("/status/message").asText().contains("rule \"local\": not verified within the review budget of"
        + " 1500 ms"), r.toString());
    assertTrue(millis >= 1400 && millis < 4000, "answered after " + millis + " ms");
    assertTrue(hanging.connections() >= 1, "the registry was asked");
    assertTrue(webhook.get("/metrics").body().contains("stele_admission_failures_total{reason=\"timeout\",rule=\"local\"}"));
  }

  @Test
  void hangingRegistry_theRequestDeadlineEndsItFirst() throws Exception {
    hanging = new HangingServer();
    start(policy(hanging.address(), "enforce", "deny"), settings(Duration.ofSeconds(8), Duration.ofMillis(500)));
    long start = System.nanoTime();
    JsonNode r = webhook.review("/validate", pod("team", hanging.address() + "/demo/app:v1"));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertFalse(r.get("allowed").asBoolean());
    String m = r.at("/status/message").asText();
    assertTrue(m.contains("rule \"local\": the registry could not be reached") && m.contains("HttpTimeoutException"), m);
    assertTrue(millis < 4000, "answered after " + millis + " ms");
  }

  @Test
  void hangingRegistry_warnModeAllowsWithAWarning() throws Exception {
    hanging = new HangingServer();
    start(policy(hanging.address(), "warn", "deny"), settings(Duration.ofMillis(800), Duration.ofSeconds(30)));
    JsonNode r = webhook.review("/validate", pod("team", hanging.address() + "/demo/app:v1"));
    assertTrue(r.get("allowed").asBoolean());
    assertTrue(r.at("/warnings/0").asText().startsWith("stele-admission (warn mode): image \"" + hanging.address()
        + "/demo/app:v1\""), r.toString());
  }

  @Test
  void tls_renewedCertificateIsServedToTheNextConnection_aBrokenOneIsNot() throws Exception {
    start(policy("127.0.0.1:1", "enforce", "deny"), settings(Duration.ofSeconds(5), Duration.ofSeconds(2)));
    Path tlsDir = dir.resolve("webhook");
    X509Certificate first = served();
    assertEquals(webhook.tls.certificate(), first);
    assertFalse(webhook.tls.reloadIfChanged(), "nothing changed");

    TestTls other = new TestTls("renewing CA");
    X509Certificate renewed = other.writeServerPair(tlsDir, "stele-admission.stele-admission.svc");
    webhook.tls.reloadQuietly(webhook.metrics);
    assertEquals(renewed, webhook.tls.certificate());
    HttpClient trustsNew = HttpClient.newBuilder().sslContext(other.clientContext()).build();
    HttpResponse<String> r = trustsNew.send(HttpRequest.newBuilder(webhook.url("/healthz")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(renewed, r.sslSession().orElseThrow().getPeerCertificates()[0]);

    // A key that does not belong to the certificate: the renewed pair stays in use.
    Files.writeString(tlsDir.resolve("tls.key"), KeyFiles.encodePrivateKeyUnencrypted(
        KeyFiles.generateEcdsaP256().getPrivate()));
    String m = assertThrows(GeneralSecurityException.class, webhook.tls::reloadIfChanged).getMessage();
    assertTrue(m.contains("does not belong to the first certificate"), m);
    webhook.tls.reloadQuietly(webhook.metrics);
    assertEquals(renewed, webhook.tls.certificate());
    assertTrue(webhook.get("/metrics").body().contains("stele_admission_tls_reloads_total{result=\"failed\"} 1.0"));
  }

  @Test
  void tls_rsaPkcs1KeysLoadToo() throws Exception {
    Path rsa = Files.createDirectories(dir.resolve("rsa"));
    TestTls ca = new TestTls("rsa CA");
    X509Certificate cert = ca.writeRsaServerPair(rsa, "webhook.example");
    assertTrue(Files.readString(rsa.resolve("tls.key")).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
    assertEquals(cert, TlsCredentials.load(rsa.resolve("tls.crt"), rsa.resolve("tls.key")).certificate());
  }

  private X509Certificate served() throws Exception {
    HttpResponse<String> r = webhook.get("/healthz");
    return (X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0];
  }
}
