package dev.stele.client.protocol;

import dev.stele.merkle.Hash;
import java.nio.charset.StandardCharsets;

/**
 * The bytes a signed entry timestamp (SET) signs (docs/protocol.md section 5): the RFC 8785
 * canonical JSON of exactly four members,
 *
 * <pre>
 * {"body":"&lt;base64 body&gt;","integratedTime":&lt;secs&gt;,"logID":"&lt;hex&gt;","logIndex":&lt;n&gt;}
 * </pre>
 *
 * <p>The server signs these bytes with the log key; verifiers rebuild them from the entry and
 * check the signature. Base64 and lower-case hex need no JSON escaping and the members are
 * already in sorted order, so the canonical form is written directly (the tests check it
 * against {@link Jcs}).
 */
public final class SetPayload {
  private SetPayload() {}

  /**
   * The SET payload.
   *
   * @param body the canonical entry body (the leaf data)
   * @param integratedTime Unix seconds, 0 ≤ t ≤ 2<sup>53</sup>
   * @param logId SHA-256 of the log key's DER SubjectPublicKeyInfo
   * @param logIndex the entry's global index, 0 ≤ i ≤ 2<sup>53</sup>
   * @throws IllegalArgumentException if a number is out of range
   */
  public static byte[] bytes(byte[] body, long integratedTime, Hash logId, long logIndex) {
    checkRange("integratedTime", integratedTime);
    checkRange("logIndex", logIndex);
    String b64 = Encodings.base64(body);
    StringBuilder sb = new StringBuilder(b64.length() + 160);
    sb.append("{\"body\":\"").append(b64)
        .append("\",\"integratedTime\":").append(integratedTime)
        .append(",\"logID\":\"").append(logId.hex())
        .append("\",\"logIndex\":").append(logIndex)
        .append('}');
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static void checkRange(String what, long value) {
    if (value < 0 || value > Jcs.MAX_SAFE_INTEGER) {
      throw new IllegalArgumentException(what + " must be in [0, 2^53], got " + value);
    }
  }
}
