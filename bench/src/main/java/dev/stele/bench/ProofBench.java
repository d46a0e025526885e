package dev.stele.bench;

import dev.stele.merkle.Hash;
import dev.stele.merkle.proof.ConsistencyProof;
import dev.stele.merkle.proof.InclusionProof;
import dev.stele.merkle.proof.ProofException;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileFormatException;
import dev.stele.merkle.tiles.TileId;
import dev.stele.merkle.tiles.TileProofBuilder;
import dev.stele.merkle.tiles.TileReader;
import dev.stele.merkle.tiles.TreeIntegrator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Building proofs from the tiles of a 1,000,000-leaf tree (in memory), and verifying them, for
 * random leaves and random earlier sizes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ProofBench {
  private static final int N = IntegrateBench.LEAVES;
  private static final int CASES = 1024;

  private TileMap tiles;
  private List<Hash> leaves;
  private Hash root;
  private final long[] indices = new long[CASES];
  private final long[] sizes = new long[CASES];
  private final Hash[] oldRoots = new Hash[CASES];
  private final InclusionProof[] inclusions = new InclusionProof[CASES];
  private final ConsistencyProof[] consistencies = new ConsistencyProof[CASES];
  private int next;
  private final java.util.Map<HashTile, byte[]> blockRoots = new java.util.HashMap<>();

  @Setup
  public void setup() throws IOException {
    leaves = Leaves.of(N);
    tiles = new TileMap();
    for (int size = 0; size < N; size += 10_000) {
      TreeIntegrator.Integration r =
          TreeIntegrator.integrate(tiles, size, leaves.subList(size, Math.min(N, size + 10_000)));
      tiles.putAll(r.changedTiles());
      root = r.root();
    }
    Random rnd = new Random(42);
    for (int i = 0; i < CASES; i++) {
      indices[i] = rnd.nextInt(N);
      sizes[i] = 1 + rnd.nextInt(N);
      // The old root is computed from today's tiles: perfect nodes do not change.
      oldRoots[i] = TileProofBuilder.root(tiles, sizes[i]);
      inclusions[i] = TileProofBuilder.inclusion(tiles, indices[i], N);
      consistencies[i] = TileProofBuilder.consistency(tiles, sizes[i], N);
    }
  }

  private int nextCase() {
    return next++ & (CASES - 1);
  }

  @Benchmark
  public InclusionProof buildInclusion() throws IOException {
    return TileProofBuilder.inclusion(tiles, indices[nextCase()], N);
  }

  /**
   * An inclusion proof from tiles read afresh, as from a store with nothing cached: every full
   * tile rebuilds its interior.
   */
  @Benchmark
  public InclusionProof buildInclusionUncached() throws IOException {
    return TileProofBuilder.inclusion(fresh(false), indices[nextCase()], N);
  }

  /** The same, with the block roots a store keeps beside each full tile. */
  @Benchmark
  public InclusionProof buildInclusionUncachedWithBlockRoots() throws IOException {
    return TileProofBuilder.inclusion(fresh(true), indices[nextCase()], N);
  }

  private TileReader fresh(boolean withBlockRoots) {
    return ids -> {
      List<HashTile> out = new ArrayList<>(ids.size());
      for (HashTile t : tiles.readTiles(ids)) {
        HashTile copy;
        try {
          copy = HashTile.decode(t.encode());
        } catch (TileFormatException e) {
          throw new IOException(e);
        }
        // The roots as a store has them: computed once per tile (in the warm-up), not per proof.
        out.add(withBlockRoots && copy.width() == TileId.FULL_WIDTH
            ? copy.withBlockRoots(blockRoots.computeIfAbsent(copy, HashTile::blockRoots)) : copy);
      }
      return out;
    };
  }

  @Benchmark
  public ConsistencyProof buildConsistency() throws IOException {
    return TileProofBuilder.consistency(tiles, sizes[nextCase()], N);
  }

  @Benchmark
  public InclusionProof verifyInclusion() throws ProofException {
    int i = nextCase();
    inclusions[i].verify(leaves.get((int) indices[i]), root);
    return inclusions[i];
  }

  @Benchmark
  public ConsistencyProof verifyConsistency() throws ProofException {
    int i = nextCase();
    consistencies[i].verify(oldRoots[i], root);
    return consistencies[i];
  }
}
