package dev.stele.client.trust;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.protocol.Encodings;
import dev.stele.client.protocol.FormatException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reading the protobuf JSON mapping (proto3 "JSON Mapping") in which Sigstore writes trusted
 * roots and bundles: {@code bytes} as base64 (standard or URL-safe, padding optional; decoded by
 * {@link Encodings#protobufBase64}), 64-bit
 * integers as decimal strings (numbers accepted), {@code Timestamp} as RFC 3339 text, field names
 * in lowerCamelCase (the original snake_case accepted too), and a field left out meaning its zero
 * value. Unknown fields are ignored, as protobuf JSON readers of these formats do, so that newer
 * trusted roots and bundles still read.
 *
 * <p>Every problem is a {@link FormatException} naming the JSON path; input values are not
 * echoed beyond a short prefix.
 */
public final class ProtoJson {
  private static final long MAX_SAFE = 1L << 53;

  private ProtoJson() {}

  /** The field, by lowerCamelCase name or its snake_case original; empty if absent or null. */
  public static Optional<JsonNode> field(JsonNode object, String name) {
    JsonNode v = object.get(name);
    if (v == null) {
      v = object.get(snake(name));
    }
    return v == null || v.isNull() ? Optional.empty() : Optional.of(v);
  }

  /** The object itself, checked to be a JSON object. */
  public static JsonNode requireObject(JsonNode node, String where) throws FormatException {
    if (node == null || !node.isObject()) {
      throw new FormatException(where + " must be a JSON object");
    }
    return node;
  }

  /** A required object field. */
  public static JsonNode object(JsonNode parent, String name, String where) throws FormatException {
    return requireObject(field(parent, name).orElseThrow(() -> missing(where, name)), path(where, name));
  }

  /** An optional object field. */
  public static Optional<JsonNode> optionalObject(JsonNode parent, String name, String where)
      throws FormatException {
    Optional<JsonNode> v = field(parent, name);
    if (v.isPresent()) {
      requireObject(v.get(), path(where, name));
    }
    return v;
  }

  /** A repeated field: absent means empty. */
  public static List<JsonNode> array(JsonNode parent, String name, String where) throws FormatException {
    Optional<JsonNode> v = field(parent, name);
    if (v.isEmpty()) {
      return List.of();
    }
    if (!v.get().isArray()) {
      throw new FormatException(path(where, name) + " must be a JSON array");
    }
    List<JsonNode> out = new ArrayList<>(v.get().size());
    v.get().forEach(out::add);
    return out;
  }

  /** A required, non-empty string field. */
  public static String string(JsonNode parent, String name, String where) throws FormatException {
    String s = optionalString(parent, name, where).orElseThrow(() -> missing(where, name));
    if (s.isEmpty()) {
      throw new FormatException(path(where, name) + " is empty");
    }
    return s;
  }

  /** An optional string field (absent or empty gives empty). */
  public static Optional<String> optionalString(JsonNode parent, String name, String where)
      throws FormatException {
    Optional<JsonNode> v = field(parent, name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (!v.get().isTextual()) {
      throw new FormatException(path(where, name) + " must be a string");
    }
    return v.get().textValue().isEmpty() ? Optional.empty() : Optional.of(v.get().textValue());
  }

  /** A required, non-empty {@code bytes} field. */
  public static byte[] bytes(JsonNode parent, String name, String where) throws FormatException {
    byte[] b = optionalBytes(parent, name, where).orElseThrow(() -> missing(where, name));
    if (b.length == 0) {
      throw new FormatException(path(where, name) + " is empty");
    }
    return b;
  }

  /** An optional {@code bytes} field. */
  public static Optional<byte[]> optionalBytes(JsonNode parent, String name, String where)
      throws FormatException {
    Optional<JsonNode> v = field(parent, name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (!v.get().isTextual()) {
      throw new FormatException(path(where, name) + " must be a base64 string");
    }
    return Optional.of(base64(path(where, name), v.get().textValue()));
  }

  /**
   * Decodes protobuf JSON {@code bytes}: standard or URL-safe base64, padding optional (the
   * rules of {@link Encodings#protobufBase64}, which does the work).
   */
  public static byte[] base64(String where, String text) throws FormatException {
    return Encodings.protobufBase64(where, text);
  }

  /**
   * An {@code int64} or {@code uint64} field that must be non-negative and at most 2^53 (every
   * index, size and time in these formats): a decimal string or a JSON integer; absent is 0.
   */
  public static long nonNegative(JsonNode parent, String name, String where) throws FormatException {
    Optional<JsonNode> v = field(parent, name);
    if (v.isEmpty()) {
      return 0;
    }
    String p = path(where, name);
    JsonNode n = v.get();
    long value;
    if (n.isIntegralNumber()) {
      if (!n.canConvertToLong()) {
        throw new FormatException(p + " is out of range");
      }
      value = n.longValue();
    } else if (n.isTextual()) {
      String s = n.textValue();
      if (s.isEmpty() || s.length() > 20 || !s.matches("-?[0-9]+")) {
        throw new FormatException(p + " must be a decimal integer, got '" + shorten(s) + "'");
      }
      try {
        value = Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw new FormatException(p + " is out of range: " + shorten(s));
      }
    } else {
      throw new FormatException(p + " must be an integer or a decimal string");
    }
    if (value < 0) {
      throw new FormatException(p + " must be non-negative, got " + value);
    }
    if (value > MAX_SAFE) {
      throw new FormatException(p + " must be at most 2^53, got " + value);
    }
    return value;
  }

  /** An RFC 3339 {@code Timestamp} field. */
  public static Optional<Instant> timestamp(JsonNode parent, String name, String where)
      throws FormatException {
    Optional<String> s = optionalString(parent, name, where);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(s.get(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      throw new FormatException(path(where, name) + " is not an RFC 3339 time: '" + shorten(s.get()) + "'");
    }
  }

  /** {@code where.name}, or {@code name} at the top. */
  public static String path(String where, String name) {
    return where.isEmpty() ? name : where + "." + name;
  }

  private static FormatException missing(String where, String name) {
    return new FormatException(path(where, name) + " is missing");
  }

  static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private static String snake(String camel) {
    StringBuilder sb = new StringBuilder(camel.length() + 4);
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c)) {
        sb.append('_').append(Character.toLowerCase(c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
