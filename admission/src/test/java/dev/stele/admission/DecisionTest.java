package dev.stele.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.protocol.Encodings;
import dev.stele.client.protocol.ProtocolJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The AdmissionReview answers, field by field, as the API server reads them. */
class DecisionTest {
  private static JsonNode response(Decision d, boolean mutating) throws Exception {
    JsonNode root = ProtocolJson.mapper().readTree(d.toReview("uid-1", mutating));
    assertEquals("admission.k8s.io/v1", root.get("apiVersion").asText());
    assertEquals("AdmissionReview", root.get("kind").asText());
    return root.get("response");
  }

  @Test
  void deny_has403StatusAndMessage() throws Exception {
    JsonNode r = response(Decision.deny("1 image of Pod a/b is not admitted: why", List.of("w")), false);
    assertEquals("uid-1", r.get("uid").asText());
    assertFalse(r.get("allowed").asBoolean());
    assertEquals(403, r.at("/status/code").asInt());
    assertEquals("Forbidden", r.at("/status/reason").asText());
    assertEquals("1 image of Pod a/b is not admitted: why", r.at("/status/message").asText());
    assertEquals("w", r.at("/warnings/0").asText());
    assertTrue(r.get("patch") == null);
  }

  @Test
  void allow_hasNoStatus_warningsAreCut() throws Exception {
    JsonNode r = response(Decision.allow(List.of("x".repeat(400))), false);
    assertTrue(r.get("allowed").asBoolean());
    assertTrue(r.get("status") == null);
    assertEquals(Decision.MAX_WARNING, r.at("/warnings/0").asText().length());
    assertTrue(r.at("/warnings/0").asText().endsWith("..."));
    assertTrue(response(Decision.allow(List.of()), false).get("warnings") == null);
  }

  @Test
  void mutating_allowWithPins_isABase64JsonPatch() throws Exception {
    Decision d = new Decision(true, "", List.of(), List.of(new Decision.Pin("/spec/containers/0/image",
        "app:1@sha256:" + "a".repeat(64))));
    JsonNode r = response(d, true);
    assertEquals("JSONPatch", r.get("patchType").asText());
    JsonNode patch = ProtocolJson.mapper().readTree(Encodings.base64("patch", r.get("patch").asText()));
    assertEquals("replace", patch.at("/0/op").asText());
    assertEquals("/spec/containers/0/image", patch.at("/0/path").asText());
    assertEquals("app:1@sha256:" + "a".repeat(64), patch.at("/0/value").asText());
    assertTrue(response(d, false).get("patch") == null, "the validating answer carries no patch");
  }
}
