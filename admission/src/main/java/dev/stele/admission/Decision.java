package dev.stele.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stele.client.protocol.Encodings;
import dev.stele.client.protocol.ProtocolJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * The answer to one review: allowed or not, why (a message a person can act on; Kubernetes shows
 * it as "admission webhook ... denied the request: MESSAGE"), warnings (kubectl prints each as
 * "Warning: ..."), and for the mutating webhook the images to pin to their verified digests.
 *
 * @param allowed whether the request is admitted
 * @param message why not (empty when allowed)
 * @param warnings what a warn-mode rule or an unmatched image reported
 * @param pins the images to rewrite, as JSON Patch {@code replace} operations
 */
record Decision(boolean allowed, String message, List<String> warnings, List<Pin> pins) {
  /** Kubernetes may cut warnings longer than this. */
  static final int MAX_WARNING = 256;

  /** Replace the image at {@code pointer} by {@code image}. */
  record Pin(String pointer, String image) {}

  Decision {
    Objects.requireNonNull(message);
    warnings = List.copyOf(warnings);
    pins = List.copyOf(pins);
  }

  static Decision allow(List<String> warnings) {
    return new Decision(true, "", warnings, List.of());
  }

  static Decision deny(String message, List<String> warnings) {
    return new Decision(false, message, warnings, List.of());
  }

  /** The {@code admission.k8s.io/v1} AdmissionReview answering the request with {@code uid}. */
  byte[] toReview(String uid, boolean mutating) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode review = f.objectNode();
    review.put("apiVersion", AdmissionRequest.API_VERSION);
    review.put("kind", AdmissionRequest.KIND);
    ObjectNode response = review.putObject("response");
    response.put("uid", uid);
    response.put("allowed", allowed);
    if (!allowed) {
      ObjectNode status = response.putObject("status");
      status.put("code", 403);
      status.put("reason", "Forbidden");
      status.put("message", message);
    }
    if (!warnings.isEmpty()) {
      ArrayNode w = response.putArray("warnings");
      for (String s : warnings) {
        w.add(s.length() <= MAX_WARNING ? s : s.substring(0, MAX_WARNING - 3) + "...");
      }
    }
    if (mutating && allowed && !pins.isEmpty()) {
      ArrayNode patch = f.arrayNode();
      for (Pin p : pins) {
        patch.addObject().put("op", "replace").put("path", p.pointer()).put("value", p.image());
      }
      response.put("patchType", "JSONPatch");
      response.put("patch", Encodings.base64(json(patch)));
    }
    return json(review);
  }

  private static byte[] json(Object node) {
    try {
      return ProtocolJson.mapper().writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
