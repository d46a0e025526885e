package dev.stele.server.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.proof.InclusionProof;
import dev.stele.merkle.proof.ProofVerifier;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileId;
import dev.stele.merkle.tiles.TileProofBuilder;
import dev.stele.merkle.tiles.TileReader;
import dev.stele.server.log.LogIdentity;
import dev.stele.server.log.StoredEntry;
import dev.stele.server.log.TreeState;
import dev.stele.server.sequencer.Batch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksLogStoreTest {
  @TempDir Path dir;

  private static byte[] body(long i) {
    return ("{\"entry\":" + i + "}").getBytes(StandardCharsets.UTF_8);
  }

  private static Batch batch(long from, int n, String searchKey, TreeState state) {
    List<Batch.Appended> entries = new ArrayList<>();
    for (long i = from; i < from + n; i++) {
      entries.add(new Batch.Appended(new StoredEntry(i, 1000 + i, new byte[] {(byte) i, 7}, body(i)),
          Rfc6962.hashLeaf(body(i)), List.of(searchKey, "idx:" + i)));
    }
    List<Hash> row = new ArrayList<>();
    for (long i = 0; i < from + n; i++) row.add(Rfc6962.hashLeaf(body(i)));
    return new Batch(entries, Map.of(new TileId(0, 0, row.size()), HashTile.of(row)), state);
  }

  /** Every index filed under {@code key} from {@code from} on, through a cursor. */
  static List<Long> scan(RocksLogStore s, String key, long from) throws Exception {
    List<Long> out = new ArrayList<>();
    try (RocksLogStore.SearchCursor c = s.searchCursor(key)) {
      for (long i = c.seek(from); i >= 0; i = c.seek(i + 1)) out.add(i);
    }
    return out;
  }

  /**
   * A full tile is stored with its block roots, and read back with them after a reopen (nothing
   * cached): proofs through it are the ones the tile's rebuilt interior gives, and verify.
   */
  @Test
  void fullTiles_keepTheirBlockRoots_andProofsThroughThemAreUnchanged() throws Exception {
    int n = 300;
    List<Batch.Appended> entries = new ArrayList<>();
    List<Hash> leaves = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      leaves.add(Rfc6962.hashLeaf(body(i)));
      entries.add(new Batch.Appended(new StoredEntry(i, 1000 + i, new byte[] {7}, body(i)), leaves.get((int) i), List.of()));
    }
    HashTile full = HashTile.of(leaves.subList(0, 256));
    List<Hash> level = new ArrayList<>();
    byte[] roots = full.blockRoots();
    for (int b = 0; b < HashTile.BLOCKS; b++) level.add(Hash.of(roots, b * Hash.SIZE));
    while (level.size() > 1) {
      List<Hash> up = new ArrayList<>();
      for (int i = 0; i < level.size(); i += 2) up.add(Rfc6962.hashChildren(level.get(i), level.get(i + 1)));
      level = up;
    }
    Map<TileId, HashTile> tiles = Map.of(
        new TileId(0, 0, 256), full,
        new TileId(0, 1, n - 256), HashTile.of(leaves.subList(256, n)),
        new TileId(1, 0, 1), HashTile.of(level));
    try (RocksLogStore s = RocksLogStore.open(dir)) {
      s.commit(new Batch(entries, tiles, new TreeState(n, leaves.get(0), 1000, "origin\n300\nroot\n\n— sig\n")));
    }
    try (RocksLogStore s = RocksLogStore.open(dir)) {
      List<HashTile> read = s.readTiles(List.of(new TileId(0, 0, 256), new TileId(0, 1, n - 256), new TileId(1, 0, 1)));
      assertTrue(read.get(0).hasBlockRoots(), "the full tile comes back with its block roots");
      assertArrayEquals(roots, read.get(0).blockRoots());
      assertTrue(!read.get(1).hasBlockRoots() && !read.get(2).hasBlockRoots(), "partial tiles have none");
      // The same stored tiles without their block roots: every interior node rebuilt.
      TileReader rebuilt = ids -> {
        List<HashTile> out = new ArrayList<>();
        for (HashTile t : s.readTiles(ids)) {
          List<Hash> row = new ArrayList<>();
          for (int j = 0; j < t.width(); j++) row.add(t.get(j));
          out.add(HashTile.of(row));
        }
        return out;
      };
      Hash root = TileProofBuilder.root(rebuilt, n);
      for (long i = 0; i < n; i++) {
        InclusionProof p = TileProofBuilder.inclusion(s, i, n);
        assertEquals(TileProofBuilder.inclusion(rebuilt, i, n), p, "entry " + i);
        ProofVerifier.verifyInclusion(i, n, leaves.get((int) i), p.hashes(), root);
      }
    }
  }

  @Test
  void commit_thenReadEverythingBack_alsoAfterReopen() throws Exception {
    TreeState state = new TreeState(3, Rfc6962.hashLeaf(new byte[] {9}), 1002, "origin\n3\nroot\n\n— sig\n");
    LogIdentity id = new LogIdentity(42, Rfc6962.hashLeaf(new byte[] {1}));
    try (RocksLogStore s = RocksLogStore.open(dir)) {
      assertTrue(s.treeState().isEmpty());
      assertTrue(s.identity().isEmpty());
      assertEquals(-1, s.lastEntryIndex());
      s.createIdentity(id);
      assertThrows(StorageException.class, () -> s.createIdentity(id));
      s.commit(batch(0, 3, "sha256:abc", state));
    }
    try (RocksLogStore s = RocksLogStore.open(dir)) {
      assertEquals(id, s.identity().orElseThrow());
      assertEquals(state, s.treeState().orElseThrow());
      assertEquals(2, s.lastEntryIndex());
      StoredEntry e1 = s.entry(1).orElseThrow();
      assertEquals(1001, e1.integratedTime());
      assertArrayEquals(body(1), e1.body());
      assertArrayEquals(new byte[] {1, 7}, e1.set());
      assertTrue(s.entry(3).isEmpty());
      assertArrayEquals(new long[] {2, -1, 0},
          s.findIndexes(List.of(Rfc6962.hashLeaf(body(2)), Rfc6962.hashLeaf(body(5)), Rfc6962.hashLeaf(body(0)))));
      assertEquals(1, s.findIndex(Rfc6962.hashLeaf(body(1))));
      assertEquals(List.of(0L, 1L, 2L), scan(s, "sha256:abc", 0));
      assertEquals(List.of(1L, 2L), scan(s, "sha256:abc", 1));
      assertEquals(List.of(), scan(s, "sha256:ab", 0), "a prefix of a key is not the key");
      assertEquals(List.of(1L), scan(s, "idx:1", 0));
      try (RocksLogStore.SearchCursor c = s.searchCursor("sha256:abc")) {
        assertEquals(1, c.seek(1));
        assertEquals(Rfc6962.hashLeaf(body(1)), c.leafHash(), "the row carries the entry's leaf hash");
        assertEquals(1, c.seek(0), "a cursor does not move back");
        assertEquals(-1, c.seek(3));
        assertEquals(-1, c.seek(1), "nor past its end");
      }
      assertEquals(List.of(1L, 2L), s.entries(1, 10).stream().map(StoredEntry::index).toList());
      HashTile t = s.readTiles(List.of(new TileId(0, 0, 2))).get(0);
      assertEquals(3, t.width(), "a stored tile is returned at its newest width");
      assertEquals(Rfc6962.hashLeaf(body(2)), t.get(2));
      assertThrows(StorageException.class, () -> s.readTiles(List.of(new TileId(0, 0, 4))));
      assertThrows(StorageException.class, () -> s.readTiles(List.of(new TileId(1, 0, 1))));
    }
  }

  @Test
  void laterCommit_replacesTreeStateAndGrowsTile() throws Exception {
    try (RocksLogStore s = RocksLogStore.open(dir)) {
      TreeState a = new TreeState(2, Rfc6962.EMPTY_ROOT, 1001, "a");
      TreeState b = new TreeState(5, Rfc6962.EMPTY_ROOT, 1004, "b");
      s.commit(batch(0, 2, "k", a));
      s.commit(batch(2, 3, "k", b));
      assertEquals(b, s.treeState().orElseThrow());
      assertEquals(5, s.tile(0, 0).width());
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L), scan(s, "k", 0));
      assertEquals(4, s.lastEntryIndex());
    }
  }
}
