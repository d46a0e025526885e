package dev.stele.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stele.client.External;
import dev.stele.client.cli.Cli;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stele.client.oci.Digest;
import dev.stele.client.oci.ImageReference;
import dev.stele.client.oci.LocalRegistry;
import dev.stele.client.oci.OciSignature;
import dev.stele.client.oci.OciSignatureStore;
import dev.stele.client.oci.TamperingProxy;
import dev.stele.client.oci.TestImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing and verifying container images with the Stele CLI, a real Stele log server (its own
 * process) and a real OCI registry (Debian's docker-registry), all on 127.0.0.1. The lying log
 * is the real server behind a proxy that rewrites its answers.
 */
@External
class ImageSigningIT {
  private static final Map<String, String> ENV = Map.of("STELE_KEY_PASSWORD", "e2e signing key");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;

  private static LocalRegistry registry;
  private static LogProcess log;
  private static TamperingProxy lyingLog;
  private static Path logKey;
  private static Path key;

  @BeforeAll
  static void start() throws Exception {
    registry = LocalRegistry.start();
    log = LogProcess.start(dir.resolve("log"));
    logKey = log.writePublicKey(dir.resolve("log.pub"));
    lyingLog = TamperingProxy.in(log.address());
    key = keygen("signer");
  }

  @AfterAll
  static void stop() throws Exception {
    if (lyingLog != null) lyingLog.close();
    if (registry != null) registry.close();
    if (log != null) log.close();
  }

  private static Path keygen(String name) {
    Cli.Run r = Stele.inProcess(ENV, "keygen", "--output-key-prefix", dir.resolve(name).toString());
    assertEquals(Stele.OK, r.code(), r.toString());
    return dir.resolve(name);
  }

  /** The CLI against the honest log. */
  private static Cli.Run stele(String... args) {
    return Stele.inProcess(ENV, withLog(log.url().toString(), args));
  }

  /** The CLI against the same log behind the rewriting proxy. */
  private static Cli.Run throughLiar(String... args) {
    return Stele.inProcess(ENV, withLog("http://" + lyingLog.address(), args));
  }

  private static String[] withLog(String url, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--log-url", url, "--log-key", logKey.toString()));
    return all.toArray(String[]::new);
  }

  private static String push(String repo, String tag, String content) throws Exception {
    return TestImage.withFile("hello.txt", content).push(registry.client(), registry.repository(repo), tag).toString();
  }

  private static String signed(String repo, String tag, String content) throws Exception {
    String image = push(repo, tag, content);
    Cli.Run r = stele("sign", image, "--key", key + ".key");
    assertEquals(Stele.OK, r.code(), r.toString());
    assertTrue(r.out().contains("verified: true"), "sign verifies the log's answer: " + r);
    return image;
  }

  @Test
  void signThenVerify_onlineAndOffline_andThroughTheLauncher() throws Exception {
    String image = signed("demo/app", "v1", "hello");

    Cli.Run online = stele("verify", image, "--key", key + ".pub");
    assertEquals(Stele.OK, online.code(), online.toString());
    Cli.Run offline = stele("verify", image, "--key", key + ".pub", "--offline");
    assertEquals(Stele.OK, offline.code(), offline.toString());

    // The launcher users run, as a process, against the same log and registry.
    Cli.Run launched = Stele.launcher(ENV, withLog(log.url().toString(), "verify", image, "--key", key + ".pub",
        "--output", "json"));
    assertEquals(Stele.OK, launched.code(), launched.toString());
    JsonNode result = JSON.readTree(launched.out());
    Digest digest = registry.client().resolve(ImageReference.parse(image));
    assertTrue(result.toString().contains(digest.toString()), "verified the resolved digest: " + launched);
  }

  @Test
  void aDifferentImage_withTheSignatureCopiedOntoIt_isRejectedAtTheArtifactSignature() throws Exception {
    String a = signed("demo/a", "v1", "image a");
    String b = push("demo/b", "v1", "image b");
    Digest da = registry.client().resolve(ImageReference.parse(a));
    Digest db = registry.client().resolve(ImageReference.parse(b));
    OciSignatureStore store = new OciSignatureStore(registry.client());
    OciSignature copied = store.listSignatures(registry.repository("demo/a"), da).get(0);
    store.storeSignature(registry.repository("demo/b"), db, copied);

    Cli.Run r = stele("verify", b, "--key", key + ".pub");
    assertEquals(Stele.ARTIFACT_SIGNATURE, r.code(), r.toString());
    assertTrue(r.err().contains("artifact signature"), r.toString());
    assertTrue(r.err().contains(da.toString()), "names the image the signature is for: " + r);
  }

  @Test
  void anUnsignedImage_hasNoSignature() throws Exception {
    String image = push("demo/unsigned", "v1", "nobody signed this");
    Cli.Run r = stele("verify", image, "--key", key + ".pub");
    assertEquals(Stele.NO_SIGNATURE, r.code(), r.toString());
  }

  @Test
  void anotherKey_isRejectedAtTheArtifactSignature() throws Exception {
    String image = signed("demo/app", "v2", "hello again");
    Path other = keygen("other");
    Cli.Run r = stele("verify", image, "--key", other + ".pub");
    assertEquals(Stele.ARTIFACT_SIGNATURE, r.code(), r.toString());
    assertTrue(r.err().contains("artifact signature"), r.toString());
  }

  @Test
  void aMovedTag_isVerifiedAtItsNewDigest_whichNobodySigned() throws Exception {
    String image = signed("demo/moving", "latest", "first");
    push("demo/moving", "latest", "second, not signed");
    Cli.Run r = stele("verify", image, "--key", key + ".pub");
    assertEquals(Stele.NO_SIGNATURE, r.code(), r.toString());
    // The signed digest still verifies when named.
    Digest first = TestImage.withFile("hello.txt", "first").digest();
    Cli.Run byDigest = stele("verify", registry.address() + "/demo/moving@" + first, "--key", key + ".pub");
    assertEquals(Stele.OK, byDigest.code(), byDigest.toString());
  }

  @Test
  void aTamperedInclusionProof_isRejectedAtTheInclusionStage() throws Exception {
    // A few entries first, so that the proof has hashes to tamper with.
    for (int i = 0; i < 3; i++) signed("demo/filler", "f" + i, "filler " + i);
    String image = signed("demo/app", "v3", "proof");
    Cli.Run honest = throughLiar("verify", image, "--key", key + ".pub");
    assertEquals(Stele.OK, honest.code(), "the proxy alone changes nothing: " + honest);

    lyingLog.rewrite(rewriteProofs(proof -> {
      ArrayNode hashes = (ArrayNode) proof.get("hashes");
      String h = hashes.get(0).asText();
      hashes.set(0, JSON.getNodeFactory().textNode((h.charAt(0) == '0' ? "1" : "0") + h.substring(1)));
    }));
    try {
      Cli.Run r = throughLiar("verify", image, "--key", key + ".pub");
      assertEquals(Stele.INCLUSION, r.code(), r.toString());
      assertTrue(r.err().contains("inclusion proof"), r.toString());
    } finally {
      lyingLog.rewrite((method, path, answer) -> answer);
    }
  }

  @Test
  void aTamperedCheckpoint_isRejectedAtTheCheckpointStage() throws Exception {
    String image = signed("demo/app", "v4", "checkpoint");
    lyingLog.rewrite(rewriteProofs(proof -> {
      // Another tree size in the signed note's body: the log's signature no longer covers it.
      String[] lines = proof.get("checkpoint").asText().split("\n", -1);
      lines[1] = Long.toString(Long.parseLong(lines[1]) + 1);
      proof.put("checkpoint", String.join("\n", lines));
    }));
    try {
      Cli.Run r = throughLiar("verify", image, "--key", key + ".pub");
      assertEquals(Stele.CHECKPOINT, r.code(), r.toString());
      assertTrue(r.err().contains("checkpoint"), r.toString());
    } finally {
      lyingLog.rewrite((method, path, answer) -> answer);
    }
  }

  @Test
  void aTamperedSignedEntryTimestamp_isRejectedAtTheSetStage() throws Exception {
    String image = signed("demo/app", "v5", "set");
    lyingLog.rewrite(rewriteEntries(entry -> {
      ObjectNode verification = (ObjectNode) entry.get("verification");
      byte[] set = Base64.getDecoder().decode(verification.get("signedEntryTimestamp").asText());
      set[set.length - 1] ^= 1;
      verification.put("signedEntryTimestamp", Base64.getEncoder().encodeToString(set));
    }));
    try {
      Cli.Run r = throughLiar("verify", image, "--key", key + ".pub");
      assertEquals(Stele.TIMESTAMP, r.code(), r.toString());
    } finally {
      lyingLog.rewrite((method, path, answer) -> answer);
    }
  }

  /** Rewrites every log entry in a Rekor v1 answer (an object of UUID to entry, or a list of such). */
  private static TamperingProxy.Rewriter rewriteEntries(Consumer<ObjectNode> change) {
    return (method, path, answer) -> {
      if (answer.status() / 100 != 2 || !path.startsWith("/api/v1/log/entries")) return answer;
      JsonNode root = JSON.readTree(answer.body());
      List<JsonNode> maps = new ArrayList<>();
      if (root.isArray()) root.forEach(maps::add); else maps.add(root);
      for (JsonNode map : maps) {
        map.forEach(entry -> {
          if (entry.has("verification")) change.accept((ObjectNode) entry);
        });
      }
      return answer.withBody(JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
    };
  }

  private static TamperingProxy.Rewriter rewriteProofs(Consumer<ObjectNode> change) {
    return rewriteEntries(entry -> change.accept((ObjectNode) entry.get("verification").get("inclusionProof")));
  }
}
