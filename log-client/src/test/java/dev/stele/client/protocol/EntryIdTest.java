package dev.stele.client.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.util.Base64;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class EntryIdTest {
  /** The real production response is keyed by the 80-digit ID of its leaf in tree 3904496407287907110. */
  @Test
  void parse_realEntryId_matchesLeafHashOfBody() throws Exception {
    JsonNode response = Vectors.json("rekor-public-good/api-responses/production-jar-entry.json");
    Map.Entry<String, JsonNode> e = response.fields().next();
    EntryId id = EntryId.parse(e.getKey());
    assertEquals(OptionalLong.of(3904496407287907110L), id.treeId());
    Hash leaf = Rfc6962.hashLeaf(Base64.getDecoder().decode(e.getValue().get("body").asText()));
    assertEquals(leaf, id.uuid());
    assertEquals(e.getKey(), id.toString());
    assertEquals(e.getKey(), EntryId.of(3904496407287907110L, leaf).toString());
    assertEquals("362f8ecba72f4326", EntryId.treeIdHex(3904496407287907110L));
    assertEquals(leaf.hex(), EntryId.parse(leaf.hex()).toString());
    assertEquals(leaf.hex(), id.uuidHex());
  }

  @Test
  void parse_upperCase_normalizes() throws Exception {
    String hex = Rfc6962.EMPTY_ROOT.hex();
    EntryId id = EntryId.parse("000000000000002A" + hex.toUpperCase());
    assertEquals(OptionalLong.of(42), id.treeId());
    assertEquals("000000000000002a" + hex, id.toString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "63 digits|63|an entry ID is 64 hex digits (UUID) or 80 hex digits (16-digit tree ID and UUID), got 63 characters",
      "81 digits|81|got 81 characters",
      "non-hex uuid|g|must be hexadecimal, found 'g' at position 0",
      "tree ID too large|tree|above 2^63-1",
      "non-hex tree|xtree|tree ID of entry ID must be hexadecimal",
  })
  void parse_malformed_throws(String name, String kind, String expected) {
    String hex = Rfc6962.EMPTY_ROOT.hex();
    String id;
    switch (kind) {
      case "g":
        id = "g" + hex.substring(1);
        break;
      case "tree":
        id = "8000000000000000" + hex;
        break;
      case "xtree":
        id = "00000000000000x0" + hex;
        break;
      default:
        id = "a".repeat(Integer.parseInt(kind));
    }
    FormatException e = assertThrows(FormatException.class, () -> EntryId.parse(id));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void negativeTreeId_rejected() {
    assertThrows(IllegalArgumentException.class, () -> EntryId.treeIdHex(-1));
    assertThrows(IllegalArgumentException.class, () -> EntryId.of(-1, Rfc6962.EMPTY_ROOT));
  }

  /** A JSON null in entryUUIDs or a search answer (found by RekorJsonFuzzTest#retrieveRequest). */
  @Test
  void parse_null_throwsFormatException() {
    FormatException e = assertThrows(FormatException.class, () -> EntryId.parse(null));
    assertEquals("an entry ID is missing (null)", e.getMessage());
  }
}
