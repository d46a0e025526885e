package dev.stele.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.stele.admission.policy.Policy;
import dev.stele.admission.policy.PolicyParser;
import dev.stele.client.External;
import dev.stele.client.protocol.ProtocolJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes files in deploy/admission. No cluster runs here, so: every object is checked
 * against the Kubernetes OpenAPI schemas (npm's kubernetes-models validators; needs Node, so tagged
 * external), and, in every build, that the files agree with each other and with the webhook: the
 * policy in the ConfigMap loads, the container's arguments parse, selectors and ports meet, the
 * webhook configurations fail closed, select the opt-in label and cover exactly the kinds the
 * webhook reads images from.
 */
class DeployManifestsTest {
  private static final Path DEPLOY = Path.of("../deploy/admission").toAbsolutePath().normalize();
  private static final String OPT_IN = "admission.stele.dev/include";
  private static final Map<String, JsonNode> BY_FILE = new LinkedHashMap<>();

  @TempDir
  Path tmp;

  @BeforeAll
  static void read() throws IOException {
    YAMLMapper yaml = new YAMLMapper();
    try (Stream<Path> files = Files.list(DEPLOY)) {
      for (Path f : files.sorted().toList()) {
        BY_FILE.put(f.getFileName().toString(), yaml.readTree(f.toFile()));
      }
    }
  }

  private static JsonNode object(String kind) {
    for (JsonNode o : BY_FILE.values()) {
      if (kind.equals(o.path("kind").asText())) {
        return o;
      }
    }
    throw new AssertionError("no " + kind + " in " + DEPLOY);
  }

  @Test
  void kustomizationListsEveryFile() {
    Set<String> listed = new TreeSet<>();
    object("Kustomization").get("resources").forEach(r -> listed.add(r.asText()));
    Set<String> files = new TreeSet<>(BY_FILE.keySet());
    files.remove("kustomization.yaml");
    assertEquals(files, listed);
  }

  @Test
  void thePolicyInTheConfigMapLoads() throws Exception {
    JsonNode data = object("ConfigMap").get("data");
    for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Files.writeString(tmp.resolve(e.getKey()), e.getValue().asText());
    }
    Policy p = PolicyParser.read(tmp.resolve("policy.yaml"));
    assertEquals(2, p.rules().size());
    assertTrue(p.excludedNamespaces().contains("stele-admission"), "the webhook never reviews its own namespace");
    assertEquals("/etc/stele-admission/policy", mountPath("policy"));
  }

  @Test
  void theContainersArgumentsParse_andTheBudgetIsBelowTheWebhookTimeout() {
    JsonNode container = object("Deployment").at("/spec/template/spec/containers/0");
    List<String> args = new ArrayList<>();
    container.get("args").forEach(a -> args.add(a.asText()));
    Main main = new Main();
    Main.commandLine(main).parseArgs(args.toArray(new String[0]));
    assertEquals(Path.of("/etc/stele-admission/policy/policy.yaml"), main.policy);
    assertTrue(main.tlsCert.startsWith(mountPath("tls")) && main.tlsKey.startsWith(mountPath("tls")));
    assertEquals("0.0.0.0", main.bind);
    for (String webhookConfig : List.of("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration")) {
      long timeout = object(webhookConfig).at("/webhooks/0/timeoutSeconds").asLong();
      assertTrue(main.budget.getSeconds() < timeout, "budget " + main.budget + " must be below " + timeout + " s");
    }
    Map<String, Integer> ports = new LinkedHashMap<>();
    container.get("ports").forEach(p -> ports.put(p.get("name").asText(), p.get("containerPort").asInt()));
    assertEquals(Map.of("webhook", main.port, "metrics", main.metricsPort), ports);
    assertEquals("HTTPS", container.at("/readinessProbe/httpGet/scheme").asText());
    assertEquals("/readyz", container.at("/readinessProbe/httpGet/path").asText());
    assertEquals("/healthz", container.at("/livenessProbe/httpGet/path").asText());
  }

  @Test
  void selectorsAndPortsMeet() {
    JsonNode deployment = object("Deployment");
    JsonNode labels = deployment.at("/spec/template/metadata/labels");
    assertEquals(labels, deployment.at("/spec/selector/matchLabels"));
    assertEquals(labels, object("Service").at("/spec/selector"));
    assertEquals(labels, object("PodDisruptionBudget").at("/spec/selector/matchLabels"));
    assertEquals("webhook", object("Service").at("/spec/ports/0/targetPort").asText());
    assertEquals(443, object("Service").at("/spec/ports/0/port").asInt());
    String ns = object("Namespace").at("/metadata/name").asText();
    for (JsonNode o : BY_FILE.values()) {
      if (Set.of("ServiceAccount", "ConfigMap", "Deployment", "Service", "PodDisruptionBudget")
          .contains(o.path("kind").asText())) {
        assertEquals(ns, o.at("/metadata/namespace").asText(), o.path("kind").asText());
      }
    }
    assertTrue(object("Namespace").at("/metadata/labels/" + OPT_IN.replace("/", "~1")).isMissingNode(),
        "the webhook's own namespace must not opt in");
    assertEquals(object("ServiceAccount").at("/metadata/name"), deployment.at("/spec/template/spec/serviceAccountName"));
  }

  @Test
  void webhooksFailClosed_onTheOptInLabel_forExactlyTheKindsTheWebhookReads() {
    Map<String, String> kinds = Map.of("pods", "/Pod", "replicationcontrollers", "/ReplicationController",
        "deployments", "apps/Deployment", "statefulsets", "apps/StatefulSet", "daemonsets", "apps/DaemonSet",
        "replicasets", "apps/ReplicaSet", "jobs", "batch/Job", "cronjobs", "batch/CronJob");
    Map<String, String> paths = Map.of("ValidatingWebhookConfiguration", "/validate",
        "MutatingWebhookConfiguration", "/mutate");
    for (Map.Entry<String, String> c : paths.entrySet()) {
      JsonNode w = object(c.getKey()).at("/webhooks/0");
      assertEquals("Fail", w.get("failurePolicy").asText(), c.getKey());
      assertEquals("None", w.get("sideEffects").asText());
      assertEquals("[\"v1\"]", w.get("admissionReviewVersions").toString());
      assertEquals("true", w.at("/namespaceSelector/matchLabels/" + OPT_IN.replace("/", "~1")).asText(), c.getKey());
      JsonNode svc = w.at("/clientConfig/service");
      assertEquals(object("Service").at("/metadata/name"), svc.get("name"));
      assertEquals(object("Service").at("/metadata/namespace"), svc.get("namespace"));
      assertEquals(c.getValue(), svc.get("path").asText());
      Set<String> covered = new TreeSet<>();
      boolean ephemeral = false;
      for (JsonNode rule : w.get("rules")) {
        assertEquals("[\"CREATE\",\"UPDATE\"]", rule.get("operations").toString());
        for (JsonNode r : rule.get("resources")) {
          if (r.asText().equals("pods/ephemeralcontainers")) {
            ephemeral = true;
            continue;
          }
          String kind = kinds.get(r.asText());
          assertTrue(kind != null, "unexpected resource " + r);
          String group = rule.get("apiGroups").get(0).asText();
          assertEquals(kind.substring(0, kind.indexOf('/')), group, r.asText());
          assertTrue(PodImages.knows(group, kind.substring(kind.indexOf('/') + 1)), kind);
          covered.add(kind);
        }
      }
      assertTrue(ephemeral, "kubectl debug adds ephemeral containers through pods/ephemeralcontainers");
      assertEquals(new TreeSet<>(kinds.values()), covered, c.getKey());
    }
  }

  /** Every object against the Kubernetes OpenAPI schemas (kubernetes-models, pinned by src/test/node/package-lock.json). */
  @Test
  @External
  void everyObjectMatchesTheKubernetesSchemas() throws Exception {
    Path work = Path.of("target/manifest-schemas").toAbsolutePath();
    Files.createDirectories(work);
    for (String f : List.of("package.json", "package-lock.json", ".npmrc", "validate-manifests.mjs")) {
      Files.copy(Path.of("src/test/node", f), work.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    if (!Files.isDirectory(work.resolve("node_modules/kubernetes-models"))) {
      Run npm = run(work, null, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
      assertEquals(0, npm.code(), "npm ci (needs Node.js and npm, and the npm registry or its cache): " + npm);
    }
    ArrayNode docs = JsonNodeFactory.instance.arrayNode();
    BY_FILE.forEach((file, o) -> {
      if (!o.path("kind").asText().equals("Kustomization")) {
        docs.addObject().put("file", file).set("object", o);
      }
    });
    Run r = run(work, ProtocolJson.mapper().writeValueAsBytes(docs), "node", "validate-manifests.mjs");
    assertEquals(0, r.code(), r.toString());
    assertEquals(BY_FILE.size() - 1, r.output().lines().filter(l -> l.startsWith("ok ")).count(), r.output());

    // The validators do reject what the API server would: a wrong enum, a missing field.
    ArrayNode broken = JsonNodeFactory.instance.arrayNode();
    JsonNode webhook = object("ValidatingWebhookConfiguration").deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) webhook.at("/webhooks/0")).put("failurePolicy", "Fial");
    broken.addObject().put("file", "broken-webhook").set("object", webhook);
    JsonNode deployment = object("Deployment").deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) deployment.get("spec")).remove("selector");
    broken.addObject().put("file", "broken-deployment").set("object", deployment);
    Run bad = run(work, ProtocolJson.mapper().writeValueAsBytes(broken), "node", "validate-manifests.mjs");
    assertEquals(1, bad.code(), bad.toString());
    assertTrue(bad.output().contains("invalid broken-webhook") && bad.output().contains("failurePolicy"), bad.output());
    assertTrue(bad.output().contains("invalid broken-deployment") && bad.output().contains("selector"), bad.output());
  }

  private String mountPath(String volume) {
    for (JsonNode m : object("Deployment").at("/spec/template/spec/containers/0/volumeMounts")) {
      if (m.get("name").asText().equals(volume)) {
        return m.get("mountPath").asText();
      }
    }
    throw new AssertionError("no volume mount " + volume);
  }

  private record Run(int code, String output) {}

  private static Run run(Path dir, byte[] input, String... command) throws Exception {
    Process p;
    try {
      p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError(command[0] + " is not installed: the schema check needs Node.js 20+ with npm", e);
    }
    try (var out = p.getOutputStream()) {
      if (input != null) {
        out.write(input);
      }
    }
    String output;
    try (InputStream in = p.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(600, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish: " + output);
    }
    return new Run(p.exitValue(), output);
  }
}
