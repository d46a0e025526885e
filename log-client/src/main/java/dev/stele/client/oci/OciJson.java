package dev.stele.client.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.protocol.ProtocolJson;
import java.io.IOException;

/**
 * JSON for this package, through the client's one configured mapper ({@link ProtocolJson}:
 * duplicate keys and trailing data rejected, sizes bounded). Registry documents are read and
 * written as trees: they carry fields this client does not know and must keep.
 */
final class OciJson {
  /** Parses one JSON value; the message of the exception says what was wrong. */
  static JsonNode read(byte[] bytes) throws IOException {
    return ProtocolJson.mapper().readTree(bytes);
  }

  static byte[] write(JsonNode node) {
    try {
      return ProtocolJson.mapper().writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  private OciJson() {}
}
