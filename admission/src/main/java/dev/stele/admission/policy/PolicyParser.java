package dev.stele.admission.policy;

import dev.stele.admission.policy.YamlTree.ListNode;
import dev.stele.admission.policy.YamlTree.MapNode;
import dev.stele.admission.policy.YamlTree.Node;
import dev.stele.admission.policy.YamlTree.Scalar;
import dev.stele.client.TrustedLog;
import dev.stele.client.ValidityPeriod;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.KeyMaterial;
import dev.stele.client.trust.TrustRoot;
import dev.stele.client.verify.IdentityPolicy;
import dev.stele.client.verify.ImageVerifier;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and checks a policy file. Every problem is reported with its line and field, all of them
 * at once, before the webhook serves anything: a policy that does not load means no webhook, which
 * Kubernetes (with {@code failurePolicy: Fail}) turns into "nothing is admitted" rather than
 * "everything is".
 *
 * <pre>
 * version: 1
 * unmatchedImages: deny            # deny (default) | warn | allow
 * excludeNamespaces: [kube-system] # never checked, by name (optional)
 * logs:
 *   - name: stele
 *     url: https://log.example.com
 *     publicKeyFile: keys/log.pub  # or publicKey: | PEM; or trustedRoot: trusted_root.json
 * rules:
 *   - name: team
 *     images: ["registry.example.com/team/**"]
 *     mode: enforce                # enforce (default) | warn
 *     logs: [stele]
 *     signers:
 *       - publicKeyFile: keys/release.pub
 *       - identity: https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main
 *         issuer: https://token.actions.githubusercontent.com
 * </pre>
 *
 * <p>Relative file names are resolved against the policy file's folder.
 */
public final class PolicyParser {
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?");
  private static final Set<String> TOP = Set.of("version", "unmatchedImages", "excludeNamespaces", "logs", "rules");
  private static final Set<String> LOG = Set.of("name", "url", "publicKey", "publicKeyFile", "trustedRoot");
  private static final Set<String> RULE = Set.of("name", "images", "mode", "logs", "signers");
  private static final Set<String> SIGNER =
      Set.of("publicKey", "publicKeyFile", "identity", "identityRegexp", "issuer", "issuerRegexp");

  private final Path baseDir;
  private final List<String> problems = new ArrayList<>();
  private final Set<String> declaredLogs = new HashSet<>();

  private PolicyParser(Path baseDir) {
    this.baseDir = baseDir;
  }

  /** Reads the policy in {@code file}; relative paths in it are resolved against its folder. */
  public static Policy read(Path file) throws PolicyException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new PolicyException("cannot read the policy " + file + ": " + e);
    }
    Path dir = file.toAbsolutePath().getParent();
    try {
      return parse(bytes, dir);
    } catch (PolicyException e) {
      throw new PolicyException("the policy " + file + " is not usable:\n" + e.getMessage());
    }
  }

  /** Parses a policy; relative paths in it are resolved against {@code baseDir}. */
  public static Policy parse(byte[] yaml, Path baseDir) throws PolicyException {
    PolicyParser p = new PolicyParser(baseDir);
    Policy policy = p.policy(YamlTree.parse(yaml));
    if (!p.problems.isEmpty()) {
      throw new PolicyException(String.join("\n", p.problems));
    }
    return policy;
  }

  // ---------------------------------------------------------------- document

  private Policy policy(Node root) {
    MapNode top = map(root, TOP);
    if (top == null) {
      return null;
    }
    Node version = top.fields.get("version");
    if (version == null) {
      problem(top, "'version' is missing; this webhook reads version: 1");
    } else if (!(version instanceof Scalar s) || !"1".equals(s.text)) {
      problem(version, "the version must be 1, found " + version.kind());
    }
    Unmatched unmatched = Unmatched.DENY;
    Node u = top.fields.get("unmatchedImages");
    if (u != null) {
      unmatched = choice(u, Unmatched.class, Unmatched.DENY);
    }
    Set<String> excluded = new HashSet<>();
    Node ex = top.fields.get("excludeNamespaces");
    if (ex != null) {
      for (Node n : list(ex, false)) {
        String ns = string(n);
        if (ns != null && !NAME.matcher(ns).matches()) {
          problem(n, "'" + ns + "' is not a namespace name (lower-case letters, digits and '-')");
        } else if (ns != null) {
          excluded.add(ns);
        }
      }
    }
    Map<String, LogSpec> logs = new HashMap<>();
    Node logsNode = require(top, "logs");
    if (logsNode != null) {
      for (Node n : list(logsNode, true)) {
        if (n instanceof MapNode m && m.fields.get("name") instanceof Scalar s && s.text != null) {
          declaredLogs.add(s.text); // a broken log is reported once, not again by each rule naming it
        }
        LogSpec l = log(n);
        if (l != null) {
          if (logs.containsKey(l.name())) {
            problem(n, "a second log named '" + l.name() + "'; names must be unique");
          }
          logs.put(l.name(), l);
        }
      }
    }
    List<Rule> rules = new ArrayList<>();
    Set<String> ruleNames = new HashSet<>();
    Node rulesNode = require(top, "rules");
    if (rulesNode != null) {
      for (Node n : list(rulesNode, true)) {
        Rule r = rule(n, logs);
        if (r != null) {
          if (!ruleNames.add(r.name())) {
            problem(n, "a second rule named '" + r.name() + "'; names must be unique");
          }
          rules.add(r);
        }
      }
    }
    return new Policy(unmatched, excluded, rules);
  }

  // ---------------------------------------------------------------- logs

  private LogSpec log(Node node) {
    MapNode m = map(node, LOG);
    if (m == null) {
      return null;
    }
    String name = name(m);
    int sources = count(m, "publicKey", "publicKeyFile", "trustedRoot");
    if (sources != 1) {
      problem(m, "give exactly one of publicKey, publicKeyFile or trustedRoot (found " + sources + ")");
      return null;
    }
    URI url = null;
    Node urlNode = m.fields.get("url");
    if (urlNode != null) {
      url = url(urlNode);
      if (url == null) {
        return null;
      }
    }
    if (m.fields.containsKey("trustedRoot")) {
      Node file = m.fields.get("trustedRoot");
      byte[] bytes = file(file);
      if (bytes == null) {
        return null;
      }
      TrustRoot root;
      try {
        root = TrustRoot.parse(bytes);
      } catch (FormatException e) {
        problem(file, "the trusted root is malformed: " + e.getMessage());
        return null;
      }
      if (root.logs().isEmpty()) {
        problem(file, "the trusted root names no transparency log (tlogs)");
        return null;
      }
      List<URI> urls = new ArrayList<>();
      if (url != null) {
        urls.add(url);
      } else {
        LinkedHashSet<URI> distinct = new LinkedHashSet<>();
        root.logs().forEach(l -> distinct.add(l.baseUrl()));
        urls.addAll(distinct);
      }
      return name == null ? null : new LogSpec(name, root.logs(), root.certificateAuthorities(), urls);
    }
    if (url == null) {
      problem(m, "'url' is missing: a log given by its key needs the URL it is reached at (its host names"
          + " its checkpoints)");
      return null;
    }
    PublicKey key = m.fields.containsKey("publicKey") ? key(m.fields.get("publicKey"), false)
        : key(m.fields.get("publicKeyFile"), true);
    if (key == null || name == null) {
      return null;
    }
    try {
      TrustedLog log = TrustedLog.rekorV1(url, key, ValidityPeriod.ALWAYS);
      return new LogSpec(name, List.of(log), List.of(), List.of(url));
    } catch (InvalidKeyException | IllegalArgumentException e) {
      problem(m, "the log key is not usable: " + e.getMessage());
      return null;
    }
  }

  // ---------------------------------------------------------------- rules

  private Rule rule(Node node, Map<String, LogSpec> logs) {
    MapNode m = map(node, RULE);
    if (m == null) {
      return null;
    }
    String name = name(m);
    List<ImageGlob> images = new ArrayList<>();
    Node imagesNode = require(m, "images");
    if (imagesNode != null) {
      for (Node n : list(imagesNode, true)) {
        String text = string(n);
        if (text != null) {
          try {
            images.add(ImageGlob.compile(text));
          } catch (IllegalArgumentException e) {
            problem(n, e.getMessage());
          }
        }
      }
    }
    Mode mode = m.fields.containsKey("mode") ? choice(m.fields.get("mode"), Mode.class, Mode.ENFORCE) : Mode.ENFORCE;
    List<LogSpec> ruleLogs = new ArrayList<>();
    Node logsNode = require(m, "logs");
    if (logsNode != null) {
      for (Node n : list(logsNode, true)) {
        String ref = string(n);
        if (ref == null) {
          continue;
        }
        LogSpec l = logs.get(ref);
        if (l == null && declaredLogs.contains(ref)) {
          continue;
        }
        if (l == null) {
          problem(n, "no log is named '" + ref + "' (the logs section names " + new java.util.TreeSet<>(logs.keySet())
              + ")");
        } else {
          ruleLogs.add(l);
        }
      }
    }
    List<PublicKey> keys = new ArrayList<>();
    List<IdentityPolicy> identities = new ArrayList<>();
    Node signersNode = require(m, "signers");
    if (signersNode != null) {
      for (Node n : list(signersNode, true)) {
        signer(n, keys, identities);
      }
    }
    boolean certificateAuthority = ruleLogs.stream().anyMatch(l -> !l.authorities().isEmpty());
    if (!identities.isEmpty() && !certificateAuthority && !ruleLogs.isEmpty()) {
      problem(signersNode, "a certificate identity needs a certificate authority to chain to: name a log given"
          + " by a trustedRoot that has certificateAuthorities");
    }
    if (name == null || images.isEmpty() || ruleLogs.isEmpty() || (keys.isEmpty() && identities.isEmpty())) {
      return null;
    }
    return new Rule(name, images, mode, ruleLogs, new ImageVerifier.Signers(keys, identities));
  }

  private void signer(Node node, List<PublicKey> keys, List<IdentityPolicy> identities) {
    MapNode m = map(node, SIGNER);
    if (m == null) {
      return;
    }
    int keyFields = count(m, "publicKey", "publicKeyFile");
    int identityFields = count(m, "identity", "identityRegexp", "issuer", "issuerRegexp");
    if (keyFields + (identityFields > 0 ? 1 : 0) != 1) {
      problem(m, "a signer is either a public key (publicKey or publicKeyFile) or a certificate identity"
          + " (identity or identityRegexp, with issuer or issuerRegexp), not both and not neither");
      return;
    }
    if (keyFields == 1) {
      PublicKey k = m.fields.containsKey("publicKey") ? key(m.fields.get("publicKey"), false)
          : key(m.fields.get("publicKeyFile"), true);
      if (k != null) {
        keys.add(k);
      }
      return;
    }
    IdentityPolicy.Builder b = IdentityPolicy.builder();
    try {
      for (String field : List.of("identity", "identityRegexp", "issuer", "issuerRegexp")) {
        Node v = m.fields.get(field);
        if (v == null) {
          continue;
        }
        String text = string(v);
        if (text == null) {
          return;
        }
        try {
          switch (field) {
            case "identity":
              b.identity(text);
              break;
            case "identityRegexp":
              b.identityRegexp(text);
              break;
            case "issuer":
              b.issuer(text);
              break;
            default:
              b.issuerRegexp(text);
          }
        } catch (IllegalArgumentException e) {
          problem(v, e.getMessage());
          return;
        }
      }
      identities.add(b.build());
    } catch (IllegalStateException e) {
      problem(m, e.getMessage() + ": give identity (or identityRegexp) and issuer (or issuerRegexp)");
    }
  }

  // ---------------------------------------------------------------- values

  private PublicKey key(Node node, boolean isFile) {
    byte[] pem;
    if (isFile) {
      pem = file(node);
    } else {
      String text = string(node);
      pem = text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }
    if (pem == null) {
      return null;
    }
    try {
      return KeyMaterial.parsePublicKey(new String(pem, StandardCharsets.UTF_8));
    } catch (FormatException e) {
      problem(node, "not a usable public key (PEM PUBLIC KEY): " + e.getMessage());
      return null;
    }
  }

  private byte[] file(Node node) {
    String name = string(node);
    if (name == null) {
      return null;
    }
    Path p = baseDir == null ? Path.of(name) : baseDir.resolve(name);
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      problem(node, "cannot read " + p + " (" + e.getClass().getSimpleName() + ")");
      return null;
    }
  }

  private URI url(Node node) {
    String text = string(node);
    if (text == null) {
      return null;
    }
    try {
      URI u = new URI(text);
      if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
          || u.getRawQuery() != null || u.getRawFragment() != null) {
        problem(node, "'" + text + "' is not an http(s)://host[:port] URL");
        return null;
      }
      return u;
    } catch (URISyntaxException e) {
      problem(node, "'" + text + "' is not a URL: " + e.getMessage());
      return null;
    }
  }

  private String name(MapNode m) {
    Node n = require(m, "name");
    String name = n == null ? null : string(n);
    if (name != null && !NAME.matcher(name).matches()) {
      problem(n, "the name '" + name + "' must be 1 to 63 lower-case letters, digits, '.', '_' or '-' (it is"
          + " a metric label)");
      return null;
    }
    return name;
  }

  private <E extends Enum<E>> E choice(Node node, Class<E> type, E fallback) {
    String text = string(node);
    if (text == null) {
      return fallback;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().toLowerCase(Locale.ROOT).equals(text)) {
        return e;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      allowed.add(e.name().toLowerCase(Locale.ROOT));
    }
    problem(node, "'" + text + "' is not one of " + allowed);
    return fallback;
  }

  private String string(Node node) {
    if (node instanceof Scalar s && s.string && !s.text.isEmpty()) {
      return s.text;
    }
    problem(node, "expected a non-empty string, found " + node.kind());
    return null;
  }

  private MapNode map(Node node, Set<String> allowed) {
    if (!(node instanceof MapNode m)) {
      problem(node, "expected a mapping (key: value), found " + node.kind());
      return null;
    }
    for (Map.Entry<String, Node> e : m.fields.entrySet()) {
      if (!allowed.contains(e.getKey())) {
        problem(e.getValue(), "unknown field '" + e.getKey() + "' (expected one of "
            + new java.util.TreeSet<>(allowed) + ")");
      }
    }
    return m;
  }

  private List<Node> list(Node node, boolean nonEmpty) {
    if (!(node instanceof ListNode l)) {
      problem(node, "expected a list, found " + node.kind());
      return List.of();
    }
    if (nonEmpty && l.items.isEmpty()) {
      problem(node, "the list is empty");
    }
    return l.items;
  }

  private Node require(MapNode m, String field) {
    Node n = m.fields.get(field);
    if (n == null) {
      problem(m, "'" + field + "' is missing");
    }
    return n;
  }

  private static int count(MapNode m, String... fields) {
    int n = 0;
    for (String f : fields) {
      if (m.fields.containsKey(f)) {
        n++;
      }
    }
    return n;
  }

  private void problem(Node node, String message) {
    problems.add(node.where() + ": " + message);
  }
}
