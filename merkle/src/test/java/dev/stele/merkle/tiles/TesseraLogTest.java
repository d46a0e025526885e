package dev.stele.merkle.tiles;

import static dev.stele.merkle.TestVectors.report;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.TestVectors;
import dev.stele.merkle.proof.ProofException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The 15-entry tiled log in {@code tlog-tiles/tessera-testdata-log}, built by another
 * implementation one entry at a time: every entry bundle, every hash tile and every checkpoint root
 * recomputed from the entries, and every proof between its checkpoints built from its tiles.
 */
class TesseraLogTest {
  private static final String LOG = "tlog-tiles/tessera-testdata-log/";
  /** The entries, as the folder README lists them (upstream's spellings). */
  private static final String[] WORDS = ("one two three four five six seven eit nain ten ileven"
      + " twelf threeten fourten fivten").split(" ");

  /** Reads tiles from the log's files, as a monitor would over HTTP. */
  private static final TileReader FILES = ids -> {
    List<HashTile> out = new ArrayList<>();
    for (TileId id : ids) {
      try {
        out.add(HashTile.decode(id, Files.readAllBytes(TestVectors.path(LOG + id.path()))));
      } catch (TileFormatException e) {
        throw new IOException(e);
      }
    }
    return out;
  };

  @Test
  void bundlesTilesAndCheckpointsFromTheEntries() throws Exception {
    int bundles = 0;
    int tiles = 0;
    int checkpoints = 0;
    List<Hash> leafHashes = new ArrayList<>();
    TileStore store = new TileStore();
    assertEquals(Rfc6962.EMPTY_ROOT, checkpointRoot(0, 0));
    checkpoints++;
    for (int n = 1; n <= WORDS.length; n++) {
      TileId id = new TileId(0, 0, n);
      byte[] bundle = TestVectors.bytes(LOG + id.entriesPath());
      List<byte[]> entries = EntryBundle.decode(bundle);
      assertEquals(n, entries.size(), id.entriesPath());
      for (int i = 0; i < n; i++) {
        assertEquals(WORDS[i], new String(entries.get(i), StandardCharsets.US_ASCII), id.entriesPath());
      }
      assertArrayEquals(bundle, EntryBundle.encode(entries), "re-encoded " + id.entriesPath());
      bundles++;

      Hash leaf = Rfc6962.hashLeaf(entries.get(n - 1));
      leafHashes.add(leaf);
      TreeIntegrator.Integration r = TreeIntegrator.integrate(store, n - 1, List.of(leaf));
      byte[] tile = TestVectors.bytes(LOG + id.path());
      assertEquals(List.of(id), List.copyOf(r.changedTiles().keySet()), "changed at size " + n);
      assertArrayEquals(tile, r.changedTiles().get(id).encode(), id.path());
      assertEquals(HashTile.of(leafHashes), HashTile.decode(id, tile), id.path());
      tiles++;
      store.apply(r);

      assertEquals(checkpointRoot(n, n), r.root(), "root of checkpoint." + n);
      assertEquals(checkpointRoot(n, n), TileProofBuilder.root(FILES, n), "root from tiles, size " + n);
      checkpoints++;
    }
    // All at once gives the same last tile and root.
    TreeIntegrator.Integration all = TreeIntegrator.integrate(new TileStore(), 0, leafHashes);
    assertEquals(checkpointRoot(15, 15), all.root());
    assertArrayEquals(TestVectors.bytes(LOG + "tile/0/000.p/15"),
        all.changedTiles().get(new TileId(0, 0, 15)).encode());
    assertArrayEquals(TestVectors.bytes(LOG + "checkpoint.15"), TestVectors.bytes(LOG + "checkpoint"));

    report("tlog-tiles/tessera-testdata-log entry bundles", bundles);
    report("tlog-tiles/tessera-testdata-log hash tiles", tiles);
    report("tlog-tiles/tessera-testdata-log checkpoints", checkpoints);
  }

  @Test
  void everyProofBetweenCheckpointsFromTheTiles() throws IOException, ProofException {
    int inclusions = 0;
    int consistencies = 0;
    for (int n = 1; n <= WORDS.length; n++) {
      Hash root = checkpointRoot(n, n);
      for (int i = 0; i < n; i++) {
        Hash leaf = Rfc6962.hashLeaf(WORDS[i].getBytes(StandardCharsets.US_ASCII));
        TileProofBuilder.inclusion(FILES, i, n).verify(leaf, root);
        inclusions++;
      }
      for (int m = 1; m <= n; m++) {
        TileProofBuilder.consistency(FILES, m, n).verify(checkpointRoot(m, m), root);
        consistencies++;
      }
    }
    report("tlog-tiles/tessera-testdata-log inclusion proofs (index < size <= 15)", inclusions);
    report("tlog-tiles/tessera-testdata-log consistency proofs (1 <= a <= b <= 15)", consistencies);
  }

  /** The root line of checkpoint.N (origin, size, base64 root, blank, signatures). */
  private static Hash checkpointRoot(int n, long wantSize) throws IOException {
    Path p = TestVectors.path(LOG + "checkpoint." + n);
    List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
    assertEquals("example.com/log/testdata", lines.get(0), p.toString());
    assertEquals(wantSize, Long.parseLong(lines.get(1)), "size in " + p);
    return Hash.fromBase64(lines.get(2));
  }
}
