package dev.stele.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.External;
import dev.stele.client.cli.Cli;
import dev.stele.client.keys.KeyFiles;
import dev.stele.client.oci.Digest;
import dev.stele.client.oci.ImageReference;
import dev.stele.client.oci.LocalRegistry;
import dev.stele.client.oci.OciSignature;
import dev.stele.client.oci.OciSignatureStore;
import dev.stele.client.oci.Repository;
import dev.stele.client.oci.SimpleSigningPayload;
import dev.stele.client.oci.TamperingProxy;
import dev.stele.client.oci.TestImage;
import dev.stele.client.protocol.Encodings;
import dev.stele.client.protocol.ProtocolJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real AdmissionReviews over TLS to the real webhook, which talks to a real OCI registry (Debian's
 * docker-registry on 127.0.0.1, behind a counting proxy) and the real Stele log server (its own
 * process, behind a proxy: an honest one that counts, and one that lies). Images are signed with
 * the real CLI ({@code stele sign}).
 */
@External
class RegistryAdmissionTest {
  private static final Map<String, String> ENV = Map.of("STELE_KEY_PASSWORD", "admission test key");

  @TempDir
  static Path dir;

  private static LocalRegistry registry;
  private static TamperingProxy registryProxy;
  private static LogServerProcess log;
  private static TamperingProxy logProxy;
  private static TamperingProxy lyingLog;
  private static Path logKey;
  private static TestWebhook webhook;

  @BeforeAll
  static void start() throws Exception {
    registry = LocalRegistry.start();
    registryProxy = TamperingProxy.in(registry.repository("x").registry());
    log = new LogServerProcess(dir.resolve("log-data"));
    logProxy = TamperingProxy.in(log.address());
    lyingLog = TamperingProxy.in(log.address());
    lyingLog.rewrite((method, path, answer) -> path.startsWith("/api/v1/log/entries/")
        ? answer.withBody(flipRootHash(answer.body())) : answer);
    logKey = Files.writeString(dir.resolve("log.pub"), log.publicKey());
    keygen("release");
    keygen("other");
    String r = registryProxy.address();
    String policy = """
        version: 1
        unmatchedImages: deny
        logs:
          - name: stele
            url: http://%s
            publicKeyFile: %s
          - name: lying
            url: http://%s
            publicKeyFile: %s
        rules:
          - name: demo
            images: ["%s/demo/**"]
            logs: [stele]
            signers:
              - publicKeyFile: %s
          - name: staging
            images: ["%s/staging/*"]
            mode: warn
            logs: [stele]
            signers:
              - publicKeyFile: %s
          - name: lying
            images: ["%s/lying/*"]
            logs: [lying]
            signers:
              - publicKeyFile: %s
        """.formatted(logProxy.address(), logKey, lyingLog.address(), logKey, r, dir.resolve("release.pub"), r,
        dir.resolve("release.pub"), r, dir.resolve("release.pub"));
    webhook = new TestWebhook(dir.resolve("webhook"), policy, new Reviewer.Settings(Duration.ofSeconds(8),
        Duration.ofSeconds(3), Duration.ofSeconds(3), 1000, Duration.ofMinutes(10), 8, 100, List.of()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (webhook != null) {
      webhook.close();
    }
    for (AutoCloseable c : new AutoCloseable[] {registryProxy, logProxy, lyingLog, log, registry}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static void keygen(String name) {
    Cli.Run r = Cli.run(ENV, "keygen", "--output-key-prefix", dir.resolve(name).toString());
    assertEquals(0, r.code(), r.toString());
  }

  /** Pushes an image with its own content to the registry; returns it as the webhook sees it (through the proxy). */
  private static String push(String repo, String tag, String content) throws Exception {
    TestImage.withFile("hello.txt", content).push(registry.client(), registry.repository(repo), tag);
    return registryProxy.address() + "/" + repo + ":" + tag;
  }

  private static Digest digest(String image) throws Exception {
    return registry.client().resolve(ImageReference.parse(image));
  }

  /** Signs with the real CLI, straight at the registry and the log. */
  private static void sign(String image, String key) {
    String direct = image.replace(registryProxy.address(), registry.repository("x").registry());
    Cli.Run r = Cli.run(ENV, "sign", direct, "--key", dir.resolve(key + ".key").toString(), "--log-url",
        log.url().toString(), "--log-key", logKey.toString());
    assertEquals(0, r.code(), r.toString());
  }

  private static JsonNode pod(String webhookPath, String app, String sidecar, String init) throws Exception {
    return webhook.review(webhookPath, Reviews.load("pod-create.json",
        Map.of("namespace", "team", "init", init, "app", app, "sidecar", sidecar)));
  }

  private static String message(JsonNode response) {
    return response.at("/status/message").asText();
  }

  @Test
  void signedImages_allowed_inPodsDeploymentsAndCronJobs_byTagAndDigest() throws Exception {
    String app = push("demo/app", "v1", "app v1");
    String init = push("demo/init", "v1", "init v1");
    sign(app, "release");
    sign(init, "release");
    String pinned = app + "@" + digest(app);
    JsonNode r = pod("/validate", app, pinned, init);
    assertTrue(r.get("allowed").asBoolean(), r.toString());
    assertNull(r.get("warnings"), r.toString());
    assertNull(r.get("patch"), "the validating webhook does not patch");
    Map<String, String> images = Map.of("namespace", "team", "init", init, "app", pinned);
    assertTrue(webhook.review("/validate", Reviews.load("deployment-create.json", images)).get("allowed").asBoolean());
    assertTrue(webhook.review("/validate", Reviews.load("cronjob-create.json", images)).get("allowed").asBoolean());

    // The mutating webhook pins each tag to the digest it verified.
    JsonNode m = pod("/mutate", app, pinned, init);
    assertTrue(m.get("allowed").asBoolean());
    assertEquals("JSONPatch", m.get("patchType").asText());
    JsonNode patch = ProtocolJson.mapper().readTree(Encodings.base64("patch", m.get("patch").asText()));
    assertEquals(2, patch.size(), patch.toString());
    assertEquals("/spec/initContainers/0/image", patch.at("/0/path").asText());
    assertEquals(init + "@" + digest(init), patch.at("/0/value").asText());
    assertEquals("/spec/containers/0/image", patch.at("/1/path").asText());
    assertEquals(pinned, patch.at("/1/value").asText());
  }

  @Test
  void unsignedImage_denied() throws Exception {
    String app = push("demo/unsigned", "v1", "nobody signed me");
    JsonNode r = pod("/validate", app, app, app);
    assertFalse(r.get("allowed").asBoolean());
    assertEquals("1 image of Pod team/web is not admitted: image \"" + app + "\" (init container \"setup\", container"
        + " \"app\", container \"sidecar\"): rule \"demo\": no signature is stored for " + registryProxy.address()
        + "/demo/unsigned@" + digest(app) + " (tag " + digest(app).signatureTag() + "): sign it with 'stele sign' and"
        + " a key the rule trusts", message(r));
    assertEquals(403, r.at("/status/code").asInt());
  }

  @Test
  void movedTag_checksTheNewDigest_denied() throws Exception {
    String app = push("demo/moving", "v1", "first");
    sign(app, "release");
    assertTrue(pod("/validate", app, app, app).get("allowed").asBoolean());
    push("demo/moving", "v1", "second, not signed");
    JsonNode r = pod("/validate", app, app, app);
    assertFalse(r.get("allowed").asBoolean());
    assertTrue(message(r).contains("no signature is stored for " + registryProxy.address() + "/demo/moving@"
        + digest(app)), message(r));
  }

  @Test
  void signatureByAnotherKey_denied() throws Exception {
    String app = push("demo/other-key", "v1", "signed by someone else");
    sign(app, "other");
    JsonNode r = pod("/validate", app, app, app);
    assertFalse(r.get("allowed").asBoolean());
    assertTrue(message(r).contains("rule \"demo\": verification failed: artifact signature: none of the 1 signatures"
        + " stored for"), message(r));
  }

  @Test
  void signatureMissingFromTheLog_denied() throws Exception {
    String app = push("demo/unlogged", "v1", "signed, never logged");
    Digest d = digest(app);
    Repository repo = registry.repository("demo/unlogged");
    byte[] payload = SimpleSigningPayload.forImage(repo, d).toBytes();
    PrivateKey key = KeyFiles.readPrivateKey(dir.resolve("release.key"),
        ENV.get("STELE_KEY_PASSWORD").toCharArray());
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(key);
    s.update(payload);
    new OciSignatureStore(registry.client()).storeSignature(repo, d,
        OciSignature.of(payload, Encodings.base64(s.sign()), null));
    JsonNode r = pod("/validate", app, app, app);
    assertFalse(r.get("allowed").asBoolean());
    assertTrue(message(r).contains("verification failed: transparency log: none of the 1 signatures stored for ")
        && message(r).contains("the log at http://" + logProxy.address() + " has no entry for this signature"),
        message(r));
  }

  @Test
  void aLogThatLies_denied() throws Exception {
    String app = push("lying/app", "v1", "the log will lie about me");
    sign(app, "release");
    JsonNode r = pod("/validate", app, app, app);
    assertFalse(r.get("allowed").asBoolean());
    assertTrue(message(r).contains("rule \"lying\": verification failed: inclusion proof:"), message(r));
  }

  @Test
  void warnMode_allowsWithAWarning() throws Exception {
    String app = push("staging/app", "v1", "not signed, only warned about");
    JsonNode r = pod("/validate", app, app, app);
    assertTrue(r.get("allowed").asBoolean(), r.toString());
    String warning = r.at("/warnings/0").asText();
    assertTrue(warning.startsWith("stele-admission (warn mode): image \"" + app + "\" (init container \"setup\","
        + " container \"app\", container \"sidecar\"): rule \"staging\": no signature is stored for "), warning);
    assertTrue(warning.length() <= Decision.MAX_WARNING, warning);
  }

  @Test
  void ephemeralDebugContainer_isCheckedToo() throws Exception {
    String app = push("demo/debuggee", "v1", "running app");
    sign(app, "release");
    String debug = push("demo/debugger", "v1", "unsigned debugger");
    JsonNode r = webhook.review("/validate", Reviews.load("pod-ephemeral.json",
        Map.of("namespace", "team", "app", app, "debug", debug)));
    assertFalse(r.get("allowed").asBoolean());
    assertTrue(message(r).startsWith("1 image of Pod/ephemeralcontainers team/web is not admitted: image \"" + debug
        + "\" (ephemeral container \"debugger-x7k2p\"): rule \"demo\": no signature is stored"), message(r));
  }

  @Test
  void cache_answersASecondReviewWithoutNetworkCalls() throws Exception {
    String app = push("demo/cached", "v1", "verified once");
    sign(app, "release");
    String pinned = app + "@" + digest(app);
    int registryBefore = registryProxy.received().size();
    int logBefore = logProxy.received().size();
    assertTrue(pod("/validate", pinned, pinned, pinned).get("allowed").asBoolean());
    assertTrue(registryProxy.received().size() > registryBefore, "the first review asks the registry");
    assertTrue(logProxy.received().size() > logBefore, "the first review asks the log");

    int registryAfterFirst = registryProxy.received().size();
    int logAfterFirst = logProxy.received().size();
    assertTrue(pod("/validate", pinned, pinned, pinned).get("allowed").asBoolean());
    assertEquals(registryAfterFirst, registryProxy.received().size(), "a digest reference, cached: no registry call");
    assertEquals(logAfterFirst, logProxy.received().size(), "cached: no log call");

    // By tag, the tag is resolved again (it may have moved): one manifest request, nothing else.
    assertTrue(pod("/validate", app, app, app).get("allowed").asBoolean());
    List<TamperingProxy.Received> asked = registryProxy.received().subList(registryAfterFirst,
        registryProxy.received().size());
    assertEquals(1, asked.size(), asked.toString());
    assertEquals("/v2/demo/cached/manifests/v1", asked.get(0).path());
    assertEquals(logAfterFirst, logProxy.received().size());
    assertTrue(webhook.get("/metrics").body().contains("stele_admission_cache_hits_total"));
  }

  /** The inclusion proof's root in a log entry answer, with its first hex digit changed. */
  private static byte[] flipRootHash(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("\"rootHash\"\\s*:\\s*\"([0-9a-f])").matcher(text);
    if (!m.find()) {
      return body;
    }
    char flipped = m.group(1).charAt(0) == '0' ? '1' : '0';
    return (text.substring(0, m.start(1)) + flipped + text.substring(m.end(1))).getBytes(StandardCharsets.UTF_8);
  }
}
