package dev.stele.bench;

import dev.stele.merkle.Hash;
import dev.stele.merkle.tiles.TreeIntegrator;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Integrating 1,000,000 leaf hashes into an empty tree through tiles, {@code batch} leaves per
 * {@link TreeIntegrator#integrate} call, with the changed tiles kept in a hash map that serves as
 * the reader of the next call. The score is leaves per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class IntegrateBench {
  static final int LEAVES = 1_000_000;

  @Param({"1000", "10000"})
  public int batch;

  private List<Hash> leaves;

  @Setup
  public void setup() {
    leaves = Leaves.of(LEAVES);
  }

  @Benchmark
  @OperationsPerInvocation(LEAVES)
  public Hash integrate1M() throws IOException {
    TileMap tiles = new TileMap();
    long size = 0;
    Hash root = null;
    while (size < LEAVES) {
      int n = (int) Math.min(batch, LEAVES - size);
      TreeIntegrator.Integration r =
          TreeIntegrator.integrate(tiles, size, leaves.subList((int) size, (int) size + n));
      tiles.putAll(r.changedTiles());
      size = r.newSize();
      root = r.root();
    }
    return root;
  }
}
