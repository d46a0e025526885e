package dev.stele.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.External;
import dev.stele.client.TestLog;
import dev.stele.client.TestLogServer;
import dev.stele.client.oci.Digest;
import dev.stele.client.oci.ImageReference;
import dev.stele.client.oci.LocalRegistry;
import dev.stele.client.oci.OciSignature;
import dev.stele.client.oci.OciSignatureStore;
import dev.stele.client.oci.TestImage;
import dev.stele.client.protocol.Inclusion;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.merkle.Hash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stele sign IMAGE} and {@code stele verify IMAGE} through the CLI entry point against a
 * real OCI registry (Debian's docker-registry on 127.0.0.1) and a log double on 127.0.0.1 (the
 * real log server is a later module; this module cannot depend on it).
 */
@External
class ImageSignVerifyTest {
  private static final Map<String, String> ENV = Map.of("STELE_KEY_PASSWORD", "image signing key");
  private static LocalRegistry registry;

  @TempDir
  Path dir;

  private TestLogServer log;
  private Path logKey;
  private Path key;

  @BeforeAll
  static void startRegistry() throws Exception {
    registry = LocalRegistry.start();
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @BeforeEach
  void start() throws Exception {
    log = new TestLogServer();
    logKey = dir.resolve("log.pub");
    Files.writeString(logKey, log.log().publicKeyPem());
    key = keygen("signer");
  }

  @AfterEach
  void stop() {
    log.close();
  }

  private Path keygen(String name) {
    Cli.Run r = Cli.run(ENV, "keygen", "--output-key-prefix", dir.resolve(name).toString());
    assertEquals(0, r.code(), r.toString());
    return dir.resolve(name);
  }

  private Cli.Run cli(String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 4);
    all[args.length] = "--log-url";
    all[args.length + 1] = log.url().toString();
    all[args.length + 2] = "--log-key";
    all[args.length + 3] = logKey.toString();
    return Cli.run(ENV, all);
  }

  private String push(String repo, String tag, String content) throws Exception {
    ImageReference ref = TestImage.withFile("hello.txt", content).push(registry.client(), registry.repository(repo), tag);
    return ref.toString();
  }

  @Test
  void sign_thenVerifyOnlineAndOffline() throws Exception {
    String image = push("demo/app", "v1", "hello");
    Cli.Run signed = cli("sign", image, "--key", key + ".key");
    assertEquals(0, signed.code(), signed.toString());
    assertTrue(signed.out().contains("verified: true"), signed.toString());
    Cli.Run online = cli("verify", image, "--key", key + ".pub");
    assertEquals(0, online.code(), online.toString());
    assertTrue(online.out().contains("checkpointSize: 1"), online.toString());
    Cli.Run offline = cli("verify", image, "--key", key + ".pub", "--offline");
    assertEquals(0, offline.code(), offline.toString());
    assertTrue(offline.out().contains("offline: no inclusion proof"), offline.toString());
  }

  @Test
  void verify_unsignedImage_exits6() throws Exception {
    String image = push("demo/unsigned", "v1", "nobody signed me");
    Cli.Run r = cli("verify", image, "--key", key + ".pub");
    assertEquals(ExitCode.NO_SIGNATURE.code, r.code(), r.toString());
  }

  @Test
  void verify_anotherKey_exits10() throws Exception {
    String image = push("demo/app", "v2", "hello again");
    assertEquals(0, cli("sign", image, "--key", key + ".key").code());
    Path other = keygen("other");
    Cli.Run r = cli("verify", image, "--key", other + ".pub");
    assertEquals(ExitCode.ARTIFACT_SIGNATURE.code, r.code(), r.toString());
  }

  @Test
  void verify_movedTag_checksTheNewDigest_exits6() throws Exception {
    String image = push("demo/moving", "latest", "first");
    assertEquals(0, cli("sign", image, "--key", key + ".key").code());
    push("demo/moving", "latest", "second, not signed");
    Cli.Run r = cli("verify", image, "--key", key + ".pub");
    assertEquals(ExitCode.NO_SIGNATURE.code, r.code(), r.toString());
  }

  @Test
  void verify_signatureCopiedToAnotherImage_exits10() throws Exception {
    String a = push("demo/a", "v1", "image a");
    assertEquals(0, cli("sign", a, "--key", key + ".key").code());
    String b = push("demo/b", "v1", "image b");
    Digest da = registry.client().resolve(ImageReference.parse(a));
    Digest db = registry.client().resolve(ImageReference.parse(b));
    OciSignatureStore store = new OciSignatureStore(registry.client());
    OciSignature sig = store.listSignatures(registry.repository("demo/a"), da).get(0);
    store.storeSignature(registry.repository("demo/b"), db, sig);
    Cli.Run r = cli("verify", b, "--key", key + ".pub");
    assertEquals(ExitCode.ARTIFACT_SIGNATURE.code, r.code(), r.toString());
    assertTrue(r.err().contains("the signature is for image " + da), r.toString());
  }

  @Test
  void verify_logServesATamperedProof_exits12() throws Exception {
    String image = push("demo/app", "v3", "proof");
    for (int i = 0; i < 3; i++) {
      assertEquals(0, cli("sign", push("demo/filler", "f" + i, "filler " + i), "--key", key + ".key").code());
    }
    assertEquals(0, cli("sign", image, "--key", key + ".key").code());
    log.rewrite(e -> {
      Inclusion inc = e.inclusion().orElseThrow();
      java.util.List<Hash> hashes = new java.util.ArrayList<>(inc.proof().hashes());
      byte[] h = hashes.get(0).bytes();
      h[0] ^= 1;
      hashes.set(0, Hash.of(h));
      return TestLog.withInclusion(e, new Inclusion(new dev.stele.merkle.proof.InclusionProof(
          inc.proof().leafIndex(), inc.proof().treeSize(), hashes), inc.rootHash(), inc.checkpoint()));
    });
    Cli.Run r = cli("verify", image, "--key", key + ".pub");
    assertEquals(ExitCode.INCLUSION.code, r.code(), r.toString());
  }

  @Test
  void verify_logServesAnotherLogsCheckpoint_exits13() throws Exception {
    String image = push("demo/app", "v4", "checkpoint");
    assertEquals(0, cli("sign", image, "--key", key + ".key").code());
    TestLog impostor = new TestLog(log.url().toString());
    log.rewrite(e -> {
      Inclusion inc = e.inclusion().orElseThrow();
      LoggedEntry x = TestLog.withInclusion(e, new Inclusion(inc.proof(), inc.rootHash(),
          TestLog.note(impostor.sign(TestLog.checkpointOf(inc.checkpoint())))));
      return x;
    });
    Cli.Run r = cli("verify", image, "--key", key + ".pub");
    assertEquals(ExitCode.CHECKPOINT.code, r.code(), r.toString());
  }

  @Test
  void verify_logLosesTheEntry_exits11_butOfflineStillVerifies() throws Exception {
    String image = push("demo/app", "v5", "lost");
    assertEquals(0, cli("sign", image, "--key", key + ".key").code());
    log.close();
    TestLogServer empty = new TestLogServer();
    try {
      Files.writeString(logKey, log.log().publicKeyPem());
      Cli.Run r = Cli.run(ENV, "verify", image, "--key", key + ".pub", "--log-url", empty.url().toString(),
          "--log-key", logKey.toString());
      // The empty log's host is the same (127.0.0.1), its key is the old log's: the entry is simply not there.
      assertEquals(ExitCode.LOG.code, r.code(), r.toString());
      assertTrue(r.err().contains("has no entry for this signature"), r.toString());
      Cli.Run offline = Cli.run(ENV, "verify", image, "--key", key + ".pub", "--offline", "--log-url",
          empty.url().toString(), "--log-key", logKey.toString());
      assertEquals(0, offline.code(), offline.toString());
    } finally {
      empty.close();
      log = new TestLogServer();
    }
  }

  @Test
  void verify_offlineWithTamperedSet_exits14() throws Exception {
    String image = push("demo/app", "v6", "set");
    assertEquals(0, cli("sign", image, "--key", key + ".key").code());
    // Re-store the signature with a bundle whose integrated time was changed.
    Digest d = registry.client().resolve(ImageReference.parse(image));
    OciSignatureStore store = new OciSignatureStore(registry.client());
    OciSignature sig = store.listSignatures(registry.repository("demo/app"), d).get(0);
    String moved = sig.bundle().replaceFirst("\"integratedTime\":(\\d+)", "\"integratedTime\":1600000000");
    ImageReference other = ImageReference.parse(push("demo/app2", "v6", "set"));
    store.storeSignature(other.repository(), d, OciSignature.of(sig.payload(), sig.signature(), moved));
    Cli.Run r = cli("verify", other.toString(), "--key", key + ".pub", "--offline");
    assertEquals(ExitCode.TIMESTAMP.code, r.code(), r.toString());
    assertTrue(Optional.ofNullable(r.err()).orElse("").contains("signed entry timestamp"), r.toString());
  }
}
