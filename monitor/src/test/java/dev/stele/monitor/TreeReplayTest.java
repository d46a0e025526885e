package dev.stele.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.merkle.CompactRange;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileId;
import dev.stele.merkle.tiles.TileReader;
import dev.stele.merkle.tiles.TreeIntegrator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The monitor's replay of a tree: roots against an independently kept compact range, full tiles
 * handed out once, the saved edge restored (and refused when it does not give the saved root), and
 * the edge read from the log's tiles on the first step only.
 */
class TreeReplayTest {
  private static List<Hash> leaves(int from, int n) {
    List<Hash> out = new ArrayList<>(n);
    for (int i = from; i < from + n; i++) {
      out.add(Rfc6962.hashLeaf(ByteBuffer.allocate(4).putInt(i).array()));
    }
    return out;
  }

  /** The latest version of every tile of a tree grown from empty, as a log serves them. */
  private static final class Tiles implements TileReader {
    final Map<String, HashTile> byTile = new HashMap<>();
    int reads;

    void apply(TreeIntegrator.Integration in) {
      for (Map.Entry<TileId, HashTile> t : in.changedTiles().entrySet()) {
        byTile.put(t.getKey().level() + "/" + t.getKey().index(), t.getValue());
      }
    }

    @Override
    public List<HashTile> readTiles(List<TileId> ids) throws IOException {
      reads++;
      List<HashTile> out = new ArrayList<>();
      for (TileId id : ids) {
        HashTile t = byTile.get(id.level() + "/" + id.index());
        if (t == null) throw new IOException("no " + id.path());
        out.add(t);
      }
      return out;
    }
  }

  @Test
  void append_givesTheRootOfTheCompactRange_andEveryFullTileOnce() throws IOException {
    TreeReplay r = TreeReplay.empty();
    CompactRange range = CompactRange.empty(0);
    Map<TileId, HashTile> full = new LinkedHashMap<>();
    int size = 0;
    for (int k : new int[] {1, 254, 1, 300, 65_000, 17, 0, 600}) {
      List<Hash> batch = leaves(size, k);
      for (Map.Entry<TileId, HashTile> t : r.append(batch).entrySet()) {
        assertTrue(t.getKey().isFull(), t.getKey().path());
        assertNull(full.put(t.getKey(), t.getValue()), "handed out twice: " + t.getKey());
      }
      for (Hash h : batch) range.append(h, null);
      size += k;
      assertEquals(size, r.size());
      assertEquals(range.root(), r.root(), "root of size " + size);
    }
    // 66,173 leaves: 258 full data tiles and one full level 1 tile.
    assertEquals(258 + 1, full.size());
    assertEquals(size % 256, r.dataTile().width());
  }

  @Test
  void restore_ofTheSavedEdge_continuesLikeTheOriginal() throws IOException {
    TreeReplay r = TreeReplay.empty();
    r.append(leaves(0, 70_000));
    TreeReplay again = TreeReplay.restore(r.size(), r.root(), r.encodeEdge());
    assertEquals(r.root(), again.root());
    assertEquals(r.encodeEdge(), again.encodeEdge());
    r.append(leaves(70_000, 999));
    again.append(leaves(70_000, 999));
    assertEquals(r.root(), again.root());
  }

  @Test
  void restore_refusesAnEdgeThatLacksATile_isMalformed_orGivesAnotherRoot() throws IOException {
    TreeReplay r = TreeReplay.empty();
    r.append(leaves(0, 600));
    Map<String, String> saved = r.encodeEdge();

    IOException e = assertThrows(IOException.class,
        () -> TreeReplay.restore(600, r.root(), Map.of("tile/1/000.p/2", saved.get("tile/1/000.p/2"))));
    assertTrue(e.getMessage().contains("lacks tile/0/002.p/88"), e.getMessage());

    Map<String, String> bad = new LinkedHashMap<>(saved);
    bad.put("tile/0/002.p/88", "AAAA");
    e = assertThrows(IOException.class, () -> TreeReplay.restore(600, r.root(), bad));
    assertTrue(e.getMessage().contains("malformed"), e.getMessage());

    Hash other = Rfc6962.hashLeaf(new byte[] {1});
    e = assertThrows(IOException.class, () -> TreeReplay.restore(600, other, saved));
    assertTrue(e.getMessage().contains("gives root " + r.root().hex()), e.getMessage());
  }

  @Test
  void fromTiles_readsTheLogsEdgeOnce_onTheFirstAppend() throws IOException {
    Tiles log = new Tiles();
    log.apply(TreeIntegrator.integrate(log, 0, leaves(0, 1000)));
    TreeReplay r = TreeReplay.fromTiles(1000, log);
    assertEquals(1000, r.size());
    assertNull(r.root(), "no root before the edge is read");
    assertEquals(Map.of(), r.encodeEdge());
    assertEquals(0, log.reads);

    r.append(leaves(1000, 10));
    r.append(leaves(1010, 10));
    assertEquals(1, log.reads, "the log's tiles are read for the first step only");
    TreeReplay own = TreeReplay.empty();
    own.append(leaves(0, 1020));
    assertEquals(own.root(), r.root());

    TreeReplay missing = TreeReplay.fromTiles(5000, log);
    assertThrows(IOException.class, () -> missing.append(leaves(5000, 1)));
  }
}
