package dev.stele.client.oci;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The payload a container-image signature signs: the "simple signing" JSON of the
 * containers-signature format with the type cosign gives it,
 *
 * <pre>{"critical":{"identity":{"docker-reference":"REPO"},"image":{"docker-manifest-digest":"sha256:HEX"},
 * "type":"cosign container image signature"},"optional":null}</pre>
 *
 * <p>{@link #toBytes()} is deterministic and byte-for-byte what cosign writes for the same
 * values: keys in that order, no white space, {@code optional} keys sorted by their UTF-8 bytes,
 * strings escaped as Go's encoding/json escapes them ({@code <>&} and U+2028/U+2029 as
 * {@code \\uXXXX}). {@link #parse(byte[])} is strict: unknown or missing fields, another type
 * string, a malformed digest or non-string optional values are rejected.
 *
 * <p>A verifier must compare {@link #manifestDigest()} with the digest it resolved itself.
 */
public record SimpleSigningPayload(String dockerReference, Digest manifestDigest, SortedMap<String, String> optional) {
  /** The {@code critical.type} of a cosign container-image signature. */
  public static final String TYPE = "cosign container image signature";

  private static final Comparator<String> UTF8_ORDER = (a, b) -> Arrays.compareUnsigned(
      a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  public SimpleSigningPayload {
    if (dockerReference == null || dockerReference.isEmpty()) {
      throw new IllegalArgumentException("docker-reference is required");
    }
    if (manifestDigest == null) {
      throw new IllegalArgumentException("docker-manifest-digest is required");
    }
    if (optional != null) {
      SortedMap<String, String> copy = new TreeMap<>(UTF8_ORDER);
      optional.forEach((k, v) -> {
        if (k == null || v == null) {
          throw new IllegalArgumentException("optional keys and values must not be null");
        }
        copy.put(k, v);
      });
      optional = Collections.unmodifiableSortedMap(copy);
    }
  }

  /** The payload for an image in {@code repository} with this manifest digest, no optional fields. */
  public static SimpleSigningPayload forImage(Repository repository, Digest manifestDigest) {
    return new SimpleSigningPayload(repository.toString(), manifestDigest, null);
  }

  /** The same payload with these optional annotations ({@code null} for none). */
  public SimpleSigningPayload withOptional(Map<String, String> annotations) {
    return new SimpleSigningPayload(dockerReference, manifestDigest,
        annotations == null ? null : new TreeMap<>(annotations));
  }

  /** The exact bytes to sign and to store as the signature layer. */
  public byte[] toBytes() {
    StringBuilder b = new StringBuilder(256);
    b.append("{\"critical\":{\"identity\":{\"docker-reference\":");
    goString(b, dockerReference);
    b.append("},\"image\":{\"docker-manifest-digest\":");
    goString(b, manifestDigest.toString());
    b.append("},\"type\":");
    goString(b, TYPE);
    b.append("},\"optional\":");
    if (optional == null) {
      b.append("null");
    } else {
      b.append('{');
      boolean first = true;
      for (Map.Entry<String, String> e : optional.entrySet()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        goString(b, e.getKey());
        b.append(':');
        goString(b, e.getValue());
      }
      b.append('}');
    }
    b.append('}');
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Parses a payload strictly; the message names the offending field. */
  public static SimpleSigningPayload parse(byte[] payload) throws OciException {
    JsonNode root;
    try {
      root = OciJson.read(payload);
    } catch (IOException e) {
      throw new OciException("signature payload is not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new OciException("signature payload is not a JSON object");
    }
    onlyFields(root, "payload", Set.of("critical", "optional"));
    JsonNode critical = object(root, "critical", "payload");
    onlyFields(critical, "critical", Set.of("identity", "image", "type"));
    JsonNode identity = object(critical, "identity", "critical");
    onlyFields(identity, "critical.identity", Set.of("docker-reference"));
    JsonNode image = object(critical, "image", "critical");
    onlyFields(image, "critical.image", Set.of("docker-manifest-digest"));
    String type = string(critical, "type", "critical");
    if (!TYPE.equals(type)) {
      throw new OciException("signature payload has critical.type \"" + type + "\"; expected \"" + TYPE + "\"");
    }
    String reference = string(identity, "docker-reference", "critical.identity");
    if (reference.isEmpty()) {
      throw new OciException("signature payload has an empty critical.identity.docker-reference");
    }
    Digest digest;
    try {
      digest = Digest.parse(string(image, "docker-manifest-digest", "critical.image"));
    } catch (OciException e) {
      throw new OciException("signature payload critical.image.docker-manifest-digest: " + e.getMessage(), e);
    }
    JsonNode opt = root.get("optional");
    SortedMap<String, String> optional = null;
    if (opt != null && !opt.isNull()) {
      if (!opt.isObject()) {
        throw new OciException("signature payload field optional is neither null nor an object");
      }
      optional = new TreeMap<>(UTF8_ORDER);
      for (Iterator<Map.Entry<String, JsonNode>> it = opt.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isTextual()) {
          throw new OciException("signature payload optional." + e.getKey() + " is not a string");
        }
        optional.put(e.getKey(), e.getValue().asText());
      }
    }
    return new SimpleSigningPayload(reference, digest, optional);
  }

  private static void onlyFields(JsonNode node, String where, Set<String> allowed) throws OciException {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw new OciException("signature payload has an unknown field \"" + name + "\" in " + where);
      }
    }
  }

  private static JsonNode object(JsonNode parent, String field, String where) throws OciException {
    JsonNode v = parent.get(field);
    if (v == null || !v.isObject()) {
      throw new OciException("signature payload " + where + "." + field + " is missing or not an object");
    }
    return v;
  }

  private static String string(JsonNode parent, String field, String where) throws OciException {
    JsonNode v = parent.get(field);
    if (v == null || !v.isTextual()) {
      throw new OciException("signature payload " + where + "." + field + " is missing or not a string");
    }
    return v.asText();
  }

  /** A JSON string as Go's encoding/json writes it (HTML-safe escaping). */
  private static void goString(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
            b.append(String.format("\\u%04x", (int) c));
          } else if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1)))) {
            if (Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1))) {
              b.append(c); // second half of a valid pair
            } else {
              b.append("\\ufffd"); // lone surrogate: Go writes the replacement character
            }
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
