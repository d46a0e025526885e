package dev.stele.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The measurements behind the store's RocksDB settings (bench/README.md, "A log of 100 million
 * entries"), on the data of a real store that {@code stele-server import} built:
 *
 * <ol>
 *   <li><b>Compression per column family</b>: each family's keys and values copied into a fresh
 *       store with no compression, LZ4 and ZSTD, compacted to one level; bytes per log entry.
 *   <li><b>Bloom filter on the leaf index</b>: the dedupe lookup every append makes (a leaf hash
 *       almost never present) against the compacted leaf index, with and without a 10-bit Bloom
 *       filter, with a block cache far smaller than the family (as at 10^8 entries): CPU
 *       microseconds and block reads per lookup.
 * </ol>
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.stele.bench.RocksTuning STORE_DIR SCRATCH_DIR [--memory-only]
 * </pre>
 *
 * It also prints the index and filter bytes per entry of the store as it is, which the block
 * cache must hold at any size. The store is opened read-only.
 */
public final class RocksTuning {
  static {
    RocksDB.loadLibrary();
  }

  private static final List<String> FAMILIES = List.of("default", "entries", "leaf_index", "tiles", "search");

  public static void main(String[] args) throws Exception {
    Path src = Path.of(args[0]);
    Path scratch = Path.of(args[1]);
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    for (String f : FAMILIES) descriptors.add(new ColumnFamilyDescriptor(f.getBytes(StandardCharsets.US_ASCII)));
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions o = new DBOptions();
        RocksDB db = RocksDB.openReadOnly(o, src.toString(), descriptors, handles)) {
      long entries = count(db, handles.get(1));
      System.out.printf(Locale.ROOT, "# %,d entries in %s%n", entries, src);
      // What the block cache must hold for lookups to stay off the disk: index and filter blocks.
      System.out.println("family index-B/entry filter-B/entry (as stored)");
      for (int i = 1; i < FAMILIES.size(); i++) {
        String props = db.getProperty(handles.get(i), "rocksdb.aggregated-table-properties");
        System.out.printf(Locale.ROOT, "%s %.2f %.2f%n", FAMILIES.get(i), (double) prop(props, "index block size") / entries,
            (double) prop(props, "filter block size") / entries);
      }
      if (args.length > 2 && args[2].equals("--memory-only")) return;
      System.out.println("family raw-kv-B/entry none-B/entry lz4-B/entry zstd-B/entry");
      for (int i = 1; i < FAMILIES.size(); i++) {
        StringBuilder line = new StringBuilder(FAMILIES.get(i));
        long raw = rawBytes(db, handles.get(i));
        line.append(String.format(Locale.ROOT, " %.1f", (double) raw / entries));
        for (CompressionType c : List.of(CompressionType.NO_COMPRESSION, CompressionType.LZ4_COMPRESSION,
            CompressionType.ZSTD_COMPRESSION)) {
          Path out = scratch.resolve(FAMILIES.get(i) + "-" + c);
          long bytes = copyCompacted(db, handles.get(i), out, c, false);
          line.append(String.format(Locale.ROOT, " %.1f", (double) bytes / entries));
          delete(out);
        }
        System.out.println(line);
      }
      System.out.println("leaf-index-lookup(miss) bloom cpu-us/lookup block-reads/lookup");
      for (boolean bloom : new boolean[] {false, true}) {
        Path out = scratch.resolve("leaf-bloom-" + bloom);
        copyCompacted(db, handles.get(2), out, CompressionType.LZ4_COMPRESSION, bloom);
        lookups(out, bloom);
        delete(out);
      }
      for (ColumnFamilyHandle h : handles) h.close();
    }
  }

  /** A number from RocksDB's table properties text ("name = value; ..."), 0 if absent. */
  private static long prop(String props, String name) {
    for (String part : props.split(";")) {
      String[] kv = part.split("=");
      if (kv.length == 2 && kv[0].trim().startsWith(name)) return Long.parseLong(kv[1].trim());
    }
    return 0;
  }

  private static long count(RocksDB db, ColumnFamilyHandle h) {
    long n = 0;
    try (RocksIterator it = db.newIterator(h)) {
      for (it.seekToFirst(); it.isValid(); it.next()) n++;
    }
    return n;
  }

  private static long rawBytes(RocksDB db, ColumnFamilyHandle h) {
    long n = 0;
    try (RocksIterator it = db.newIterator(h)) {
      for (it.seekToFirst(); it.isValid(); it.next()) n += it.key().length + it.value().length;
    }
    return n;
  }

  /** Copies one family into a fresh store with this compression, compacts it; its SST bytes. */
  private static long copyCompacted(RocksDB db, ColumnFamilyHandle h, Path out, CompressionType c, boolean bloom)
      throws Exception {
    delete(out);
    // The store's block sizes: 16 KiB for entries and tiles, 4 KiB for the point lookups' families.
    String name = new String(h.getName(), StandardCharsets.US_ASCII);
    BlockBasedTableConfig table = new BlockBasedTableConfig()
        .setBlockSize(name.equals("entries") || name.equals("tiles") ? 16384 : 4096);
    if (bloom) table.setFilterPolicy(new BloomFilter(10));
    try (Options o = new Options().setCreateIfMissing(true).setCompressionType(c).setBottommostCompressionType(c)
            .setLevelCompactionDynamicLevelBytes(true).setTableFormatConfig(table);
        RocksDB dst = RocksDB.open(o, out.toString());
        WriteOptions w = new WriteOptions().setDisableWAL(true);
        RocksIterator it = db.newIterator(h)) {
      WriteBatch batch = new WriteBatch();
      for (it.seekToFirst(); it.isValid(); it.next()) {
        batch.put(it.key(), it.value());
        if (batch.count() >= 10_000) {
          dst.write(w, batch);
          batch.close();
          batch = new WriteBatch();
        }
      }
      dst.write(w, batch);
      batch.close();
      try (FlushOptions f = new FlushOptions().setWaitForFlush(true)) {
        dst.flush(f);
      }
      dst.compactRange();
      return dst.getLongProperty("rocksdb.live-sst-files-size");
    }
  }

  /** Looks up 200,000 random (absent) leaf hashes with an 8 MiB cache; prints CPU and block reads each. */
  private static void lookups(Path dir, boolean bloom) throws Exception {
    int n = 200_000;
    Random r = new Random(1);
    byte[][] keys = new byte[n][32];
    for (byte[] k : keys) r.nextBytes(k);
    try (Statistics stats = new Statistics();
        LRUCache cache = new LRUCache(8L << 20);
        Options o = new Options().setStatistics(stats).setTableFormatConfig(bloomTable(cache, bloom));
        RocksDB db = RocksDB.openReadOnly(o, dir.toString());
        ReadOptions ro = new ReadOptions()) {
      for (int i = 0; i < 20_000; i++) db.get(ro, keys[i]); // warm-up
      long reads0 = stats.getTickerCount(TickerType.BLOCK_CACHE_DATA_MISS);
      var bean = java.lang.management.ManagementFactory.getThreadMXBean();
      long t0 = bean.getCurrentThreadCpuTime();
      int found = 0;
      for (byte[] k : keys) if (db.get(ro, k) != null) found++;
      long t1 = bean.getCurrentThreadCpuTime();
      long reads = stats.getTickerCount(TickerType.BLOCK_CACHE_DATA_MISS) - reads0;
      System.out.printf(Locale.ROOT, "leaf-index-lookup(miss) %s %.2f %.3f (%d found)%n", bloom ? "bloom-10" : "none",
          (t1 - t0) / 1e3 / n, (double) reads / n, found);
    }
  }

  private static BlockBasedTableConfig bloomTable(LRUCache cache, boolean bloom) {
    BlockBasedTableConfig t = new BlockBasedTableConfig().setBlockCache(cache).setBlockSize(4096);
    if (bloom) t.setFilterPolicy(new BloomFilter(10));
    return t;
  }

  private static void delete(Path p) throws Exception {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
    }
  }
}
