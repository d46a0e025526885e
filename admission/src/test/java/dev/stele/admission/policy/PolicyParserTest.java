package dev.stele.admission.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.keys.KeyFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyParserTest {
  @TempDir
  Path dir;

  private String logKey;
  private String signerKey;

  @BeforeEach
  void keys() throws Exception {
    logKey = KeyFiles.encodePublicKey(KeyFiles.generateEcdsaP256().getPublic());
    signerKey = KeyFiles.encodePublicKey(KeyFiles.generateEcdsaP256().getPublic());
    Files.writeString(dir.resolve("log.pub"), logKey);
    Files.writeString(dir.resolve("release.pub"), signerKey);
  }

  private Policy parse(String yaml) throws PolicyException {
    return PolicyParser.parse(yaml.getBytes(StandardCharsets.UTF_8), dir);
  }

  private String problems(String yaml) {
    return assertThrows(PolicyException.class, () -> parse(yaml)).getMessage();
  }

  private static String indent(String pem, int spaces) {
    return pem.strip().replace("\n", "\n" + " ".repeat(spaces));
  }

  private String valid() {
    return """
        version: 1
        unmatchedImages: warn
        excludeNamespaces: [kube-system, stele-admission]
        logs:
          - name: stele
            url: https://log.example.com
            publicKeyFile: log.pub
          - name: inline
            url: http://127.0.0.1:3000
            publicKey: |
              %s
        rules:
          - name: team
            images: ["registry.example.com/team/**", "docker.io/library/nginx"]
            logs: [stele, inline]
            signers:
              - publicKeyFile: release.pub
              - publicKey: |
                  %s
          - name: base-images
            images: ["127.0.0.1:5000/base/*"]
            mode: warn
            logs: [stele]
            signers:
              - publicKeyFile: release.pub
        """.formatted(indent(logKey, 6), indent(signerKey, 10));
  }

  @Test
  void parse_validPolicy_hasRulesLogsAndDefaults() throws Exception {
    Policy p = parse(valid());
    assertEquals(Unmatched.WARN, p.unmatched());
    assertEquals(Set.of("kube-system", "stele-admission"), p.excludedNamespaces());
    assertEquals(2, p.rules().size());
    Rule team = p.rules().get(0);
    assertEquals("team", team.name());
    assertEquals(Mode.ENFORCE, team.mode());
    assertEquals(2, team.signers().keys().size());
    assertEquals(2, team.trust().logs().size());
    assertEquals(List.of(java.net.URI.create("https://log.example.com"), java.net.URI.create("http://127.0.0.1:3000")),
        team.urls());
    assertEquals(Mode.WARN, p.rules().get(1).mode());
    assertEquals(List.of(team), p.rulesFor("registry.example.com/team/app/api"));
    assertEquals(List.of(team), p.rulesFor("docker.io/library/nginx"));
    assertEquals(List.of(p.rules().get(1)), p.rulesFor("127.0.0.1:5000/base/alpine"));
    assertEquals(List.of(), p.rulesFor("127.0.0.1:5000/base/alpine/sub"));
  }

  @Test
  void parse_unmatchedDefaultsToDeny() throws Exception {
    Policy p = parse(valid().replace("unmatchedImages: warn\n", ""));
    assertEquals(Unmatched.DENY, p.unmatched());
  }

  @Test
  void parse_everyProblemNamesItsLineAndField_allAtOnce() {
    String yaml = """
        version: 1
        unmatchedImages: maybe
        logs:
          - name: stele
            url: ftp://log.example.com
            publicKeyFile: log.pub
        rules:
          - name: team
            images: ["registry.example.com/team/app:v1"]
            mode: enforced
            logs: [nowhere]
            signers:
              - publicKeyFile: missing.pub
            extra: true
        """;
    String m = problems(yaml);
    assertTrue(m.contains("line 2, unmatchedImages: 'maybe' is not one of [deny, warn, allow]"), m);
    assertTrue(m.contains("line 5, logs[0].url: 'ftp://log.example.com' is not an http(s)://host[:port] URL"), m);
    assertTrue(m.contains("line 9, rules[0].images[0]: the image pattern 'registry.example.com/team/app:v1' names a tag"), m);
    assertTrue(m.contains("line 10, rules[0].mode: 'enforced' is not one of [enforce, warn]"), m);
    assertTrue(m.contains("line 11, rules[0].logs[0]: no log is named 'nowhere'"), m);
    assertTrue(m.contains("line 13, rules[0].signers[0].publicKeyFile: cannot read"), m);
    assertTrue(m.contains("line 14, rules[0].extra: unknown field 'extra'"), m);
  }

  @Test
  void parse_missingVersionLogsAndRules() {
    String m = problems("unmatchedImages: deny\n");
    assertTrue(m.contains("line 1: 'version' is missing"), m);
    assertTrue(m.contains("line 1: 'logs' is missing"), m);
    assertTrue(m.contains("line 1: 'rules' is missing"), m);
  }

  @Test
  void parse_wrongVersion() {
    assertTrue(problems(valid().replace("version: 1", "version: 2")).contains("line 1, version: the version must be 1"));
  }

  @Test
  void parse_badKey_namesTheField() {
    String m = problems(valid().replace("publicKeyFile: log.pub", "publicKey: not a key"));
    assertTrue(m.contains("line 7, logs[0].publicKey: not a usable public key"), m);
    assertFalse(m.contains("no log is named"), "a broken log is reported once: " + m);
  }

  /** A policy with one rule (on line 7) whose signers are {@code signers}, from line 11 on. */
  private String withSigners(String signers) {
    return """
        version: 1
        logs:
          - name: stele
            url: https://log.example.com
            publicKeyFile: log.pub
        rules:
          - name: team
            images: ["registry.example.com/team/**"]
            logs: [stele]
            signers:
        """ + signers.stripTrailing().indent(6);
  }

  @Test
  void parse_signerWithKeyAndIdentity_orHalfAnIdentity() {
    String both = problems(withSigners("""
        - publicKeyFile: release.pub
          identity: someone@example.com
        """));
    assertTrue(both.contains("line 11, rules[0].signers[0]: a signer is either a public key"), both);
    String half = problems(withSigners("- identity: someone@example.com\n"));
    assertTrue(half.contains("line 11, rules[0].signers[0]: a certificate OIDC issuer is required"), half);
  }

  @Test
  void parse_identityWithoutCertificateAuthority_isRefused() {
    String m = problems(withSigners("""
        - identity: someone@example.com
          issuer: https://accounts.example.com
        """));
    assertTrue(m.contains("line 11, rules[0].signers: a certificate identity needs a certificate authority"), m);
  }

  @Test
  void parse_badRegexp_namesTheField() {
    String m = problems(withSigners("""
        - identityRegexp: "https://github.com/(org"
          issuer: https://accounts.example.com
        """));
    assertTrue(m.contains("line 11, rules[0].signers[0].identityRegexp: the identity expression does not compile"), m);
  }

  @Test
  void parse_duplicateNamesAndKeys() {
    String dupRule = problems(valid().replace("name: base-images", "name: team"));
    assertTrue(dupRule.contains("a second rule named 'team'"), dupRule);
    String dupKey = problems(valid().replace("version: 1\n", "version: 1\nversion: 1\n"));
    assertTrue(dupKey.contains("line 2, version: the key 'version' appears twice (first on line 1)"), dupKey);
  }

  @Test
  void parse_yamlFeaturesThatHideMeaning_areRefused() {
    String alias = problems("""
        version: 1
        logs: &l
          - name: a
        rules: *l
        """);
    assertTrue(alias.toLowerCase().contains("alias") || alias.contains("anchor"), alias);
    String twoDocs = problems(valid() + "---\nversion: 1\n");
    assertTrue(twoDocs.contains("more than one YAML document"), twoDocs);
    String notYaml = problems("version: [1\n");
    assertTrue(notYaml.contains("not valid YAML"), notYaml);
    String notMap = problems("- 1\n- 2\n");
    assertTrue(notMap.contains("line 1: expected a mapping"), notMap);
  }

  @Test
  void parse_wrongKinds() {
    String m = problems(valid().replace("images: [\"127.0.0.1:5000/base/*\"]", "images: \"127.0.0.1:5000/base/*\"")
        .replace("excludeNamespaces: [kube-system, stele-admission]", "excludeNamespaces: [Kube_System]"));
    assertTrue(m.contains("rules[1].images: expected a list, found a string"), m);
    assertTrue(m.contains("excludeNamespaces[0]: 'Kube_System' is not a namespace name"), m);
  }

  @Test
  void read_fileProblemsNameTheFile() throws Exception {
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, "version: 1\n");
    String m = assertThrows(PolicyException.class, () -> PolicyParser.read(file)).getMessage();
    assertTrue(m.startsWith("the policy " + file + " is not usable:\nline 1: 'logs' is missing"), m);
    Path none = dir.resolve("none.yaml");
    assertTrue(assertThrows(PolicyException.class, () -> PolicyParser.read(none)).getMessage()
        .startsWith("cannot read the policy " + none));
  }
}
