package dev.stele.merkle.tiles;

import static dev.stele.merkle.TestVectors.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.merkle.TestVectors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code tlog-tiles/tile-paths.json}: path encoding, parsing, and the spec's size examples. */
class TilePathVectorsTest {
  private static final JsonNode V = TestVectors.json("tlog-tiles/tile-paths.json");

  @Test
  void tilePaths() throws TileFormatException {
    int count = 0;
    for (JsonNode c : V.get("tile_path")) {
      TileId id = new TileId(c.get("level").asInt(), c.get("index").asLong(), width(c));
      String path = c.get("path").asText();
      assertEquals(path, id.path());
      assertEquals(new TilePath(false, id), TilePath.parse(path));
      assertEquals(new TilePath(false, id), TilePath.parse("/" + path));
      count++;
    }
    report("tlog-tiles/tile-paths.json tile_path", count);
    assertEquals(6, count);
  }

  @Test
  void entriesPaths() throws TileFormatException {
    int count = 0;
    for (JsonNode c : V.get("entries_path")) {
      TileId id = new TileId(0, c.get("index").asLong(), width(c));
      String path = c.get("path").asText();
      assertEquals(path, id.entriesPath());
      TilePath parsed = TilePath.parse(path);
      assertTrue(parsed.entries(), path);
      assertEquals(id, parsed.tile());
      assertEquals(path, parsed.path());
      count++;
    }
    for (JsonNode c : V.get("entries_path_for_log_index")) {
      long seq = c.get("seq").asLong();
      long size = c.get("log_size").asLong();
      assertEquals(c.get("path").asText(),
          TileId.atSize(0, seq >>> TileId.HEIGHT, size).entriesPath(), "entry " + seq + " of " + size);
      count++;
    }
    report("tlog-tiles/tile-paths.json entries_path + entries_path_for_log_index", count);
    assertEquals(4 + 7, count);
  }

  @Test
  void parseLevelAndIndex() {
    int count = 0;
    List<String> failures = new ArrayList<>();
    for (JsonNode c : V.get("parse_level_and_index")) {
      String path = "tile/" + c.get("level").asText() + "/" + c.get("index").asText();
      try {
        TilePath p = TilePath.parse(path);
        if (!c.get("expect").asText().equals("ok")) {
          failures.add(path + ": parsed as " + p.tile() + ", must fail");
        } else if (p.level() != c.get("want_level").asInt()
            || p.index() != c.get("want_index").asLong()
            || p.width() != (c.get("want_width").asInt() == 0 ? 256 : c.get("want_width").asInt())
            || p.entries()) {
          failures.add(path + ": parsed as " + p + ", want " + c);
        }
      } catch (TileFormatException e) {
        if (c.get("expect").asText().equals("ok")) {
          failures.add(path + ": " + e.getMessage());
        } else if (!e.getMessage().contains(path)) {
          failures.add(path + ": message does not name the path: " + e.getMessage());
        }
      }
      count++;
    }
    report("tlog-tiles/tile-paths.json parse_level_and_index", count);
    assertEquals(19, count);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void moreMalformedPaths() {
    for (String bad : new String[] {
        "", "tile", "tile/", "tile/0", "tile/00/000", "tile/0/000.p/0", "tile/0/000.p/01",
        "tile/0/000/", "tile/0/x000/001", "tile/entries/0/000", "tile/entries/000.p/256",
        "tiles/0/000", "tile/0/000.p/5/x", "tile/0/0a0", "tile/1/000.p/+5", "//tile/0/000"}) {
      TileFormatException e = assertThrows(TileFormatException.class, () -> TilePath.parse(bad), bad);
      assertTrue(e.getMessage().startsWith("tile path '" + bad + "'"), e.getMessage());
    }
  }

  @Test
  void specExamples() {
    JsonNode ex = V.get("spec_examples");
    JsonNode s70k = ex.get("tree_size_70000");
    List<TileId> edge = TileMath.rightEdge(70_000);
    assertEquals(List.of(
        pathOf(s70k.get("partial_level0")), pathOf(s70k.get("partial_level1")),
        pathOf(s70k.get("partial_level2"))), paths(edge));
    assertEquals(s70k.get("partial_level0").get("width").asInt(), edge.get(0).width());
    assertEquals(s70k.get("partial_level1").get("width").asInt(), edge.get(1).width());
    assertEquals(s70k.get("partial_level2").get("width").asInt(), edge.get(2).width());
    assertEquals(s70k.get("full_level0_tiles").asLong(), fullTiles(0, 70_000));
    assertEquals(s70k.get("full_level1_tiles").asLong(), fullTiles(1, 70_000));
    assertEquals(0, fullTiles(2, 70_000));

    JsonNode s256 = ex.get("tree_size_256");
    assertEquals(s256.get("full_level0_tiles").asLong(), fullTiles(0, 256));
    assertEquals(List.of(pathOf(s256.get("partial_level1"))), paths(TileMath.rightEdge(256)));
    assertTrue(TileId.atSize(0, 0, 256).isFull());
    assertThrows(IllegalArgumentException.class, () -> TileId.atSize(0, 1, 256));
    assertThrows(IllegalArgumentException.class, () -> TileId.atSize(2, 0, 65_535));
    report("tlog-tiles/tile-paths.json spec_examples", 2);
  }

  private static long fullTiles(int level, long size) {
    long n = 0;
    for (long i = 0; ; i++) {
      TileId id;
      try {
        id = TileId.atSize(level, i, size);
      } catch (IllegalArgumentException e) {
        return n;
      }
      if (id.isFull()) {
        n++;
      }
    }
  }

  private static String pathOf(JsonNode c) {
    return c.get("path").asText();
  }

  private static List<String> paths(List<TileId> ids) {
    List<String> out = new ArrayList<>();
    for (TileId id : ids) {
      out.add(id.path());
    }
    return out;
  }

  private static int width(JsonNode c) {
    int w = c.get("partial_width").asInt();
    return w == 0 ? TileId.FULL_WIDTH : w;
  }
}
