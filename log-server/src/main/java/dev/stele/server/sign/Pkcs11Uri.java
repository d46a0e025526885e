package dev.stele.server.sign;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A PKCS#11 URI (RFC 7512) naming the log key on a token, e.g. {@code
 * pkcs11:token=stele;object=log-key?module-path=/usr/lib/softhsm/libsofthsm2.so}.
 *
 * <p>Understood: the path attributes {@code token} (the token label), {@code serial}, {@code
 * slot-id}, {@code object} (the key's label, required: it is the name the key and its
 * certificate share on the token), {@code type} ({@code private} if given), and the query
 * attributes {@code module-path}, {@code pin-source} (a file, as a path or {@code file:} URI) and
 * {@code pin-value}. Other standard attributes are refused rather than ignored, so that a URI
 * never selects a different key than its reader thinks.
 */
public record Pkcs11Uri(Map<String, String> path, Map<String, String> query) {
  private static final Set<String> PATH = Set.of("token", "serial", "slot-id", "object", "type", "id",
      "manufacturer", "model");
  private static final Set<String> QUERY = Set.of("module-path", "pin-source", "pin-value");

  public Pkcs11Uri {
    path = Map.copyOf(path);
    query = Map.copyOf(query);
  }

  /** True if {@code text} is meant as a PKCS#11 URI (and not as a file). */
  public static boolean isUri(String text) {
    return text != null && text.regionMatches(true, 0, "pkcs11:", 0, 7);
  }

  /** Parses and checks a URI; messages never repeat a {@code pin-value}. */
  public static Pkcs11Uri parse(String text) {
    if (!isUri(text)) {
      throw new IllegalArgumentException("a PKCS#11 URI starts with pkcs11:");
    }
    String rest = text.substring(7);
    int q = rest.indexOf('?');
    Map<String, String> path = attributes(q < 0 ? rest : rest.substring(0, q), ";", PATH, "path");
    Map<String, String> query = attributes(q < 0 ? "" : rest.substring(q + 1), "&", QUERY, "query");
    if (!path.containsKey("object")) {
      throw new IllegalArgumentException("the PKCS#11 URI must name the key with object=<label>");
    }
    if (path.containsKey("type") && !path.get("type").equals("private")) {
      throw new IllegalArgumentException("the PKCS#11 URI's type must be private (the log's private key)");
    }
    if (path.containsKey("slot-id") && !path.get("slot-id").matches("[0-9]{1,19}")) {
      throw new IllegalArgumentException("slot-id must be a decimal number");
    }
    for (String unsupported : new String[] {"id", "manufacturer", "model"}) {
      if (path.containsKey(unsupported)) {
        throw new IllegalArgumentException("the PKCS#11 URI attribute " + unsupported
            + " is not supported here; name the token (token=, serial= or slot-id=) and the key (object=)");
      }
    }
    return new Pkcs11Uri(path, query);
  }

  private static Map<String, String> attributes(String part, String separator, Set<String> known, String where) {
    Map<String, String> out = new LinkedHashMap<>();
    if (part.isEmpty()) {
      return out;
    }
    for (String attr : part.split(separator, -1)) {
      int eq = attr.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("a PKCS#11 URI " + where + " attribute must be name=value");
      }
      String name = attr.substring(0, eq).toLowerCase(java.util.Locale.ROOT);
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown PKCS#11 URI " + where + " attribute " + name + " (known: "
            + new java.util.TreeSet<>(known) + ")");
      }
      if (out.put(name, decode(attr.substring(eq + 1), name)) != null) {
        throw new IllegalArgumentException("the PKCS#11 URI attribute " + name + " is given twice");
      }
    }
    return out;
  }

  /** Percent-decoding (RFC 3986), UTF-8. */
  private static String decode(String s, String name) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw new IllegalArgumentException("a bad percent escape in the PKCS#11 URI attribute " + name);
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("a bad percent escape in the PKCS#11 URI attribute " + name);
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  public String object() {
    return path.get("object");
  }

  public Optional<String> token() {
    return Optional.ofNullable(path.get("token"));
  }

  public Optional<String> serial() {
    return Optional.ofNullable(path.get("serial"));
  }

  public Optional<Long> slotId() {
    return Optional.ofNullable(path.get("slot-id")).map(Long::parseLong);
  }

  public Optional<String> modulePath() {
    return Optional.ofNullable(query.get("module-path"));
  }

  public Optional<String> pinSource() {
    return Optional.ofNullable(query.get("pin-source"));
  }

  public Optional<String> pinValue() {
    return Optional.ofNullable(query.get("pin-value"));
  }

  /** The URI without a {@code pin-value}: for messages and logs. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("pkcs11:");
    path.forEach((k, v) -> sb.append(sb.length() > 7 ? ";" : "").append(k).append('=').append(v));
    String q = query.entrySet().stream().filter(e -> !e.getKey().equals("pin-value"))
        .map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + "&" + b).orElse("");
    return sb + (q.isEmpty() ? "" : "?" + q);
  }
}
