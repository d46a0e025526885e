package dev.stele.client.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JcsTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static String canonical(String json) throws Exception {
    return new String(Jcs.canonicalize(JSON.readTree(json)), StandardCharsets.UTF_8);
  }

  /**
   * RFC 8785 section 3.2.3 (sorting of object properties): the input object and the property
   * order the RFC lists; the values are the RFC's, the expected bytes are its output line.
   */
  @Test
  void canonicalize_rfc8785Section323Sorting() throws Exception {
    String input = "{\n"
        + "  \"\\u20ac\": \"Euro Sign\",\n"
        + "  \"\\r\": \"Carriage Return\",\n"
        + "  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n"
        + "  \"1\": \"One\",\n"
        + "  \"\\ud83d\\ude00\": \"Emoji: Grinning Face\",\n"
        + "  \"\\u0080\": \"Control\",\n"
        + "  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"\n"
        + "}";
    String expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
        + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
        + "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}";
    assertEquals(expected, canonical(input));
  }

  /**
   * RFC 8785 section 3.2.2 example, without its "numbers" member (non-integral numbers are
   * rejected on purpose; see {@link #canonicalize_rfc8785NumbersMember_rejected}): string
   * escaping and literals.
   */
  @Test
  void canonicalize_rfc8785Section322StringsAndLiterals() throws Exception {
    String input = "{\n  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
        + "  \"literals\": [null, true, false]\n}";
    String expected = "{\"literals\":[null,true,false],\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
    assertEquals(expected, canonical(input));
  }

  @Test
  void canonicalize_rfc8785NumbersMember_rejected() throws Exception {
    JsonNode numbers = JSON.readTree(
        "{\"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001]}");
    FormatException e = assertThrows(FormatException.class, () -> Jcs.canonicalize(numbers));
    assertTrue(e.getMessage().contains("non-integral number 3.33333333333333"), e.getMessage());
    FormatException big = assertThrows(FormatException.class, () -> canonical("[1E30]"));
    assertTrue(big.getMessage().contains("beyond ±2^53"), big.getMessage());
  }

  @Test
  void canonicalize_integers() throws Exception {
    assertEquals("[0,0,-1,9007199254740992,-9007199254740992,1,100]",
        canonical("[0, -0, -1, 9007199254740992, -9007199254740992, 1.0, 1e2]"));
    assertThrows(FormatException.class, () -> canonical("[9007199254740993]"));
    assertThrows(FormatException.class, () -> canonical("[0.5]"));
  }

  @Test
  void canonicalize_controlCharactersAndNonAscii() throws Exception {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("s", "\u0000\u0001\u001f\u007f\b\f\t\u2028\u00e9/");
    assertEquals("{\"s\":\"\\u0000\\u0001\\u001f\u007f\\b\\f\\t\u2028\u00e9/\"}",
        new String(Jcs.canonicalize(o), StandardCharsets.UTF_8));
    // U+2028 and U+00E9 are written as UTF-8, not escaped.
    byte[] bytes = Jcs.canonicalize(JsonNodeFactory.instance.textNode("\u2028\u00e9"));
    assertArrayEquals(new byte[] {'"', (byte) 0xe2, (byte) 0x80, (byte) 0xa8, (byte) 0xc3, (byte) 0xa9, '"'}, bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\ud800", "a\udc00b", "\ud83d"})
  void canonicalize_loneSurrogate_throws(String s) {
    FormatException e = assertThrows(FormatException.class,
        () -> Jcs.canonicalize(JsonNodeFactory.instance.textNode(s)));
    assertTrue(e.getMessage().startsWith("lone surrogate"), e.getMessage());
  }

  @Test
  void canonicalize_nestedStructuresAndWhitespace() throws Exception {
    assertEquals("{\"a\":{\"b\":[],\"c\":{}},\"b\":[{\"x\":\"y\",\"y\":null}]}",
        canonical(" { \"b\" : [ { \"y\" : null , \"x\" : \"y\" } ] , \"a\" : { \"c\" : { } , \"b\" : [ ] } } "));
  }

  /**
   * Every entry body Rekor logged (bundles' canonicalizedBody, REST responses' body) is already
   * RFC 8785 canonical: parsing and re-canonicalizing must give the same bytes.
   */
  @Test
  void canonicalize_realRekorBodies_areFixedPoints() throws Exception {
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (byte[] body : realBodies()) {
      checked++;
      byte[] again = Jcs.canonicalize(JSON.readTree(body));
      if (!java.util.Arrays.equals(body, again)) {
        failures.add(new String(body, StandardCharsets.UTF_8).substring(0, 80));
      }
    }
    assertTrue(checked >= 40, "too few bodies found: " + checked);
    assertEquals(List.of(), failures);
  }

  /** The decoded canonical bodies of every bundle and REST response in rekor-public-good. */
  static List<byte[]> realBodies() throws Exception {
    List<byte[]> bodies = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Vectors.path("rekor-public-good/bundles"))) {
      for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".sigstore.json")).sorted()::iterator) {
        for (JsonNode e : JSON.readTree(p.toFile()).path("verificationMaterial").path("tlogEntries")) {
          byte[] body = Base64.getDecoder().decode(e.get("canonicalizedBody").asText());
          if (body.length > 30) { // one negative case carries a truncated body
            bodies.add(body);
          }
        }
      }
    }
    for (String f : new String[] {"production-jar-entry.json", "staging-hashedrekord-entry.json",
        "staging-entry-no-inclusion-proof.json"}) {
      JsonNode r = Vectors.json("rekor-public-good/api-responses/" + f);
      for (Iterator<JsonNode> it = r.elements(); it.hasNext(); ) {
        bodies.add(Base64.getDecoder().decode(it.next().get("body").asText()));
      }
    }
    return bodies;
  }
}
