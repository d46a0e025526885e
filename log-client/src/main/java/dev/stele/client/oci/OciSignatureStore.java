package dev.stele.client.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Signatures stored beside an image the way cosign stores them, so that cosign-compatible
 * verifiers find them and Stele finds theirs.
 *
 * <p>For an image whose manifest digest is {@code sha256:<hex>}, the tag
 * {@code sha256-<hex>.sig} in the same repository holds an OCI image manifest
 * ({@value MediaTypes#OCI_MANIFEST}). Its config is a small OCI image config
 * ({@value MediaTypes#OCI_CONFIG}) listing the layers as root-file-system diff IDs; each layer
 * is one signature: the blob is the signed payload ({@value MediaTypes#COSIGN_SIMPLE_SIGNING}),
 * the annotations hold the base64 signature, the log bundle and, for certificate signers, the
 * certificate and chain (see {@link OciSignature}).
 *
 * <p>This class moves bytes; it signs and verifies nothing. Appending is read, modify, write of
 * one tag: two writers appending to the same image at the same moment can lose one signature
 * (the registry offers no compare-and-swap); re-running the lost one adds it.
 */
public final class OciSignatureStore {
  /** A signature layer larger than this is refused on reading (payloads are a few hundred bytes). */
  public static final int MAX_PAYLOAD_BYTES = 1024 * 1024;
  /** A {@code .sig} manifest with more layers than this is refused on reading. */
  public static final int MAX_SIGNATURES = 1000;

  /** What became of a {@link #storeSignature} call. */
  public record StoreResult(Digest manifestDigest, boolean added, int signatureCount) {}

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** Go's zero time, which cosign's signature images carry as their creation time. */
  private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private final RegistryClient client;

  public OciSignatureStore(RegistryClient client) {
    if (client == null) {
      throw new IllegalArgumentException("client is required");
    }
    this.client = client;
  }

  /** The tag that holds the signatures of {@code imageDigest}: {@code sha256-<hex>.sig}. */
  public static String signatureTag(Digest imageDigest) {
    return imageDigest.signatureTag();
  }

  /**
   * Adds a signature to the ones stored for {@code imageDigest} in {@code repository}. When a
   * layer with the same payload and signature is already there nothing is written
   * ({@code added == false}). The payload blob and a new config blob are uploaded first (blobs
   * the registry already has are skipped), then the manifest is put under the tag.
   */
  public StoreResult storeSignature(Repository repository, Digest imageDigest, OciSignature signature)
      throws OciException {
    ImageReference tag = ImageReference.of(repository, signatureTag(imageDigest));
    Optional<Manifest> existing = client.findManifest(tag);
    List<JsonNode> layers = new ArrayList<>();
    ObjectNode manifestAnnotations = null;
    if (existing.isPresent()) {
      JsonNode old = signatureManifest(existing.get(), tag);
      for (JsonNode layer : old.get("layers")) {
        layers.add(layer);
        JsonNode annotations = layer.get("annotations");
        JsonNode sig = annotations != null ? annotations.get(OciSignature.SIGNATURE_ANNOTATION) : null;
        if (signature.payloadDigest().toString().equals(layer.path("digest").asText())
            && sig != null && signature.signature().equals(sig.asText())) {
          return new StoreResult(existing.get().digest(), false, old.get("layers").size());
        }
      }
      if (old.get("annotations") instanceof ObjectNode a) {
        manifestAnnotations = a;
      }
    }

    byte[] payload = signature.payload();
    Digest payloadDigest = client.pushBlob(repository, payload);
    layers.add(layerDescriptor(payloadDigest, payload.length, signature));

    byte[] config = configBlob(layers, tag);
    Digest configDigest = client.pushBlob(repository, config);

    ObjectNode manifest = NODES.objectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    ObjectNode configDescriptor = manifest.putObject("config");
    configDescriptor.put("mediaType", MediaTypes.OCI_CONFIG);
    configDescriptor.put("size", config.length);
    configDescriptor.put("digest", configDigest.toString());
    ArrayNode layerArray = manifest.putArray("layers");
    layers.forEach(layerArray::add);
    if (manifestAnnotations != null) {
      manifest.set("annotations", manifestAnnotations);
    }
    Digest manifestDigest = client.putManifest(repository, tag.tag(), MediaTypes.OCI_MANIFEST, OciJson.write(manifest));
    return new StoreResult(manifestDigest, true, layers.size());
  }

  /**
   * The signatures stored for {@code imageDigest}, in layer order; empty when the tag does not
   * exist. Every payload blob is checked against its digest and its declared size; a layer that
   * is not a well-formed signature fails the whole call (nothing is silently dropped).
   */
  public List<OciSignature> listSignatures(Repository repository, Digest imageDigest) throws OciException {
    ImageReference tag = ImageReference.of(repository, signatureTag(imageDigest));
    Optional<Manifest> found = client.findManifest(tag);
    if (found.isEmpty()) {
      return List.of();
    }
    JsonNode manifest = signatureManifest(found.get(), tag);
    List<OciSignature> out = new ArrayList<>();
    int index = 0;
    for (JsonNode layer : manifest.get("layers")) {
      String where = "layer " + index + " of " + tag;
      String mediaType = layer.path("mediaType").asText();
      if (!MediaTypes.COSIGN_SIMPLE_SIGNING.equals(mediaType)) {
        throw new OciException(where + " has media type \"" + mediaType + "\"; expected "
            + MediaTypes.COSIGN_SIMPLE_SIGNING);
      }
      Digest digest = Digest.parse(layer.path("digest").asText(null));
      long size = layer.path("size").asLong(-1);
      if (size < 0 || size > MAX_PAYLOAD_BYTES) {
        throw new OciException(where + " declares size " + layer.path("size") + "; expected 0 to " + MAX_PAYLOAD_BYTES);
      }
      byte[] payload = client.fetchBlob(repository, digest, (int) size);
      if (payload.length != size) {
        throw new OciException(where + " declares size " + size + " but its blob has " + payload.length + " bytes");
      }
      Map<String, String> annotations = stringAnnotations(layer, where);
      String sig = annotations.get(OciSignature.SIGNATURE_ANNOTATION);
      if (sig == null || sig.isEmpty()) {
        throw new OciException(where + " has no " + OciSignature.SIGNATURE_ANNOTATION + " annotation");
      }
      if (payload.length == 0) {
        throw new OciException(where + " has an empty payload");
      }
      try {
        out.add(new OciSignature(payload, sig, annotations.get(OciSignature.BUNDLE_ANNOTATION),
            annotations.get(OciSignature.CERTIFICATE_ANNOTATION), annotations.get(OciSignature.CHAIN_ANNOTATION)));
      } catch (IllegalArgumentException e) {
        throw new OciException(where + ": " + e.getMessage(), e);
      }
      index++;
    }
    return out;
  }

  /** Parses a {@code .sig} manifest and checks the parts this class relies on. */
  private static JsonNode signatureManifest(Manifest manifest, ImageReference tag) throws OciException {
    if (!MediaTypes.OCI_MANIFEST.equals(manifest.mediaType())
        && !MediaTypes.DOCKER_MANIFEST.equals(manifest.mediaType())) {
      throw new OciException(tag + " is a " + manifest.mediaType() + ", not an image manifest holding signatures");
    }
    JsonNode root;
    try {
      root = OciJson.read(manifest.bytes());
    } catch (IOException e) {
      throw new OciException(tag + " is not valid JSON: " + e.getMessage(), e);
    }
    JsonNode layers = root.get("layers");
    if (layers == null || !layers.isArray()) {
      throw new OciException(tag + " has no \"layers\" array");
    }
    if (layers.size() > MAX_SIGNATURES) {
      throw new OciException(tag + " has " + layers.size() + " layers; at most " + MAX_SIGNATURES + " are read");
    }
    int index = 0;
    for (JsonNode layer : layers) {
      if (!layer.isObject() || !layer.path("digest").isTextual() || !layer.path("mediaType").isTextual()
          || !layer.path("size").isIntegralNumber()) {
        throw new OciException("layer " + index + " of " + tag + " is not a descriptor with mediaType, size and digest");
      }
      index++;
    }
    return root;
  }

  private static Map<String, String> stringAnnotations(JsonNode layer, String where) throws OciException {
    Map<String, String> out = new TreeMap<>();
    JsonNode annotations = layer.get("annotations");
    if (annotations == null || annotations.isNull()) {
      return out;
    }
    if (!annotations.isObject()) {
      throw new OciException(where + " has annotations that are not a JSON object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = annotations.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new OciException(where + " has a non-string annotation " + e.getKey());
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  /** A layer descriptor with the annotations in sorted key order, as Go writes a map. */
  private static ObjectNode layerDescriptor(Digest digest, int size, OciSignature signature) {
    TreeMap<String, String> annotations = new TreeMap<>();
    annotations.put(OciSignature.SIGNATURE_ANNOTATION, signature.signature());
    if (signature.bundle() != null) {
      annotations.put(OciSignature.BUNDLE_ANNOTATION, signature.bundle());
    }
    if (signature.certificate() != null) {
      annotations.put(OciSignature.CERTIFICATE_ANNOTATION, signature.certificate());
    }
    if (signature.chain() != null) {
      annotations.put(OciSignature.CHAIN_ANNOTATION, signature.chain());
    }
    ObjectNode layer = NODES.objectNode();
    layer.put("mediaType", MediaTypes.COSIGN_SIMPLE_SIGNING);
    layer.put("size", size);
    layer.put("digest", digest.toString());
    ObjectNode a = layer.putObject("annotations");
    annotations.forEach(a::put);
    return layer;
  }

  /**
   * The image config of a signature manifest: no platform, zero creation time, one history
   * entry and one diff ID per layer (the payloads are stored uncompressed, so each diff ID is
   * the layer's digest).
   */
  private static byte[] configBlob(List<JsonNode> layers, ImageReference tag) throws OciException {
    ObjectNode config = NODES.objectNode();
    config.put("architecture", "");
    config.put("created", ZERO_TIME);
    ArrayNode history = config.putArray("history");
    config.put("os", "");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    for (JsonNode layer : layers) {
      history.addObject().put("created", ZERO_TIME);
      String digest = layer.path("digest").asText();
      try {
        diffIds.add(Digest.parse(digest).toString());
      } catch (OciException e) {
        throw new OciException("existing layer of " + tag + " has a bad digest: " + e.getMessage(), e);
      }
    }
    config.putObject("config");
    return OciJson.write(config);
  }
}
