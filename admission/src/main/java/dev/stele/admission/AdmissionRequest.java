package dev.stele.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.protocol.ProtocolJson;
import java.io.IOException;
import java.util.Objects;

/**
 * The part of an {@code admission.k8s.io/v1} AdmissionReview this webhook reads (Kubernetes API
 * reference, "Dynamic Admission Control"): the request's {@code uid} (echoed in the answer), the
 * object's kind, the operation, the namespace and the object itself.
 *
 * @param uid the request's uid
 * @param group the object's API group ({@code ""} for the core group)
 * @param kind the object's kind, e.g. {@code Pod}
 * @param subResource e.g. {@code ephemeralcontainers}, or {@code ""}
 * @param namespace the request's namespace, or {@code ""}
 * @param name the object's name, or {@code ""} (a Pod created from a generateName has none yet)
 * @param operation {@code CREATE}, {@code UPDATE}, {@code DELETE} or {@code CONNECT}
 * @param object the object as it would be stored (null for DELETE)
 */
record AdmissionRequest(String uid, String group, String kind, String subResource, String namespace, String name,
    String operation, JsonNode object) {
  static final String API_VERSION = "admission.k8s.io/v1";
  static final String KIND = "AdmissionReview";

  AdmissionRequest {
    Objects.requireNonNull(uid);
  }

  /**
   * Reads an AdmissionReview.
   *
   * @throws ReviewException if it is not an {@code admission.k8s.io/v1} AdmissionReview with a request and a uid
   */
  static AdmissionRequest parse(byte[] body) throws ReviewException {
    JsonNode root;
    try {
      root = ProtocolJson.mapper().readTree(body);
    } catch (IOException e) {
      throw new ReviewException("the body is not JSON: " + firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new ReviewException("the body is not a JSON object");
    }
    String apiVersion = text(root, "apiVersion");
    if (!API_VERSION.equals(apiVersion) || !KIND.equals(text(root, "kind"))) {
      throw new ReviewException("expected an " + API_VERSION + " " + KIND + ", got apiVersion " + apiVersion
          + ", kind " + text(root, "kind") + " (set admissionReviewVersions: [v1] in the webhook configuration)");
    }
    JsonNode request = root.get("request");
    if (request == null || !request.isObject()) {
      throw new ReviewException("the AdmissionReview has no request");
    }
    String uid = text(request, "uid");
    if (uid == null || uid.isEmpty()) {
      throw new ReviewException("the AdmissionReview's request has no uid");
    }
    JsonNode kind = request.get("kind");
    String operation = text(request, "operation");
    if (kind == null || !kind.isObject() || text(kind, "kind") == null || operation == null) {
      throw new ReviewException("the AdmissionReview's request has no kind or no operation");
    }
    JsonNode object = request.get("object");
    return new AdmissionRequest(uid, orEmpty(text(kind, "group")), text(kind, "kind"),
        orEmpty(text(request, "subResource")), orEmpty(text(request, "namespace")), orEmpty(text(request, "name")),
        operation, object == null || object.isNull() ? null : object);
  }

  /** {@code Pod default/web}, {@code Deployment team/api}, for messages and logs. */
  String describe() {
    String generated = object != null ? object.at("/metadata/generateName").asText("") : "";
    String objectName = !name.isEmpty() ? name : !generated.isEmpty() ? generated + "*" : "";
    return kind + (subResource.isEmpty() ? "" : "/" + subResource) + " "
        + (namespace.isEmpty() ? "" : namespace + "/") + objectName;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.split("\n", 2)[0];
  }
}
