package dev.stele.client.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.protocol.Encodings;
import dev.stele.client.protocol.FormatException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The log-entry evidence cosign stores in the {@code dev.sigstore.cosign/bundle} annotation of a
 * signature layer:
 *
 * <pre>{"SignedEntryTimestamp":"BASE64","Payload":{"body":"BASE64","integratedTime":N,"logIndex":N,"logID":"HEX"}}</pre>
 *
 * <p>{@code body} is the log entry's canonical body, {@code SignedEntryTimestamp} the log's
 * signature over the entry (both carried here as raw bytes, written in standard base64),
 * {@code logID} the hex SHA-256 of the log's public key. This class only moves the values in
 * and out of that JSON; checking them is the verifier's work.
 */
public final class CosignBundle {
  private static final Pattern LOG_ID = Pattern.compile("[0-9a-f]{64}");

  private final byte[] signedEntryTimestamp;
  private final byte[] body;
  private final long integratedTime;
  private final long logIndex;
  private final String logId;

  public CosignBundle(byte[] signedEntryTimestamp, byte[] body, long integratedTime, long logIndex, String logId) {
    if (signedEntryTimestamp == null || signedEntryTimestamp.length == 0) {
      throw new IllegalArgumentException("SignedEntryTimestamp is required");
    }
    if (body == null || body.length == 0) {
      throw new IllegalArgumentException("body is required");
    }
    if (integratedTime < 0 || logIndex < 0) {
      throw new IllegalArgumentException("integratedTime and logIndex must not be negative");
    }
    if (logId == null || !LOG_ID.matcher(logId).matches()) {
      throw new IllegalArgumentException("logID must be 64 lowercase hex digits");
    }
    this.signedEntryTimestamp = signedEntryTimestamp.clone();
    this.body = body.clone();
    this.integratedTime = integratedTime;
    this.logIndex = logIndex;
    this.logId = logId;
  }

  public byte[] signedEntryTimestamp() {
    return signedEntryTimestamp.clone();
  }

  public byte[] body() {
    return body.clone();
  }

  public long integratedTime() {
    return integratedTime;
  }

  public long logIndex() {
    return logIndex;
  }

  public String logId() {
    return logId;
  }

  /** The annotation value; deterministic (fixed key order, no white space). */
  public String toJson() {
    return "{\"SignedEntryTimestamp\":\"" + Encodings.base64(signedEntryTimestamp)
        + "\",\"Payload\":{\"body\":\"" + Encodings.base64(body)
        + "\",\"integratedTime\":" + integratedTime
        + ",\"logIndex\":" + logIndex
        + ",\"logID\":\"" + logId + "\"}}";
  }

  /** Parses an annotation value strictly; the message names the offending field. */
  public static CosignBundle parse(String json) throws OciException {
    if (json == null) {
      throw new OciException("missing cosign bundle");
    }
    JsonNode root;
    try {
      root = OciJson.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new OciException("cosign bundle is not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new OciException("cosign bundle is not a JSON object");
    }
    onlyFields(root, "", Set.of("SignedEntryTimestamp", "Payload"));
    byte[] set = base64(root, "", "SignedEntryTimestamp");
    JsonNode payload = root.get("Payload");
    if (payload == null || !payload.isObject()) {
      throw new OciException("cosign bundle field Payload is missing or not an object");
    }
    onlyFields(payload, "Payload.", Set.of("body", "integratedTime", "logIndex", "logID"));
    byte[] body = base64(payload, "Payload.", "body");
    long integratedTime = nonNegative(payload, "integratedTime");
    long logIndex = nonNegative(payload, "logIndex");
    JsonNode logId = payload.get("logID");
    if (logId == null || !logId.isTextual() || !LOG_ID.matcher(logId.asText()).matches()) {
      throw new OciException("cosign bundle field Payload.logID is missing or not 64 lowercase hex digits");
    }
    if (set.length == 0 || body.length == 0) {
      throw new OciException("cosign bundle has an empty " + (set.length == 0 ? "SignedEntryTimestamp" : "Payload.body"));
    }
    return new CosignBundle(set, body, integratedTime, logIndex, logId.asText());
  }

  private static void onlyFields(JsonNode node, String prefix, Set<String> allowed) throws OciException {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw new OciException("cosign bundle has an unknown field " + prefix + name);
      }
    }
  }

  /** Go's encoding/json writes {@code []byte} as standard base64 with padding: only that is read. */
  private static byte[] base64(JsonNode node, String prefix, String field) throws OciException {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new OciException("cosign bundle field " + prefix + field + " is missing or not a string");
    }
    try {
      return Encodings.base64("cosign bundle field " + prefix + field, v.asText());
    } catch (FormatException e) {
      throw new OciException(e.getMessage(), e);
    }
  }

  private static long nonNegative(JsonNode node, String field) throws OciException {
    JsonNode v = node.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
      throw new OciException("cosign bundle field Payload." + field + " is missing or not a non-negative integer");
    }
    return v.asLong();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CosignBundle b && Arrays.equals(b.signedEntryTimestamp, signedEntryTimestamp)
        && Arrays.equals(b.body, body) && b.integratedTime == integratedTime && b.logIndex == logIndex
        && b.logId.equals(logId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(logId, logIndex, integratedTime);
  }

  @Override
  public String toString() {
    return "CosignBundle[logIndex=" + logIndex + ", integratedTime=" + integratedTime + ", logID=" + logId + "]";
  }
}
