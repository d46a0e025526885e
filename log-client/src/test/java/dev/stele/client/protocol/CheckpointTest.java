package dev.stele.client.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CheckpointTest {
  private static final Hash ROOT = Rfc6962.sha256("root".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

  /**
   * signed-note/checkpoint-body-parse.json: every case gives its expected result. Cases whose
   * root is not 32 bytes ("lenient_hash_length") are accepted upstream; this SHA-256-only
   * parser rejects them, as the set's PROVENANCE.md allows, and must say so.
   */
  @Test
  void parse_checkpointBodyVectors() {
    List<String> failures = new ArrayList<>();
    JsonNode cases = Vectors.json("signed-note/checkpoint-body-parse.json").get("cases");
    assertEquals(17, cases.size());
    for (JsonNode c : cases) {
      String body = c.get("body").asText();
      String id = body.replace("\n", "\\n");
      boolean ok = c.get("expect").asText().equals("ok");
      boolean lenient = c.path("lenient_hash_length").asBoolean(false);
      try {
        Checkpoint cp = Checkpoint.parse(body);
        if (!ok || lenient) {
          failures.add(id + ": parsed but expected an error");
          continue;
        }
        if (!cp.origin().equals(c.get("origin").asText()) || cp.size() != c.get("size").asLong()
            || !cp.root().base64().equals(c.get("hash_b64").asText())) {
          failures.add(id + ": wrong fields " + cp);
        }
        if (!cp.text().equals(body)) {
          failures.add(id + ": text() does not reproduce the body");
        }
      } catch (FormatException e) {
        if (ok && !lenient) {
          failures.add(id + ": unexpected error " + e.getMessage());
        } else if (lenient && !e.getMessage().contains("must be 32 bytes (SHA-256)")) {
          failures.add(id + ": rejected for the wrong reason: " + e.getMessage());
        } else if (!e.getMessage().startsWith("checkpoint: ")) {
          failures.add(id + ": message lacks context: " + e.getMessage());
        }
      }
    }
    assertEquals(List.of(), failures);
  }

  @Test
  void text_formatsAndParsesBack() throws Exception {
    Checkpoint cp = new Checkpoint(Checkpoint.rekorOrigin("127.0.0.1", 1193050959916656506L), 1340288195, ROOT);
    assertEquals("127.0.0.1 - 1193050959916656506\n1340288195\n" + ROOT.base64() + "\n", cp.text());
    assertEquals(cp, Checkpoint.parse(cp.text()));
    Checkpoint ext = new Checkpoint("example.com/log", 0, Rfc6962.EMPTY_ROOT, List.of("Timestamp: 1", "x y"));
    assertEquals("example.com/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nTimestamp: 1\nx y\n", ext.text());
    assertEquals(ext, Checkpoint.parse(ext.text()));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "leading zero|o\\n012\\nROOT\\n|has a leading zero: '012'",
      "plus sign|o\\n+12\\nROOT\\n|must be decimal digits",
      "empty size|o\\n\\nROOT\\n|line 2 (tree size) is empty",
      "overflow|o\\n9223372036854775808\\nROOT\\n|larger than 9223372036854775807",
      "blank extension|o\\n1\\nROOT\\n\\nx\\n|line 4 is empty",
      "no final newline|o\\n1\\nROOT|must end with a newline",
      "unpadded root|o\\n1\\nabc\\n|not a multiple of 4",
  })
  void parse_strictChecks(String name, String text, String expected) {
    String body = text.replace("\\n", "\n").replace("ROOT", ROOT.base64());
    FormatException e = assertThrows(FormatException.class, () -> Checkpoint.parse(body));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void constructor_rejectsWhatCannotBeWritten() {
    assertThrows(IllegalArgumentException.class, () -> new Checkpoint("", 1, ROOT));
    assertThrows(IllegalArgumentException.class, () -> new Checkpoint("a\nb", 1, ROOT));
    assertThrows(IllegalArgumentException.class, () -> new Checkpoint("a", -1, ROOT));
    assertThrows(IllegalArgumentException.class, () -> new Checkpoint("a", 1, ROOT, List.of("")));
  }
}
