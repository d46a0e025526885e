package dev.stele.client.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.External;
import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.oci.RegistryException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Signatures stored the cosign way, in a real docker-registry. */
@External
class OciSignatureStoreTest {
  private static LocalRegistry registry;
  private static RegistryClient client;
  private static OciSignatureStore store;

  @BeforeAll
  static void startRegistry() throws Exception {
    registry = LocalRegistry.start();
    client = registry.client();
    store = new OciSignatureStore(client);
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  /** A signature whose bytes are made up: this package stores bytes and checks none of them. */
  private static OciSignature signature(Repository repo, Digest digest, String seed, boolean withCertificate) {
    byte[] payload = SimpleSigningPayload.forImage(repo, digest).withOptional(
        seed == null ? null : java.util.Map.of("seed", seed)).toBytes();
    String sig = Base64.getEncoder().encodeToString(("signature " + seed).getBytes(StandardCharsets.UTF_8));
    String bundle = new CosignBundle(("set " + seed).getBytes(StandardCharsets.UTF_8),
        ("body " + seed).getBytes(StandardCharsets.UTF_8), 1_700_000_000L, 42, "ab".repeat(32)).toJson();
    return withCertificate
        ? new OciSignature(payload, sig, bundle, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
            "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n")
        : OciSignature.of(payload, sig, bundle);
  }

  @Test
  void storeTwo_listReturnsBoth_inOrder_withTheCosignLayout() throws Exception {
    Repository repo = registry.repository("sig/two");
    TestImage image = TestImage.withFile("app.txt", "app v1");
    Digest digest = client.resolve(image.push(client, repo, "v1"));
    assertTrue(store.listSignatures(repo, digest).isEmpty(), "no signatures before the first store");

    OciSignature first = signature(repo, digest, "one", false);
    OciSignature second = signature(repo, digest, "two", true);
    OciSignatureStore.StoreResult r1 = store.storeSignature(repo, digest, first);
    OciSignatureStore.StoreResult r2 = store.storeSignature(repo, digest, second);
    assertTrue(r1.added() && r2.added());
    assertEquals(1, r1.signatureCount());
    assertEquals(2, r2.signatureCount());

    assertEquals(List.of(first, second), store.listSignatures(repo, digest));
    assertTrue(registry.tags("sig/two").contains("sha256-" + digest.hex() + ".sig"), "cosign's tag name");

    // The stored manifest is exactly the shape cosign writes and reads.
    Manifest sigManifest = client.fetchManifest(ImageReference.of(repo, digest.signatureTag()));
    assertEquals(r2.manifestDigest(), sigManifest.digest());
    assertEquals(MediaTypes.OCI_MANIFEST, sigManifest.mediaType());
    JsonNode m = OciJson.read(sigManifest.bytes());
    assertEquals(2, m.get("schemaVersion").asInt());
    assertEquals(MediaTypes.OCI_MANIFEST, m.get("mediaType").asText());
    assertEquals(MediaTypes.OCI_CONFIG, m.at("/config/mediaType").asText());
    JsonNode layer0 = m.at("/layers/0");
    JsonNode layer1 = m.at("/layers/1");
    assertEquals(MediaTypes.COSIGN_SIMPLE_SIGNING, layer0.get("mediaType").asText());
    assertEquals(first.payloadDigest().toString(), layer0.get("digest").asText());
    assertEquals(first.payload().length, layer0.get("size").asInt());
    assertEquals(List.of("dev.cosignproject.cosign/signature", "dev.sigstore.cosign/bundle"),
        fieldNames(layer0.get("annotations")));
    assertEquals(List.of("dev.cosignproject.cosign/signature", "dev.sigstore.cosign/bundle",
        "dev.sigstore.cosign/certificate", "dev.sigstore.cosign/chain"), fieldNames(layer1.get("annotations")));
    assertEquals(first.signature(), layer0.at("/annotations/dev.cosignproject.cosign~1signature").asText());

    // The config lists each payload as an uncompressed layer.
    Digest configDigest = Digest.parse(m.at("/config/digest").asText());
    JsonNode config = OciJson.read(client.fetchBlob(repo, configDigest, 1 << 16));
    assertEquals(first.payloadDigest().toString(), config.at("/rootfs/diff_ids/0").asText());
    assertEquals(second.payloadDigest().toString(), config.at("/rootfs/diff_ids/1").asText());
    assertEquals("layers", config.at("/rootfs/type").asText());

    // What was read back parses as the payload that was built, naming the signed digest.
    SimpleSigningPayload parsed = SimpleSigningPayload.parse(store.listSignatures(repo, digest).get(0).payload());
    assertEquals(digest, parsed.manifestDigest());
    assertEquals(repo.toString(), parsed.dockerReference());
    assertEquals(CosignBundle.parse(first.bundle()), CosignBundle.parse(store.listSignatures(repo, digest).get(0).bundle()));
  }

  @Test
  void storeAgain_sameSignature_writesNothing() throws Exception {
    Repository repo = registry.repository("sig/idempotent");
    Digest digest = client.resolve(TestImage.withFile("a.txt", "idempotent").push(client, repo, "v1"));
    OciSignature sig = signature(repo, digest, "once", false);

    OciSignatureStore.StoreResult first = store.storeSignature(repo, digest, sig);
    OciSignatureStore.StoreResult again = store.storeSignature(repo, digest, sig);
    assertTrue(first.added());
    assertFalse(again.added());
    assertEquals(first.manifestDigest(), again.manifestDigest());
    assertEquals(1, again.signatureCount());
    assertEquals(List.of(sig), store.listSignatures(repo, digest));
  }

  @Test
  void movedTag_resolvesToTheNewDigest_whoseSignaturesAreNotTheOldOnes() throws Exception {
    Repository repo = registry.repository("sig/moved");
    ImageReference tag = TestImage.withFile("m.txt", "release 1").push(client, repo, "stable");
    Digest old = client.resolve(tag);
    store.storeSignature(repo, old, signature(repo, old, "release-1", false));

    TestImage.withFile("m.txt", "release 2 (unsigned)").push(client, repo, "stable");
    Digest now = client.resolve(tag);
    assertFalse(now.equals(old), "the tag moved");
    assertTrue(store.listSignatures(repo, now).isEmpty(), "no .sig tag exists for the new digest");
    assertTrue(client.findManifest(ImageReference.of(repo, now.signatureTag())).isEmpty());
    List<OciSignature> oldSigs = store.listSignatures(repo, old);
    assertEquals(1, oldSigs.size());
    assertEquals(old, SimpleSigningPayload.parse(oldSigs.get(0).payload()).manifestDigest(),
        "the old signature still names the old digest, never the new one");
  }

  @Test
  void swappedPayloadBlob_isRejectedOnListing() throws Exception {
    Repository repo = registry.repository("sig/swapped");
    Digest digest = client.resolve(TestImage.withFile("s.txt", "swap").push(client, repo, "v1"));
    OciSignature sig = signature(repo, digest, "real", false);
    store.storeSignature(repo, digest, sig);
    byte[] other = SimpleSigningPayload.forImage(repo, Digest.of(new byte[] {9})).toBytes();
    try (TamperingProxy proxy = TamperingProxy.in(registry.address())) {
      proxy.rewrite((method, path, answer) -> path.endsWith("/blobs/" + sig.payloadDigest()) && method.equals("GET")
          ? answer.withBody(other) : answer);
      OciSignatureStore viaProxy = new OciSignatureStore(RegistryClient.anonymous());
      RegistryException e = assertThrows(RegistryException.class,
          () -> viaProxy.listSignatures(proxy.repository("sig/swapped"), digest));
      assertEquals(Reason.DIGEST_MISMATCH, e.reason(), e.getMessage());
    }
  }

  @Test
  void foreignLayerInSigManifest_failsTheListingWithItsPosition() throws Exception {
    Repository repo = registry.repository("sig/foreign");
    Digest digest = client.resolve(TestImage.withFile("f.txt", "foreign").push(client, repo, "v1"));
    // Something that is not a signature manifest under the .sig tag: an ordinary image.
    TestImage.withFile("not-a-signature.txt", "x").push(client, repo, digest.signatureTag());
    OciException e = assertThrows(OciException.class, () -> store.listSignatures(repo, digest));
    assertTrue(e.getMessage().contains("layer 0 of ") && e.getMessage().contains(MediaTypes.COSIGN_SIMPLE_SIGNING),
        e.getMessage());
  }

  @Test
  void payloadRoundTrip_throughTheRegistry_isByteExact() throws Exception {
    Repository repo = registry.repository("sig/bytes");
    Digest digest = client.resolve(TestImage.withFile("b.txt", "bytes").push(client, repo, "v1"));
    byte[] payload = SimpleSigningPayload.forImage(repo, digest).toBytes();
    store.storeSignature(repo, digest, OciSignature.of(payload, "c2ln", null));
    OciSignature back = store.listSignatures(repo, digest).get(0);
    assertArrayEquals(payload, back.payload());
    assertEquals(null, back.bundle());
    assertArrayEquals("sig".getBytes(StandardCharsets.US_ASCII), back.signatureBytes());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> out = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
