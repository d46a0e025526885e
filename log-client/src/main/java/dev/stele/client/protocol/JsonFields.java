package dev.stele.client.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;

/**
 * Strict reading of one JSON object of a proposed entry: only the named fields may appear, and
 * each is read with its expected type. Errors name the field by its path inside the entry's
 * {@code spec} (e.g. {@code data.hash.value}).
 */
final class JsonFields {
  private final JsonNode node;
  private final String path;

  private JsonFields(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /** Reads {@code node} as an object named {@code path} that may hold only {@code allowed}. */
  static JsonFields of(JsonNode node, String path, String... allowed) throws InvalidEntryException {
    if (node == null || !node.isObject()) {
      throw new InvalidEntryException(name(path, "") + " must be a JSON object");
    }
    List<String> names = List.of(allowed);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!names.contains(f)) {
        throw new InvalidEntryException("unknown field '" + name(path, shorten(f)) + "'; expected "
            + (names.size() == 1 ? "only " : "one of ") + String.join(", ", names));
      }
    }
    return new JsonFields(node, path);
  }

  boolean has(String field) {
    return node.has(field);
  }

  /** A required, non-empty string field. */
  String string(String field) throws InvalidEntryException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new InvalidEntryException(name(path, field) + " is missing");
    }
    if (!v.isTextual()) {
      throw new InvalidEntryException(name(path, field) + " must be a string, got " + v.getNodeType().name().toLowerCase());
    }
    if (v.textValue().isEmpty()) {
      throw new InvalidEntryException(name(path, field) + " is empty");
    }
    return v.textValue();
  }

  /** An optional string field (absent, or a string possibly empty). */
  String optionalString(String field) throws InvalidEntryException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new InvalidEntryException(name(path, field) + " must be a string");
    }
    return v.textValue();
  }

  /** A required object field that may hold only {@code allowed}. */
  JsonFields object(String field, String... allowed) throws InvalidEntryException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new InvalidEntryException(name(path, field) + " is missing");
    }
    return of(v, name(path, field), allowed);
  }

  /** A required, non-empty array field. */
  JsonNode array(String field) throws InvalidEntryException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new InvalidEntryException(name(path, field) + " is missing");
    }
    if (!v.isArray()) {
      throw new InvalidEntryException(name(path, field) + " must be a JSON array");
    }
    if (v.isEmpty()) {
      throw new InvalidEntryException(name(path, field) + " is empty");
    }
    return v;
  }

  /** Decodes a required base64 string field (standard alphabet, padded, canonical). */
  byte[] base64(String field) throws InvalidEntryException {
    String text = string(field);
    try {
      return Encodings.base64(name(path, field), text);
    } catch (FormatException e) {
      throw new InvalidEntryException(e.getMessage());
    }
  }

  String path(String field) {
    return name(path, field);
  }

  static String name(String path, String field) {
    if (path.isEmpty()) {
      return field.isEmpty() ? "the entry" : field;
    }
    return field.isEmpty() ? path : path + "." + field;
  }

  /** Field names and values quoted in messages are cut short: they come from the sender. */
  static String shorten(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}
