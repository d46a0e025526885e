package dev.stele.admission.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * A YAML document read into a small tree whose every node knows its line and its path, so that a
 * policy problem can be reported as "line 12, rules[0].signers[1].publicKey: ...". Jackson's own
 * trees forget where a value came from.
 *
 * <p>Only what a policy needs: mappings with string keys, sequences and scalars. Duplicate keys,
 * anchors and aliases, tags, and more than one document are errors: each would let two readers of
 * the same file see different policies.
 *
 * <p>This is the module's one home of a YAML parser factory (the house rule that keeps Jackson
 * factories in one place per kind of document).
 */
final class YamlTree {
  /** Policies are small; anything larger is a mistake (or an attack on the parser). */
  static final int MAX_BYTES = 1024 * 1024;

  private static final YAMLFactory FACTORY = YAMLFactory.builder()
      .loaderOptions(loaderOptions())
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build())
      .build();

  private YamlTree() {}

  /** A node: a mapping, a sequence or a scalar, with where it was. */
  abstract static class Node {
    final String path;
    final int line;

    Node(String path, int line) {
      this.path = path;
      this.line = line;
    }

    /** "line 12, rules[0].name" (or "line 1" for the document itself). */
    String where() {
      return "line " + line + (path.isEmpty() ? "" : ", " + path);
    }

    abstract String kind();
  }

  static final class MapNode extends Node {
    final Map<String, Node> fields;

    MapNode(String path, int line, Map<String, Node> fields) {
      super(path, line);
      this.fields = Collections.unmodifiableMap(fields);
    }

    @Override
    String kind() {
      return "a mapping";
    }
  }

  static final class ListNode extends Node {
    final List<Node> items;

    ListNode(String path, int line, List<Node> items) {
      super(path, line);
      this.items = List.copyOf(items);
    }

    @Override
    String kind() {
      return "a list";
    }
  }

  static final class Scalar extends Node {
    /** The text, or null for YAML null ({@code ~}, {@code null}, or nothing). */
    final String text;
    /** True when the YAML scalar was a string (quoted, or plain but not a number, boolean or null). */
    final boolean string;

    Scalar(String path, int line, String text, boolean string) {
      super(path, line);
      this.text = text;
      this.string = string;
    }

    @Override
    String kind() {
      return text == null ? "null" : string ? "a string" : "the value " + text;
    }
  }

  /**
   * Parses one YAML document.
   *
   * @throws PolicyException naming the line of the first syntax problem
   */
  static Node parse(byte[] yaml) throws PolicyException {
    if (yaml.length > MAX_BYTES) {
      throw new PolicyException("the policy has " + yaml.length + " bytes; at most " + MAX_BYTES + " are read");
    }
    try (YAMLParser p = (YAMLParser) FACTORY.createParser(yaml)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new PolicyException("the policy is empty");
      }
      Node root = read(p, "");
      JsonToken after = p.nextToken();
      if (after != null) {
        throw new PolicyException("line " + line(p) + ": the policy holds more than one YAML document; give one");
      }
      return root;
    } catch (IOException e) {
      String msg = e.getMessage() == null ? e.toString() : e.getMessage().split("\n", 2)[0];
      int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
          ? j.getLocation().getLineNr() : -1;
      throw new PolicyException((line > 0 ? "line " + line + ": " : "") + "the policy is not valid YAML: " + msg);
    }
  }

  private static Node read(YAMLParser p, String path) throws IOException, PolicyException {
    int line = line(p);
    if (p.isCurrentAlias()) {
      throw new PolicyException("line " + line + (path.isEmpty() ? "" : ", " + path)
          + ": YAML aliases (*name) are not supported in a policy; write the value out");
    }
    if (p.getObjectId() != null || p.getTypeId() != null) {
      throw new PolicyException("line " + line + (path.isEmpty() ? "" : ", " + path)
          + ": YAML anchors (&name) and tags (!tag) are not supported in a policy");
    }
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT: {
        Map<String, Node> fields = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          int keyLine = line(p);
          String childPath = path.isEmpty() ? key : path + "." + key;
          if (fields.containsKey(key)) {
            throw new PolicyException("line " + keyLine + ", " + childPath + ": the key '" + key
                + "' appears twice (first on line " + fields.get(key).line + ")");
          }
          p.nextToken();
          fields.put(key, read(p, childPath));
        }
        return new MapNode(path, line, fields);
      }
      case START_ARRAY: {
        List<Node> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(read(p, path + "[" + items.size() + "]"));
        }
        return new ListNode(path, line, items);
      }
      case VALUE_STRING:
        return new Scalar(path, line, p.getText(), true);
      case VALUE_NULL:
        return new Scalar(path, line, null, false);
      case VALUE_TRUE:
      case VALUE_FALSE:
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return new Scalar(path, line, p.getText(), false);
      default:
        throw new PolicyException("line " + line + (path.isEmpty() ? "" : ", " + path) + ": unexpected " + t);
    }
  }

  private static int line(JsonParser p) {
    return p.currentTokenLocation().getLineNr();
  }

  private static LoaderOptions loaderOptions() {
    LoaderOptions o = new LoaderOptions();
    o.setAllowDuplicateKeys(true); // reported here, with both lines
    o.setMaxAliasesForCollections(0);
    o.setCodePointLimit(MAX_BYTES);
    o.setAllowRecursiveKeys(false);
    return o;
  }
}
