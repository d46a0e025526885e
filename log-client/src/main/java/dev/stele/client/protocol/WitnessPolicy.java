package dev.stele.client.protocol;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A transparency-log trust policy in the c2sp.org/tlog-policy format: the logs whose checkpoints
 * are accepted, the witnesses that cosign them, and the quorum of witnesses a checkpoint needs.
 *
 * <pre>
 * log &lt;vkey&gt; [&lt;url&gt;]
 * witness &lt;name&gt; &lt;vkey&gt; [&lt;url&gt;]
 * group &lt;name&gt; all|any|&lt;k&gt; &lt;member&gt;...
 * quorum &lt;name&gt;|none
 * </pre>
 *
 * <p>Parsed as the specification says: lines end in {@code \n}; items are separated by spaces and
 * tabs only; blank lines and lines starting with {@code #} are ignored; the only control characters
 * allowed are tab and newline; a group or the quorum names only witnesses and groups defined on
 * earlier lines; each name is a group member at most once in the whole file; {@code 1 <= k <= n};
 * exactly one quorum line; two logs, or two witnesses, with the same underlying key are an error.
 *
 * <p>Keys: a log's vkey is a checkpoint key, type {@code 0x01} (Ed25519) or {@code 0x02} (ECDSA, the
 * Rekor v1 key ID); a witness's is a c2sp.org/tlog-cosignature Ed25519 key, type {@code 0x04}. A
 * witness URL is its tlog-witness submission prefix (c2sp.org/tlog-witness), which a log needs to
 * ask for cosignatures and a verifier does not.
 *
 * <p>Immutable and thread-safe. Whether a checkpoint satisfies the policy is decided in {@code
 * verify.Witnesses}.
 */
public final class WitnessPolicy {
  /** The predefined quorum that needs no cosignature. */
  public static final String NONE = "none";
  /** More than the specification's recommended minimum of 32 of each, and a bound on work. */
  static final int MAX_ENTRIES = 256;

  /**
   * A log the policy accepts.
   *
   * @param key its checkpoint key (name and key ID as on its signature lines)
   * @param vkey the key as written in the policy
   * @param url where the log is, if the policy says
   */
  public record Log(NoteVerifier key, String vkey, Optional<URI> url) {}

  /**
   * A witness.
   *
   * @param name its name in the policy (for groups and the quorum; it has no meaning outside)
   * @param key its cosignature/v1 key (the key name on its cosignature lines may differ from
   *     {@code name})
   * @param vkey the key as written in the policy
   * @param url its tlog-witness submission prefix, if the policy says
   */
  public record Witness(String name, NoteVerifier key, String vkey, Optional<URI> url) {}

  /** A group: at least {@code threshold} of {@code members} (witnesses or groups). */
  private record Group(String name, int threshold, List<String> members) {}

  private final List<Log> logs;
  private final Map<String, Witness> witnesses;
  private final Map<String, Group> groups;
  private final String quorum;

  private WitnessPolicy(List<Log> logs, Map<String, Witness> witnesses, Map<String, Group> groups, String quorum) {
    this.logs = List.copyOf(logs);
    this.witnesses = new LinkedHashMap<>(witnesses);
    this.groups = new LinkedHashMap<>(groups);
    this.quorum = quorum;
  }

  /**
   * Parses a policy file.
   *
   * @throws FormatException naming the line and what is wrong with it
   */
  public static WitnessPolicy parse(byte[] file) throws FormatException {
    for (int i = 0; i < file.length; i++) {
      int b = file[i] & 0xff;
      if (b < 0x20 && b != '\t' && b != '\n' || b == 0x7f) {
        throw new FormatException(String.format("policy: control character 0x%02x at byte offset %d (only tab"
            + " and newline are allowed; a file with CRLF line ends must be converted)", b, i));
      }
    }
    return parse(new String(file, StandardCharsets.UTF_8));
  }

  /**
   * Parses a policy text.
   *
   * @throws FormatException naming the line and what is wrong with it
   */
  public static WitnessPolicy parse(String text) throws FormatException {
    List<Log> logs = new ArrayList<>();
    Map<String, Witness> witnesses = new LinkedHashMap<>();
    Map<String, Group> groups = new LinkedHashMap<>();
    Set<String> usedAsMember = new HashSet<>();
    Map<String, Integer> keysSeen = new HashMap<>();
    String quorum = null;
    String[] lines = text.split("\n", -1);
    for (int n = 1; n <= lines.length; n++) {
      String line = lines[n - 1];
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (c < 0x20 && c != '\t' || c == 0x7f) {
          throw new FormatException(String.format("policy line %d: control character U+%04X", n, (int) c));
        }
      }
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] items = trimmed.split("[ \t]+");
      String where = "policy line " + n + " (" + items[0] + ")";
      switch (items[0]) {
        case "log": {
          if (items.length < 2 || items.length > 3) {
            throw new FormatException(where + ": expected 'log <vkey> [<url>]'");
          }
          NoteVerifier key = verifierKey(where, items[1]);
          int type = keyType(items[1]);
          if (type != NoteKeys.TYPE_ED25519 && type != NoteKeys.TYPE_ECDSA) {
            throw new FormatException(where + ": a log's key must be a checkpoint key (type 0x01 Ed25519 or 0x02"
                + " ECDSA), got type " + String.format("0x%02x", type));
          }
          checkDuplicateKey(where, items[1], keysSeen, n);
          logs.add(new Log(key, items[1], url(where, items, 2)));
          break;
        }
        case "witness": {
          if (items.length < 3 || items.length > 4) {
            throw new FormatException(where + ": expected 'witness <name> <vkey> [<url>]'");
          }
          String name = items[1];
          checkNewName(where, name, witnesses, groups);
          NoteVerifier key = verifierKey(where, items[2]);
          int type = keyType(items[2]);
          if (type != NoteKeys.TYPE_COSIGNATURE_V1) {
            throw new FormatException(where + ": witness " + name + "'s key must be a cosignature/v1 key (type 0x04,"
                + " c2sp.org/tlog-cosignature), got type " + String.format("0x%02x", type));
          }
          checkDuplicateKey(where, items[2], keysSeen, n);
          witnesses.put(name, new Witness(name, key, items[2], url(where, items, 3)));
          break;
        }
        case "group": {
          if (items.length < 4) {
            throw new FormatException(where + ": expected 'group <name> all|any|<k> <member>...' with at least"
                + " one member");
          }
          String name = items[1];
          checkNewName(where, name, witnesses, groups);
          List<String> members = Arrays.asList(items).subList(3, items.length);
          for (String m : members) {
            if (m.equals(NONE)) {
              throw new FormatException(where + ": 'none' cannot be a group member");
            }
            if (!witnesses.containsKey(m) && !groups.containsKey(m)) {
              throw new FormatException(where + ": member '" + m + "' is not a witness or group defined on an"
                  + " earlier line");
            }
            if (!usedAsMember.add(m)) {
              throw new FormatException(where + ": '" + m + "' is already a member of a group (each name may be"
                  + " listed as a member once)");
            }
          }
          int threshold = threshold(where, items[2], members.size());
          groups.put(name, new Group(name, threshold, List.copyOf(members)));
          break;
        }
        case "quorum": {
          if (items.length != 2) {
            throw new FormatException(where + ": expected 'quorum <name>' or 'quorum none'");
          }
          if (quorum != null) {
            throw new FormatException(where + ": a second quorum line; a policy has exactly one");
          }
          String name = items[1];
          if (!name.equals(NONE) && !witnesses.containsKey(name) && !groups.containsKey(name)) {
            throw new FormatException(where + ": '" + name + "' is not a witness or group defined on an earlier line");
          }
          quorum = name;
          break;
        }
        default:
          throw new FormatException("policy line " + n + ": unknown keyword '" + items[0]
              + "' (expected log, witness, group or quorum)");
      }
      if (logs.size() > MAX_ENTRIES || witnesses.size() > MAX_ENTRIES || groups.size() > MAX_ENTRIES) {
        throw new FormatException("policy line " + n + ": more than " + MAX_ENTRIES + " logs, witnesses or groups");
      }
    }
    if (quorum == null) {
      throw new FormatException("policy: no quorum line (write 'quorum none' to require no cosignatures)");
    }
    return new WitnessPolicy(logs, witnesses, groups, quorum);
  }

  private static NoteVerifier verifierKey(String where, String vkey) throws FormatException {
    try {
      return NoteKeys.parseVerifierKey(vkey);
    } catch (FormatException e) {
      throw new FormatException(where + ": " + e.getMessage(), e);
    }
  }

  /** The signature type byte of a vkey already parsed successfully. */
  private static int keyType(String vkey) throws FormatException {
    String material = vkey.substring(vkey.indexOf('+', vkey.indexOf('+') + 1) + 1);
    return Encodings.base64("vkey", material)[0] & 0xff;
  }

  /** Two vkeys are duplicates if they wrap the same public key, whatever their names and IDs. */
  private static void checkDuplicateKey(String where, String vkey, Map<String, Integer> seen, int line)
      throws FormatException {
    String material = vkey.substring(vkey.indexOf('+', vkey.indexOf('+') + 1) + 1);
    byte[] typed = Encodings.base64("vkey", material);
    String key = Encodings.base64(Arrays.copyOfRange(typed, 1, typed.length));
    Integer first = seen.putIfAbsent(key, line);
    if (first != null) {
      throw new FormatException(where + ": the same public key as on line " + first);
    }
  }

  private static void checkNewName(String where, String name, Map<String, Witness> witnesses,
      Map<String, Group> groups) throws FormatException {
    if (name.equals(NONE)) {
      throw new FormatException(where + ": 'none' is predefined and cannot be redefined");
    }
    if (witnesses.containsKey(name) || groups.containsKey(name)) {
      throw new FormatException(where + ": the name '" + name + "' is already defined");
    }
  }

  private static int threshold(String where, String k, int n) throws FormatException {
    if (k.equals("all")) {
      return n;
    }
    if (k.equals("any")) {
      return 1;
    }
    if (!k.matches("[1-9][0-9]{0,8}")) {
      throw new FormatException(where + ": the threshold must be all, any or a decimal number, got '" + k + "'");
    }
    int t = Integer.parseInt(k);
    if (t > n) {
      throw new FormatException(where + ": threshold " + t + " is more than the " + n + " members");
    }
    return t;
  }

  private static Optional<URI> url(String where, String[] items, int index) throws FormatException {
    if (items.length <= index) {
      return Optional.empty();
    }
    try {
      URI u = new URI(items[index]);
      if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
        throw new FormatException(where + ": the URL must be http(s) with a host, got '" + items[index] + "'");
      }
      return Optional.of(u);
    } catch (URISyntaxException e) {
      throw new FormatException(where + ": '" + items[index] + "' is not a URL: " + e.getMessage());
    }
  }

  /** The logs the policy accepts (possibly none: the caller knows the log from elsewhere). */
  public List<Log> logs() {
    return logs;
  }

  /** The witnesses, in file order. */
  public List<Witness> witnesses() {
    return List.copyOf(witnesses.values());
  }

  /** The quorum's name: a witness, a group, or {@link #NONE}. */
  public String quorum() {
    return quorum;
  }

  /** Whether any cosignature is needed at all. */
  public boolean requiresCosignatures() {
    return !quorum.equals(NONE);
  }

  /** Whether the witnesses named (those whose cosignatures verified) satisfy the quorum. */
  public boolean satisfiedBy(Set<String> cosigned) {
    return quorum.equals(NONE) || satisfies(quorum, cosigned);
  }

  private boolean satisfies(String name, Set<String> cosigned) {
    Group g = groups.get(name);
    if (g == null) {
      return cosigned.contains(name);
    }
    int count = 0;
    for (String m : g.members()) {
      if (satisfies(m, cosigned)) {
        count++;
      }
    }
    return count >= g.threshold();
  }

  /** The quorum rule in words, e.g. {@code "group X: 2 of [w1, w2, w3]"}, for messages. */
  public String describeQuorum() {
    return quorum.equals(NONE) ? "none" : describe(quorum);
  }

  private String describe(String name) {
    Group g = groups.get(name);
    if (g == null) {
      return "witness " + name;
    }
    List<String> parts = new ArrayList<>();
    for (String m : g.members()) {
      parts.add(groups.containsKey(m) ? "(" + describe(m) + ")" : m);
    }
    return "group " + name + ": " + g.threshold() + " of " + parts;
  }

  @Override
  public String toString() {
    return "WitnessPolicy[" + logs.size() + " logs, witnesses " + witnesses.keySet() + ", quorum "
        + describeQuorum() + "]";
  }
}
