package dev.stele.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.protocol.ProtocolJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The images of the AdmissionReview documents in src/test/resources/reviews, and of the other kinds. */
class PodImagesTest {
  private static final Map<String, String> IMAGES = Map.of("namespace", "team", "init", "busybox:1.36",
      "app", "registry.example.com/team/app:1.0", "sidecar", "registry.example.com/team/proxy@sha256:"
          + "0".repeat(64), "debug", "busybox:debug");

  private static AdmissionRequest request(String file) throws Exception {
    return AdmissionRequest.parse(Reviews.load(file, IMAGES).getBytes(StandardCharsets.UTF_8));
  }

  private static List<ContainerImage> images(String file) throws Exception {
    AdmissionRequest r = request(file);
    return PodImages.find(r.group(), r.kind(), r.object());
  }

  @Test
  void pod_initContainersThenContainers_withJsonPointers() throws Exception {
    AdmissionRequest r = request("pod-create.json");
    assertEquals("", r.group());
    assertEquals("Pod", r.kind());
    assertEquals("CREATE", r.operation());
    assertEquals("team", r.namespace());
    assertEquals("Pod team/web", r.describe());
    assertEquals(List.of(
        new ContainerImage("/spec/initContainers/0/image", "initContainers", "setup", "busybox:1.36"),
        new ContainerImage("/spec/containers/0/image", "containers", "app", "registry.example.com/team/app:1.0"),
        new ContainerImage("/spec/containers/1/image", "containers", "sidecar", IMAGES.get("sidecar"))),
        PodImages.find(r.group(), r.kind(), r.object()));
  }

  @Test
  void ephemeralContainerSubresource_includesTheEphemeralContainer() throws Exception {
    AdmissionRequest r = request("pod-ephemeral.json");
    assertEquals("ephemeralcontainers", r.subResource());
    assertEquals("UPDATE", r.operation());
    List<ContainerImage> found = PodImages.find(r.group(), r.kind(), r.object());
    assertEquals(2, found.size());
    assertEquals(new ContainerImage("/spec/ephemeralContainers/0/image", "ephemeralContainers", "debugger-x7k2p",
        "busybox:debug"), found.get(1));
    assertEquals("ephemeral container \"debugger-x7k2p\"", found.get(1).describe());
  }

  @Test
  void deployment_podTemplate() throws Exception {
    assertEquals(List.of(
        new ContainerImage("/spec/template/spec/initContainers/0/image", "initContainers", "migrate", "busybox:1.36"),
        new ContainerImage("/spec/template/spec/containers/0/image", "containers", "api",
            "registry.example.com/team/app:1.0")), images("deployment-create.json"));
  }

  @Test
  void cronJob_jobTemplatesPodTemplate() throws Exception {
    assertEquals(List.of(new ContainerImage("/spec/jobTemplate/spec/template/spec/containers/0/image", "containers",
        "report", "registry.example.com/team/app:1.0")), images("cronjob-create.json"));
  }

  @Test
  void delete_hasNoObject() throws Exception {
    AdmissionRequest r = request("pod-delete.json");
    assertEquals("DELETE", r.operation());
    assertNull(r.object());
  }

  @Test
  void otherWorkloads_podTemplateAtSpecTemplateSpec() throws Exception {
    JsonNode object = ProtocolJson.mapper().readTree(
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i:1\"}]}}}}");
    for (String[] kind : new String[][] {{"apps", "StatefulSet"}, {"apps", "DaemonSet"}, {"apps", "ReplicaSet"},
        {"batch", "Job"}, {"", "ReplicationController"}}) {
      assertEquals(List.of(new ContainerImage("/spec/template/spec/containers/0/image", "containers", "c", "i:1")),
          PodImages.find(kind[0], kind[1], object), kind[1]);
    }
  }

  @Test
  void unknownKind_isAnErrorNamingTheKinds() throws Exception {
    JsonNode object = ProtocolJson.mapper().readTree("{\"spec\":{}}");
    String m = assertThrows(ReviewException.class, () -> PodImages.find("apps", "Scale", object)).getMessage();
    assertTrue(m.contains("does not know where apps/Scale objects name their images"), m);
    assertThrows(ReviewException.class, () -> PodImages.find("example.com", "Pod", object));
  }

  @Test
  void malformedContainerLists_areErrors_missingOnesAreEmpty() throws Exception {
    assertEquals(List.of(), PodImages.find("", "Pod", ProtocolJson.mapper().readTree("{\"metadata\":{}}")));
    assertEquals(List.of(), PodImages.find("", "Pod",
        ProtocolJson.mapper().readTree("{\"spec\":{\"containers\":[{\"name\":\"no-image\"}]}}")));
    for (String bad : new String[] {"{\"spec\":{\"containers\":{}}}", "{\"spec\":{\"containers\":[1]}}",
        "{\"spec\":{\"containers\":[{\"image\":7}]}}", "{\"spec\":[]}"}) {
      assertThrows(ReviewException.class, () -> PodImages.find("", "Pod", ProtocolJson.mapper().readTree(bad)), bad);
    }
  }

  @Test
  void parse_refusesWhatIsNotAV1Review() {
    for (String[] c : new String[][] {
        {"not json", "not JSON"},
        {"{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\",\"request\":{}}", "admissionReviewVersions"},
        {"{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}", "has no request"},
        {"{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"kind\":{\"kind\":\"Pod\"}}}", "no uid"},
    }) {
      String m = assertThrows(ReviewException.class, () -> AdmissionRequest.parse(c[0].getBytes(StandardCharsets.UTF_8)))
          .getMessage();
      assertTrue(m.contains(c[1]), m);
    }
  }
}
