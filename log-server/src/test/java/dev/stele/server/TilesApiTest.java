package dev.stele.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.protocol.Checkpoint;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.proof.InclusionProof;
import dev.stele.merkle.proof.ProofVerifier;
import dev.stele.merkle.tiles.EntryBundle;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileId;
import dev.stele.merkle.tiles.TileMath;
import dev.stele.merkle.tiles.TileProofBuilder;
import dev.stele.merkle.tiles.TileReader;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tlog-tiles face: a reader that knows only the tiles API and the log key rebuilds the
 * signed root, proves inclusion of every entry bundle's entries, and gets cache headers right.
 */
class TilesApiTest {
  @TempDir static Path dir;
  static TestServer log;
  static final int ENTRIES = 600; // two full data tiles and a partial one

  @BeforeAll
  static void fill() throws Exception {
    fill(TestServer.start(dir));
  }

  /** Starts the suite on {@code server}: {@value #ENTRIES} entries, all answered 201. */
  static void fill(TestServer server) throws Exception {
    log = server;
    Proposals signer = new Proposals();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<HttpResponse<String>>> fs = new ArrayList<>();
      for (int i = 0; i < ENTRIES; i++) {
        String p = signer.hashedRekord(Proposals.artifact("tiles " + i));
        fs.add(pool.submit(() -> log.post("/api/v1/log/entries", p)));
      }
      for (Future<HttpResponse<String>> f : fs) assertEquals(201, f.get().statusCode());
    } finally {
      pool.shutdownNow();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    log.audit();
    log.close();
  }

  /** Reads tiles over HTTP, exactly at the width a tree of the given size has. */
  private static TileReader http() {
    return ids -> {
      List<HashTile> out = new ArrayList<>();
      for (TileId id : ids) {
        try {
          HttpResponse<byte[]> r = log.getBytes("/" + id.path());
          if (r.statusCode() != 200) throw new IOException(id.path() + ": " + r.statusCode());
          out.add(HashTile.decode(id, r.body()));
        } catch (IOException e) {
          throw e;
        } catch (Exception e) {
          throw new IOException(e);
        }
      }
      return out;
    };
  }

  @Test
  void checkpoint_isSignedAndNotCached() throws Exception {
    HttpResponse<String> r = log.get("/checkpoint");
    assertEquals(200, r.statusCode());
    assertEquals("no-cache", r.headers().firstValue("Cache-Control").orElseThrow());
    assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
    assertEquals(ENTRIES, log.checkpoint().size());
  }

  @Test
  void tilesReproduceTheSignedRoot_andProveEveryEntryOfEveryBundle() throws Exception {
    Checkpoint cp = log.checkpoint();
    assertEquals(cp.root(), TileProofBuilder.root(http(), cp.size()));
    for (long bundle = 0; bundle < TileMath.tileCount(0, cp.size()); bundle++) {
      TileId id = TileId.atSize(0, bundle, cp.size());
      HttpResponse<byte[]> r = log.getBytes("/" + id.entriesPath());
      assertEquals(200, r.statusCode(), id.entriesPath());
      List<byte[]> entries = EntryBundle.decode(r.body());
      assertEquals(id.width(), entries.size());
      for (int i = 0; i < entries.size(); i++) {
        long index = TileMath.firstIndex(id) + i;
        Hash leaf = Rfc6962.hashLeaf(entries.get(i));
        InclusionProof p = TileProofBuilder.inclusion(http(), index, cp.size());
        ProofVerifier.verifyInclusion(index, cp.size(), leaf, p.hashes(), cp.root());
      }
    }
  }

  @Test
  void fullTilesAreImmutable_partialOnesToo_andOlderPartialWidthsAreServed() throws Exception {
    HttpResponse<byte[]> full = log.getBytes("/tile/0/000");
    assertEquals(200, full.statusCode());
    assertEquals(256 * 32, full.body().length);
    assertTrue(full.headers().firstValue("Cache-Control").orElseThrow().contains("immutable"));
    assertEquals("application/octet-stream", full.headers().firstValue("Content-Type").orElseThrow());
    // Served again from the in-memory cache: same bytes.
    assertArrayEquals(full.body(), log.getBytes("/tile/0/000").body());

    int partialWidth = ENTRIES - 512;
    HttpResponse<byte[]> partial = log.getBytes("/tile/0/002.p/" + partialWidth);
    assertEquals(200, partial.statusCode());
    assertEquals(partialWidth * 32, partial.body().length);
    HttpResponse<byte[]> older = log.getBytes("/tile/0/002.p/5");
    assertEquals(200, older.statusCode());
    assertArrayEquals(java.util.Arrays.copyOf(partial.body(), 5 * 32), older.body(), "a partial tile is a prefix");
    HttpResponse<byte[]> level1 = log.getBytes("/tile/1/000.p/2");
    assertEquals(200, level1.statusCode());
    assertEquals(64, level1.body().length);
    HttpResponse<byte[]> bundle = log.getBytes("/tile/entries/000");
    assertEquals(200, bundle.statusCode());
    assertTrue(bundle.headers().firstValue("Cache-Control").orElseThrow().contains("immutable"));
  }

  @Test
  void tilesBeyondTheTreeAndBadPaths_404_neverA5xx() throws Exception {
    String maxIndex = "x009/x223/x372/x036/x854/x775/807"; // Long.MAX_VALUE
    List<String> failures = new ArrayList<>();
    for (String p : List.of("/tile/0/002", "/tile/0/003", "/tile/0/002.p/" + (ENTRIES - 511), "/tile/1/000",
        "/tile/2/000.p/1", "/tile/entries/002", "/tile/entries/009.p/3", "/tile/0/2", "/tile/x/000",
        "/tile/0/000.p/0", "/tile/0/000.p/256", "/tile/0/x001/000", "/tile/64/000",
        // Levels 8 and up hold no node of any tree: a size shifted by 8 * 8 bits is not empty in Java.
        "/tile/7/000", "/tile/8/000", "/tile/8/000.p/1", "/tile/9/000", "/tile/16/000.p/2", "/tile/63/000",
        "/tile/0/" + maxIndex, "/tile/7/" + maxIndex + ".p/1", "/tile/entries/" + maxIndex,
        "/tile/0/x009/x223/x372/x036/x854/x775/808", "/tile/", "/tile/entries/")) {
      HttpResponse<String> r = log.get(p);
      if (r.statusCode() != 404) {
        failures.add(p + ": " + r.statusCode() + " " + r.body().substring(0, Math.min(200, r.body().length())));
      }
    }
    assertEquals(List.of(), failures);
  }
}
