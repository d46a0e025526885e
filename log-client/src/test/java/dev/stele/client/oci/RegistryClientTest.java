package dev.stele.client.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.External;
import dev.stele.client.oci.RegistryException.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RegistryClient} against a real docker-registry (and a lying proxy in front of it). */
@External
class RegistryClientTest {
  private static LocalRegistry registry;
  private static RegistryClient client;

  @BeforeAll
  static void startRegistry() throws Exception {
    registry = LocalRegistry.start();
    client = registry.client();
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @Test
  void resolve_tag_givesSha256OfTheManifestBytes() throws Exception {
    TestImage image = TestImage.withFile("hello.txt", "hello transparency");
    ImageReference ref = image.push(client, registry.repository("demo/hello"), "v1");

    Manifest manifest = client.fetchManifest(ref);
    assertArrayEquals(image.manifest(), manifest.bytes());
    assertEquals(image.digest(), manifest.digest());
    assertEquals(MediaTypes.OCI_MANIFEST, manifest.mediaType());
    assertEquals(image.digest(), client.resolve(registry.reference("demo/hello:v1")));
  }

  @Test
  void resolve_imagePushedBySkopeo_equalsSkopeosRawManifestDigest(@TempDir Path tmp) throws Exception {
    Path skopeo = ExternalTool.require("skopeo", "skopeo");
    TestImage image = TestImage.withFile("skopeo.txt", "pushed by skopeo");
    image.writeLayout(tmp.resolve("layout"), "v1");
    String dest = "docker://" + registry.address() + "/demo/skopeo:v1";
    ExternalTool.run(tmp, List.of(skopeo.toString(), "copy", "--dest-tls-verify=false",
        "oci:" + tmp.resolve("layout") + ":v1", dest));
    byte[] raw = ExternalTool.run(tmp, List.of(skopeo.toString(), "inspect", "--tls-verify=false", "--raw", dest));

    Digest resolved = client.resolve(registry.reference("demo/skopeo:v1"));
    assertEquals(Digest.of(raw), resolved, "skopeo's raw manifest hashes to the resolved digest");
    assertEquals(image.digest(), resolved, "skopeo kept the OCI manifest byte for byte");
  }

  @Test
  void resolve_imageBuiltByUmoci_isAnOciManifest(@TempDir Path tmp) throws Exception {
    Path umoci = ExternalTool.require("umoci", "umoci");
    Path skopeo = ExternalTool.require("skopeo", "skopeo");
    String layout = tmp.resolve("umoci-layout").toString();
    ExternalTool.run(tmp, List.of(umoci.toString(), "init", "--layout", layout));
    ExternalTool.run(tmp, List.of(umoci.toString(), "new", "--image", layout + ":v1"));
    ExternalTool.run(tmp, List.of(umoci.toString(), "unpack", "--rootless", "--image", layout + ":v1",
        tmp.resolve("bundle").toString()));
    Files.writeString(tmp.resolve("bundle/rootfs/hello.txt"), "hello from umoci\n");
    ExternalTool.run(tmp, List.of(umoci.toString(), "repack", "--image", layout + ":v1",
        tmp.resolve("bundle").toString()));
    String dest = "docker://" + registry.address() + "/demo/umoci:v1";
    ExternalTool.run(tmp, List.of(skopeo.toString(), "copy", "--dest-tls-verify=false", "oci:" + layout + ":v1", dest));
    byte[] raw = ExternalTool.run(tmp, List.of(skopeo.toString(), "inspect", "--tls-verify=false", "--raw", dest));

    Manifest manifest = client.fetchManifest(registry.reference("demo/umoci:v1"));
    assertEquals(Digest.of(raw), manifest.digest());
    assertEquals(MediaTypes.OCI_MANIFEST, manifest.mediaType());
  }

  @Test
  void resolve_byDigest_andByTagAndDigest() throws Exception {
    TestImage image = TestImage.withFile("pinned.txt", "pinned");
    image.push(client, registry.repository("demo/pinned"), "v1");

    assertEquals(image.digest(), client.resolve(registry.reference("demo/pinned@" + image.digest())));
    assertEquals(image.digest(), client.resolve(registry.reference("demo/pinned:v1@" + image.digest())));
    // The digest decides, not the tag: a tag that names nothing does not matter.
    assertEquals(image.digest(), client.resolve(registry.reference("demo/pinned:nosuchtag@" + image.digest())));
  }

  @Test
  void resolve_dockerManifestV2() throws Exception {
    TestImage image = TestImage.build("docker.txt", "docker format", Platform.of("linux", "amd64"),
        MediaTypes.DOCKER_MANIFEST);
    ImageReference ref = image.push(client, registry.repository("demo/docker"), "v1");
    Manifest manifest = client.fetchManifest(ref);
    assertEquals(MediaTypes.DOCKER_MANIFEST, manifest.mediaType());
    assertEquals(image.digest(), manifest.digest());
  }

  @Test
  void resolve_index_givesIndexDigest_andPlatformSelectionGivesTheChild() throws Exception {
    Repository repo = registry.repository("demo/multi");
    TestImage amd64 = TestImage.build("a.txt", "amd64", Platform.of("linux", "amd64"), MediaTypes.OCI_MANIFEST);
    TestImage arm64 = TestImage.build("a.txt", "arm64", new Platform("linux", "arm64", "v8"), MediaTypes.OCI_MANIFEST);
    byte[] index = TestImage.pushIndex(client, repo, "v1", List.of(amd64, arm64));
    ImageReference ref = ImageReference.of(repo, "v1");

    Manifest top = client.fetchManifest(ref);
    assertTrue(top.isIndex());
    assertEquals(MediaTypes.OCI_INDEX, top.mediaType());
    assertEquals(Digest.of(index), client.resolve(ref));
    assertEquals(amd64.digest(), client.resolve(ref, Platform.of("linux", "amd64")));
    assertEquals(arm64.digest(), client.resolve(ref, Platform.of("linux", "arm64")));
    assertEquals(arm64.digest(), client.resolve(ref, Platform.parse("linux/arm64/v8")));

    RegistryException e = assertThrows(RegistryException.class,
        () -> client.resolve(ref, Platform.parse("linux/s390x")));
    assertEquals(Reason.NOT_FOUND, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains("linux/amd64, linux/arm64/v8"), e.getMessage());
    // A plain manifest is its own platform choice.
    assertEquals(amd64.digest(), client.resolve(ImageReference.of(repo, "platform-0"), Platform.of("linux", "arm64")));
  }

  @Test
  void resolve_unknownTag_isNotFoundNamingRegistryRepositoryAndStatus() throws Exception {
    TestImage.withFile("x.txt", "x").push(client, registry.repository("demo/known"), "v1");
    RegistryException e = assertThrows(RegistryException.class,
        () -> client.resolve(registry.reference("demo/known:v2")));
    assertEquals(Reason.NOT_FOUND, e.reason(), e.getMessage());
    assertEquals(404, e.status());
    assertEquals(registry.address(), e.registry());
    assertEquals("demo/known", e.repository());
    assertTrue(e.getMessage().contains(registry.address() + "/demo/known") && e.getMessage().contains("404"),
        e.getMessage());
    assertTrue(client.findManifest(registry.reference("demo/known:v2")).isEmpty());
  }

  @Test
  void blobs_pushSkipsExisting_fetchChecksDigest() throws Exception {
    Repository repo = registry.repository("demo/blobs");
    byte[] content = "some blob".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.of(content);
    assertFalse(client.blobExists(repo, digest));
    assertEquals(digest, client.pushBlob(repo, content));
    assertTrue(client.blobExists(repo, digest));
    assertEquals(digest, client.pushBlob(repo, content));
    assertArrayEquals(content, client.fetchBlob(repo, digest, 100));

    RegistryException tooBig = assertThrows(RegistryException.class, () -> client.fetchBlob(repo, digest, 4));
    assertEquals(Reason.BAD_RESPONSE, tooBig.reason(), tooBig.getMessage());
    RegistryException missing = assertThrows(RegistryException.class,
        () -> client.fetchBlob(repo, Digest.of(new byte[] {1}), 100));
    assertEquals(Reason.NOT_FOUND, missing.reason(), missing.getMessage());
  }

  @Test
  void lyingRegistry_otherManifestUnderTheClaimedDigest_isRejected() throws Exception {
    TestImage real = TestImage.withFile("real.txt", "the real image");
    TestImage evil = TestImage.withFile("evil.txt", "another image");
    real.push(client, registry.repository("demo/lies"), "v1");
    try (TamperingProxy proxy = TamperingProxy.in(registry.address())) {
      // The registry serves other bytes but keeps the digest header of the real manifest.
      proxy.rewrite((method, path, answer) -> path.contains("/manifests/") ? answer.withBody(evil.manifest()) : answer);
      RegistryException e = assertThrows(RegistryException.class,
          () -> client.resolve(ImageReference.of(proxy.repository("demo/lies"), "v1")));
      assertEquals(Reason.DIGEST_MISMATCH, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains(real.digest().toString()) && e.getMessage().contains(evil.digest().toString()),
          e.getMessage());

      // Consistent lie (header matches the swapped bytes) when asked by digest: still caught.
      proxy.rewrite((method, path, answer) -> path.contains("/manifests/")
          ? answer.withBody(evil.manifest()).withHeader("Docker-Content-Digest", evil.digest().toString())
          : answer);
      RegistryException byDigest = assertThrows(RegistryException.class,
          () -> client.resolve(ImageReference.of(proxy.repository("demo/lies"), real.digest())));
      assertEquals(Reason.DIGEST_MISMATCH, byDigest.reason(), byDigest.getMessage());
      assertTrue(byDigest.getMessage().contains("does not match the digest"), byDigest.getMessage());

      // A swapped blob is caught too.
      proxy.rewrite((method, path, answer) -> path.contains("/blobs/sha256:")
          ? answer.withBody("not the layer".getBytes(StandardCharsets.UTF_8)) : answer);
      RegistryException blob = assertThrows(RegistryException.class,
          () -> client.fetchBlob(proxy.repository("demo/lies"), Digest.of(real.layer()), 1 << 20));
      assertEquals(Reason.DIGEST_MISMATCH, blob.reason(), blob.getMessage());

      // An unsupported or inconsistent media type is not taken.
      proxy.rewrite((method, path, answer) -> path.contains("/manifests/")
          ? answer.withHeader("Content-Type", "application/vnd.docker.distribution.manifest.v1+prettyjws") : answer);
      RegistryException type = assertThrows(RegistryException.class,
          () -> client.resolve(ImageReference.of(proxy.repository("demo/lies"), "v1")));
      assertEquals(Reason.BAD_RESPONSE, type.reason(), type.getMessage());
    }
  }

  @Test
  void blobRedirect_isFollowed_andTheContentStillChecked() throws Exception {
    Repository repo = registry.repository("demo/redirect");
    byte[] content = "redirected blob".getBytes(StandardCharsets.UTF_8);
    Digest digest = client.pushBlob(repo, content);
    try (TamperingProxy proxy = TamperingProxy.in(registry.address())) {
      // Like a registry that hands blob downloads to a storage service on another host.
      proxy.rewrite((method, path, answer) -> path.contains("/blobs/sha256:")
          ? new TamperingProxy.Answer(307, java.util.Map.of("Location",
              List.of("http://" + registry.address() + path)), new byte[0])
          : answer);
      assertArrayEquals(content, client.fetchBlob(proxy.repository("demo/redirect"), digest, 100));
      RegistryException wrong = assertThrows(RegistryException.class,
          () -> client.fetchBlob(proxy.repository("demo/redirect"), Digest.of(new byte[] {7}), 100));
      assertEquals(Reason.NOT_FOUND, wrong.reason(), wrong.getMessage());
    }
  }

  @Test
  void manifestPut_returnsItsDigest_andTagMovesToTheNewOne() throws Exception {
    Repository repo = registry.repository("demo/moving");
    TestImage first = TestImage.withFile("f.txt", "first");
    TestImage second = TestImage.withFile("f.txt", "second");
    first.push(client, repo, "latest");
    assertEquals(first.digest(), client.resolve(registry.reference("demo/moving")));
    second.push(client, repo, "latest");
    assertEquals(second.digest(), client.resolve(registry.reference("demo/moving:latest")));
    Optional<Manifest> old = client.findManifest(ImageReference.of(repo, first.digest()));
    assertTrue(old.isPresent(), "the old manifest stays reachable by digest");
  }
}
