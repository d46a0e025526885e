package dev.stele.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds every image an object will run: the containers, init containers and ephemeral containers
 * of a Pod, or of the Pod template of a workload. The kinds and where their Pod spec is:
 *
 * <table>
 *   <caption>Pod spec by kind</caption>
 *   <tr><th>kind (API group)</th><th>Pod spec</th></tr>
 *   <tr><td>Pod (core)</td><td>{@code /spec}</td></tr>
 *   <tr><td>Deployment, StatefulSet, DaemonSet, ReplicaSet (apps); ReplicationController (core);
 *       Job (batch)</td><td>{@code /spec/template/spec}</td></tr>
 *   <tr><td>CronJob (batch)</td><td>{@code /spec/jobTemplate/spec/template/spec}</td></tr>
 * </table>
 *
 * <p>Any other kind is an error (the webhook's rules sent something it cannot check; failing
 * closed, it is denied). A container list that is present must be a list of objects with a
 * string {@code image} or none at all (a template may leave it to later tooling; nothing without
 * an image runs).
 */
final class PodImages {
  private static final Map<String, String> POD_SPEC = Map.of(
      "/Pod", "/spec",
      "/ReplicationController", "/spec/template/spec",
      "apps/Deployment", "/spec/template/spec",
      "apps/StatefulSet", "/spec/template/spec",
      "apps/DaemonSet", "/spec/template/spec",
      "apps/ReplicaSet", "/spec/template/spec",
      "batch/Job", "/spec/template/spec",
      "batch/CronJob", "/spec/jobTemplate/spec/template/spec");
  private static final List<String> LISTS = List.of("initContainers", "containers", "ephemeralContainers");

  private PodImages() {}

  /** Whether objects of this kind are understood. */
  static boolean knows(String group, String kind) {
    return POD_SPEC.containsKey(group + "/" + kind);
  }

  /**
   * The images of {@code object}, a {@code group}/{@code kind} object, in spec order (init
   * containers, containers, ephemeral containers).
   *
   * @throws ReviewException for an unknown kind or a malformed container list
   */
  static List<ContainerImage> find(String group, String kind, JsonNode object) throws ReviewException {
    String specPath = POD_SPEC.get(group + "/" + kind);
    if (specPath == null) {
      throw new ReviewException("stele-admission does not know where " + (group.isEmpty() ? "core" : group) + "/"
          + kind + " objects name their images; it checks Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets,"
          + " ReplicationControllers, Jobs and CronJobs (remove this kind from the webhook's rules)");
    }
    if (object == null || !object.isObject()) {
      throw new ReviewException("the request has no object to check");
    }
    JsonNode spec = object.at(specPath);
    List<ContainerImage> out = new ArrayList<>();
    if (spec.isMissingNode() || spec.isNull()) {
      return out;
    }
    if (!spec.isObject()) {
      throw new ReviewException(specPath + " is not an object");
    }
    for (String list : LISTS) {
      JsonNode containers = spec.get(list);
      if (containers == null || containers.isNull()) {
        continue;
      }
      if (!containers.isArray()) {
        throw new ReviewException(specPath + "/" + list + " is not a list");
      }
      for (int i = 0; i < containers.size(); i++) {
        JsonNode c = containers.get(i);
        String at = specPath + "/" + list + "/" + i;
        if (!c.isObject()) {
          throw new ReviewException(at + " is not an object");
        }
        JsonNode image = c.get("image");
        if (image == null || image.isNull()) {
          continue;
        }
        if (!image.isTextual()) {
          throw new ReviewException(at + "/image is not a string");
        }
        JsonNode name = c.get("name");
        out.add(new ContainerImage(at + "/image", list, name != null && name.isTextual() ? name.asText() : "#" + i,
            image.asText()));
      }
    }
    return out;
  }
}
