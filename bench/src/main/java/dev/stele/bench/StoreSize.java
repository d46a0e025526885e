package dev.stele.bench;

import dev.stele.server.storage.RocksLogStore;
import java.nio.file.Path;

/**
 * Prints the tree size of a stopped log's store (0 for none): where bench/big-log.sh resumes
 * building a log it was interrupted in.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.stele.bench.StoreSize DATA_DIR</pre>
 */
public final class StoreSize {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    if (!dir.resolve("CURRENT").toFile().exists()) {
      System.out.println(0);
      return;
    }
    try (RocksLogStore store = RocksLogStore.open(dir)) {
      System.out.println(store.treeState().map(s -> s.size()).orElse(0L));
    }
  }
}
