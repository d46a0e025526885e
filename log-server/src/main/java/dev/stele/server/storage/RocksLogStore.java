package dev.stele.server.storage;

import dev.stele.merkle.Hash;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileFormatException;
import dev.stele.merkle.tiles.TileId;
import dev.stele.server.log.Blocking;
import dev.stele.server.log.ImportProgress;
import dev.stele.server.log.LogIdentity;
import dev.stele.server.log.StoredEntry;
import dev.stele.server.log.TileCache;
import dev.stele.server.log.TreeState;
import dev.stele.server.sequencer.Batch;
import dev.stele.server.sequencer.SequencerStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.LogFile;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

/**
 * The log's embedded store: the only class that talks to RocksDB.
 *
 * <p>Five column families (layouts in {@link Keys} and {@link Records}): {@code entries},
 * {@code leaf_index}, {@code tiles}, {@code search} and {@code meta} (in the default family).
 * Everything a batch changes is written in one {@link WriteBatch} with {@code sync=true}, so a
 * commit is atomic and durable when {@link #commit} returns.
 *
 * <p><b>Tuning</b> (each choice measured in bench/README.md, "A log of 100 million entries"):
 *
 * <ul>
 *   <li><b>Memory</b> is bounded by one LRU cache of {@value #CACHE_MIB} MiB that holds data
 *       blocks, index and filter blocks (with priority, so that lookups that miss stay off the
 *       disk) and, through a write buffer manager, the memtables ({@value #MEMTABLE_MIB} MiB of
 *       it at most). Nothing else RocksDB keeps grows with the log.
 *   <li><b>The WAL</b> is bounded to {@value #MAX_WAL_MIB} MiB: a WAL file lives until every
 *       family has flushed its part, and the meta family, written by every batch but a few bytes
 *       each time, would otherwise keep gigabytes alive; beyond the bound RocksDB flushes the
 *       families that hold the oldest file. A restart after a crash replays at most that much
 *       (without flushing it), and an orderly {@link #close} flushes everything, so a restart
 *       after it replays nothing.
 *   <li><b>Compression</b> where the bytes allow it: entries (JSON, base64, PEM, hex) and search
 *       keys (hex digests, e-mail addresses) with ZSTD, whose entropy coding halves hex where
 *       LZ4 cannot; the leaf index with LZ4, which removes the zeroed sequence numbers of the
 *       bottom level; tiles (SHA-256 hashes) not at all.
 *   <li><b>Bloom filters</b> on the leaf index (every append looks its leaf hash up there and
 *       almost every lookup misses), and prefix filters on the search keys (a search seeks one
 *       key's prefix; levels that do not hold it are skipped). Entries and tiles are read only at
 *       keys that exist, where a filter cannot help.
 * </ul>
 *
 * <p>Thread-safe: RocksDB allows concurrent reads and writes; the sequencer is the only writer,
 * but for the SETs of imported entries, kept by the read side when first signed ({@link #keepSet}).
 */
public final class RocksLogStore implements LogStore, SequencerStore {
  static {
    RocksDB.loadLibrary();
  }

  static final int CACHE_MIB = 1024;
  static final int MEMTABLE_MIB = 256;
  static final int MAX_WAL_MIB = 64;
  /** Search keys are prefix-filtered on their first bytes: a digest's algorithm and 9 hex digits. */
  private static final int SEARCH_PREFIX_BYTES = 16;

  private final Path dir;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final LRUCache cache;
  private final Statistics statistics;
  private final RocksDB db;
  private final ColumnFamilyHandle meta;
  private final ColumnFamilyHandle entries;
  private final ColumnFamilyHandle leafIndex;
  private final ColumnFamilyHandle tiles;
  private final ColumnFamilyHandle search;
  private final WriteOptions syncWrite;
  /** Full tiles never change; of partial ones the widest seen is valid for every narrower width. */
  private final TileCache<HashTile> tileCache =
      new TileCache<>(4096, (old, fresh) -> fresh.width() > old.width() ? fresh : old);

  private RocksLogStore(Path dir) throws StorageException {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StorageException("create data directory " + dir, e);
    }
    // Index and filter blocks go to the high-priority half of the cache.
    cache = keep(new LRUCache((long) CACHE_MIB << 20, -1, false, 0.5));
    WriteBufferManager memtables = keep(new WriteBufferManager((long) MEMTABLE_MIB << 20, cache));
    statistics = keep(new Statistics());

    ColumnFamilyOptions entriesOpts = family(64, table(16 * 1024, null))
        .setCompressionType(CompressionType.ZSTD_COMPRESSION)
        .setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION);
    ColumnFamilyOptions leafOpts = family(32, table(4 * 1024, keep(new BloomFilter(10))))
        .setCompressionType(CompressionType.LZ4_COMPRESSION);
    ColumnFamilyOptions tileOpts = family(16, table(16 * 1024, null))
        .setCompressionType(CompressionType.NO_COMPRESSION);
    BlockBasedTableConfig searchTable = table(4 * 1024, keep(new BloomFilter(10))).setWholeKeyFiltering(false);
    ColumnFamilyOptions searchOpts = family(32, searchTable)
        .useCappedPrefixExtractor(SEARCH_PREFIX_BYTES)
        .setCompressionType(CompressionType.ZSTD_COMPRESSION);
    ColumnFamilyOptions metaOpts = family(4, table(4 * 1024, null));

    List<ColumnFamilyDescriptor> descriptors = List.of(
        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, metaOpts),
        new ColumnFamilyDescriptor(bytes("entries"), entriesOpts),
        new ColumnFamilyDescriptor(bytes("leaf_index"), leafOpts),
        new ColumnFamilyDescriptor(bytes("tiles"), tileOpts),
        new ColumnFamilyDescriptor(bytes("search"), searchOpts));
    DBOptions dbOpts = keep(new DBOptions()
        .setCreateIfMissing(true)
        .setCreateMissingColumnFamilies(true)
        // Four jobs (one flush, three compactions) on any machine, and big compactions split in
        // two: with two jobs the one compaction slot was held for minutes by the search family's
        // L0 to bottom-level compaction (random keys: each L0 file overlaps the whole bottom
        // level) while the entries family's L0 reached 36 files and writes stopped (bench/README.md,
        // 100 M). More threads than cores add no throughput; they keep a short compaction from
        // waiting behind a long one.
        .setMaxBackgroundJobs(4)
        .setMaxSubcompactions(2)
        .setBytesPerSync(1 << 20)
        .setWalBytesPerSync(1 << 20)
        .setWriteBufferManager(memtables)
        .setMaxTotalWalSize((long) MAX_WAL_MIB << 20)
        .setAvoidFlushDuringRecovery(true)
        .setSkipStatsUpdateOnDbOpen(true)
        .setKeepLogFileNum(5)
        .setMaxLogFileSize(16 << 20)
        .setStatistics(statistics));
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try {
      db = RocksDB.open(dbOpts, dir.toString(), descriptors, handles);
    } catch (RocksDBException e) {
      closeResources();
      if (String.valueOf(e.getMessage()).contains("LOCK")) {
        throw new StorageException("the store in " + dir + " is open in another process (a running"
            + " stele-server, an import, or a backup check); stop it first: " + e.getMessage(), e);
      }
      throw new StorageException("open " + dir, e);
    }
    // Handles are closed before the database, in reverse order of keeping.
    meta = handles.get(0);
    entries = handles.get(1);
    leafIndex = handles.get(2);
    tiles = handles.get(3);
    search = handles.get(4);
    syncWrite = keep(new WriteOptions().setSync(true));
  }

  /** A block-based table on the shared cache, its index and filter blocks cached with priority. */
  private BlockBasedTableConfig table(long blockSize, BloomFilter filter) {
    BlockBasedTableConfig t = new BlockBasedTableConfig()
        .setBlockCache(cache)
        .setBlockSize(blockSize)
        .setCacheIndexAndFilterBlocks(true)
        .setCacheIndexAndFilterBlocksWithHighPriority(true)
        .setPinL0FilterAndIndexBlocksInCache(true);
    if (filter != null) t.setFilterPolicy(filter).setOptimizeFiltersForMemory(true);
    return t;
  }

  private ColumnFamilyOptions family(int writeBufferMib, BlockBasedTableConfig table) {
    return keep(new ColumnFamilyOptions())
        .setWriteBufferSize((long) writeBufferMib << 20)
        .setLevelCompactionDynamicLevelBytes(true)
        .setTableFormatConfig(table);
  }

  /** Opens (creating if needed) the store in {@code dir}. */
  public static RocksLogStore open(Path dir) throws StorageException {
    return new RocksLogStore(dir);
  }

  public Path directory() {
    return dir;
  }

  /**
   * Writes a consistent copy of the store to {@code target}, which must not exist, while the
   * store stays in use: a RocksDB checkpoint (the memtables flushed first, files hard-linked on
   * the same file system and copied otherwise). Every batch is one atomic write, so the copy
   * holds whole batches: a tree state and everything it covers.
   */
  public void checkpoint(Path target) throws StorageException {
    try (Checkpoint c = Checkpoint.create(db)) {
      c.createCheckpoint(target.toString());
    } catch (RocksDBException e) {
      throw new StorageException("checkpoint to " + target, e);
    }
  }

  /** The identity written when the store was created, if it has been. */
  @Override
  public Optional<LogIdentity> identity() throws StorageException {
    byte[] v = get(meta, Keys.metaIdentity(), "read log identity");
    return v == null ? Optional.empty() : Optional.of(Records.identity(v));
  }

  /** Writes the identity of a new store, durably. Fails if one is already there. */
  @Override
  public void createIdentity(LogIdentity id) throws StorageException {
    if (identity().isPresent()) throw new StorageException("log identity already exists");
    try {
      db.put(meta, syncWrite, Keys.metaIdentity(), Records.identity(id));
    } catch (RocksDBException e) {
      throw new StorageException("write log identity", e);
    }
  }

  /** Where the last import stands, if there was one ({@code stele-server import}). */
  public Optional<ImportProgress> importProgress() throws StorageException {
    byte[] v = get(meta, Keys.metaImport(), "read import progress");
    return v == null ? Optional.empty() : Optional.of(Records.importProgress(v));
  }

  /** Records where an import stands, durably. */
  public void putImportProgress(ImportProgress p) throws StorageException {
    try {
      db.put(meta, syncWrite, Keys.metaImport(), Records.importProgress(p));
    } catch (RocksDBException e) {
      throw new StorageException("write import progress", e);
    }
  }

  /** The tree state of the last committed batch; empty for a log that has never committed. */
  @Override
  public Optional<TreeState> treeState() throws StorageException {
    byte[] v = get(meta, Keys.metaTree(), "read tree state");
    return v == null ? Optional.empty() : Optional.of(Records.treeState(v));
  }

  /**
   * The newest checkpoint that carries its witnesses' cosignatures, as a tree state whose note
   * holds the log's lines and the cosignatures; empty if none was ever stored.
   */
  public Optional<TreeState> cosignedState() throws StorageException {
    byte[] v = get(meta, Keys.metaCosigned(), "read cosigned checkpoint");
    return v == null ? Optional.empty() : Optional.of(Records.treeState(v));
  }

  /**
   * Stores a cosigned checkpoint (its tree state with the cosigned note), synced before it
   * returns: a cosignature once published is never lost. Written beside the tree state, not in a
   * sequencer batch: cosignatures arrive after the checkpoint they sign is durable.
   */
  public void putCosignedState(TreeState cosigned) throws StorageException {
    assert Blocking.offEventLoop("RocksDB: write cosigned checkpoint");
    try {
      db.put(meta, syncWrite, Keys.metaCosigned(), Records.treeState(cosigned));
    } catch (RocksDBException e) {
      throw new StorageException("write cosigned checkpoint at size " + cosigned.size(), e);
    }
  }

  /**
   * Tiles at (at least) the requested widths. Served from memory when possible: full tiles never
   * change, and the newest version of every tile written by this process is remembered; the
   * rest is read from RocksDB in one multi-get.
   */
  @Override
  public List<HashTile> readTiles(List<TileId> ids) throws IOException {
    List<HashTile> out = new ArrayList<>(ids.size());
    List<Integer> missing = null;
    for (int i = 0; i < ids.size(); i++) {
      TileId id = ids.get(i);
      HashTile t = tileCache.get(id.level(), id.index());
      if (t != null && t.width() >= id.width()) {
        out.add(t);
      } else {
        out.add(null);
        if (missing == null) missing = new ArrayList<>();
        missing.add(i);
      }
    }
    if (missing == null) return out;
    // The tiles, then the block roots of those asked for at full width (stores written before
    // block roots were kept have none: those tiles rebuild their interior instead).
    List<byte[]> keys = new ArrayList<>(2 * missing.size());
    for (int i : missing) keys.add(Keys.tile(ids.get(i).level(), ids.get(i).index()));
    int[] rootsAt = new int[missing.size()];
    for (int k = 0; k < missing.size(); k++) {
      TileId id = ids.get(missing.get(k));
      rootsAt[k] = -1;
      if (id.width() == TileId.FULL_WIDTH) {
        rootsAt[k] = keys.size();
        keys.add(Keys.tileBlockRoots(id.level(), id.index()));
      }
    }
    List<byte[]> values = multiGet(tiles, keys, "read tiles");
    for (int k = 0; k < missing.size(); k++) {
      TileId id = ids.get(missing.get(k));
      byte[] v = values.get(k);
      if (v == null) throw new StorageException("tile " + id.level() + "/" + id.index() + " is missing");
      HashTile t = decodeTile(id.level(), id.index(), v);
      if (t.width() < id.width()) {
        throw new StorageException("tile " + id.level() + "/" + id.index() + " has width " + t.width()
            + ", needed " + id.width());
      }
      byte[] roots = rootsAt[k] < 0 ? null : values.get(rootsAt[k]);
      if (roots != null) {
        try {
          t = t.withBlockRoots(roots);
        } catch (IllegalArgumentException | IllegalStateException e) {
          throw new StorageException("block roots of tile " + id.level() + "/" + id.index() + " are corrupt: "
              + e.getMessage());
        }
      }
      tileCache.offer(id.level(), id.index(), t);
      out.set(missing.get(k), t);
    }
    return out;
  }

  /** The stored tile (level, index) at its newest width, or null if there is none. */
  @Override
  public HashTile tile(int level, long index) throws StorageException {
    byte[] v = tileBytes(level, index);
    return v == null ? null : decodeTile(level, index, v);
  }

  private static HashTile decodeTile(int level, long index, byte[] v) throws StorageException {
    try {
      return HashTile.decode(v);
    } catch (TileFormatException e) {
      throw new StorageException("tile " + level + "/" + index + " is corrupt: " + e.getMessage());
    }
  }

  /** The stored bytes of tile (level, index) at its newest width, or null if there is none. */
  public byte[] tileBytes(int level, long index) throws StorageException {
    return get(tiles, Keys.tile(level, index), "read tile");
  }

  @Override
  public long[] findIndexes(List<Hash> leafHashes) throws StorageException {
    List<byte[]> keys = new ArrayList<>(leafHashes.size());
    for (Hash h : leafHashes) keys.add(h.bytes());
    List<byte[]> values = multiGet(leafIndex, keys, "look up leaf hashes");
    long[] out = new long[leafHashes.size()];
    for (int i = 0; i < out.length; i++) {
      byte[] v = values.get(i);
      out[i] = v == null ? -1 : Keys.index(v);
    }
    return out;
  }

  /** The index of the entry with this leaf hash, or -1. */
  @Override
  public long findIndex(Hash leafHash) throws StorageException {
    byte[] v = get(leafIndex, leafHash.bytes(), "look up leaf hash");
    return v == null ? -1 : Keys.index(v);
  }

  /** The entry at {@code index}, or empty if the log has none there. */
  @Override
  public Optional<StoredEntry> entry(long index) throws StorageException {
    byte[] v = get(entries, Keys.index(index), "read entry");
    return v == null ? Optional.empty() : Optional.of(Records.entry(index, v));
  }

  /**
   * Stores the SET of an entry that was appended without one ({@link StoredEntry#noSet}, an
   * import's), signed on its first read. Not synced: if the write is lost, the next read signs
   * again. Readers that race here write SETs over the same fields, each valid (with a software key
   * the same bytes: ECDSA with deterministic nonces, RFC 6979); the last one stays. The sequencer
   * never writes an entry's key again after appending it, so nothing else is overwritten.
   */
  @Override
  public void keepSet(StoredEntry signed) throws StorageException {
    assert Blocking.offEventLoop("RocksDB: store a SET");
    if (signed.setPending()) throw new IllegalArgumentException("entry " + signed.index() + " has no SET to keep");
    try {
      db.put(entries, Keys.index(signed.index()), Records.entry(signed.integratedTime(), signed.set(), signed.bodyUnsafe()));
    } catch (RocksDBException e) {
      throw new StorageException("store the SET of entry " + signed.index(), e);
    }
  }

  /**
   * Stores the SETs of several entries kept without one, in one unsynced write (as {@link
   * #keepSet}: a lost write only means signing again).
   */
  public void keepSets(List<StoredEntry> signed) throws StorageException {
    assert Blocking.offEventLoop("RocksDB: store SETs");
    try (WriteBatch wb = new WriteBatch(); WriteOptions unsynced = new WriteOptions()) {
      for (StoredEntry e : signed) {
        if (e.setPending()) throw new IllegalArgumentException("entry " + e.index() + " has no SET to keep");
        wb.put(entries, Keys.index(e.index()), Records.entry(e.integratedTime(), e.set(), e.bodyUnsafe()));
      }
      db.write(unsynced, wb);
    } catch (RocksDBException e) {
      throw new StorageException("store the SETs of " + signed.size() + " entries", e);
    }
  }

  /**
   * The first index whose SET may still be unsigned (an import's entries are stored without
   * their SETs); empty when every entry has its SET.
   */
  public java.util.OptionalLong setsPendingFrom() throws StorageException {
    byte[] v = get(meta, Keys.metaSetsPending(), "read where unsigned SETs start");
    return v == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(java.nio.ByteBuffer.wrap(v).getLong());
  }

  /**
   * Records, durably, that entries from {@code index} on may lack their SETs; an empty value
   * ({@code -1}) records that none does.
   */
  public void putSetsPendingFrom(long index) throws StorageException {
    try {
      if (index < 0) {
        db.delete(meta, syncWrite, Keys.metaSetsPending());
      } else {
        db.put(meta, syncWrite, Keys.metaSetsPending(), java.nio.ByteBuffer.allocate(8).putLong(index).array());
      }
    } catch (RocksDBException e) {
      throw new StorageException("record where unsigned SETs start", e);
    }
  }

  /** Up to {@code count} consecutive entries starting at {@code from}, stopping at the first gap. */
  @Override
  public List<StoredEntry> entries(long from, int count) throws StorageException {
    assert Blocking.offEventLoop("RocksDB: read entries");
    List<StoredEntry> out = new ArrayList<>(Math.min(count, 256));
    try (ReadOptions ro = new ReadOptions(); RocksIterator it = db.newIterator(entries, ro)) {
      long next = from;
      for (it.seek(Keys.index(from)); it.isValid() && out.size() < count; it.next()) {
        long index = Keys.index(it.key());
        if (index != next) break;
        out.add(Records.entry(index, it.value()));
        next++;
      }
      it.status();
    } catch (RocksDBException e) {
      throw new StorageException("read entries from " + from, e);
    }
    return out;
  }

  /** The index of the last entry stored, or -1 if there is none. */
  @Override
  public long lastEntryIndex() throws StorageException {
    assert Blocking.offEventLoop("RocksDB: find the last entry");
    try (ReadOptions ro = new ReadOptions(); RocksIterator it = db.newIterator(entries, ro)) {
      it.seekToLast();
      long last = it.isValid() ? Keys.index(it.key()) : -1;
      it.status();
      return last;
    } catch (RocksDBException e) {
      throw new StorageException("find the last entry", e);
    }
  }

  /**
   * A cursor over the entries filed under the search key {@code key}, in index order. It holds a
   * RocksDB iterator: close it.
   */
  @Override
  public SearchCursor searchCursor(String key) {
    return new RocksSearchCursor(key);
  }

  /**
   * The entries filed under one search key, read forward from any index. Rows written since
   * search keys carry the entry's leaf hash give it without a second read; older rows carry
   * nothing, and {@link #leafHash} is then null. Not thread-safe: one request's.
   */
  private final class RocksSearchCursor implements SearchCursor {
    private final byte[] prefix;
    private final Slice bound;
    private final ReadOptions options;
    private final RocksIterator it;
    /** The index the cursor is at, -1 once nothing is left, -2 before the first seek. */
    private long at = -2;
    private byte[] value;

    private RocksSearchCursor(String key) {
      prefix = Keys.searchPrefix(key);
      byte[] upper = prefix.clone();
      upper[upper.length - 1] = 1; // the 0x00 separator + 1: just past every key with this prefix
      bound = new Slice(upper);
      // The prefix filter answers for the levels that do not hold the key, when the key is long
      // enough to have a prefix of its own (RocksDB checks that against the bounds).
      options = new ReadOptions().setIterateUpperBound(bound).setAutoPrefixMode(true);
      it = db.newIterator(search, options);
    }

    /**
     * The smallest index at or after {@code from} filed under the key, or -1 if there is none.
     * Free if the cursor is already there; otherwise one seek.
     */
    @Override
    public long seek(long from) throws StorageException {
      if (at == -1 || at >= from) {
        return at;
      }
      assert Blocking.offEventLoop("RocksDB: search");
      byte[] start = new byte[prefix.length + 8];
      System.arraycopy(prefix, 0, start, 0, prefix.length);
      Keys.putLong(start, prefix.length, from);
      try {
        for (it.seek(start); it.isValid(); it.next()) {
          byte[] k = it.key();
          // A longer key is another search key that starts with this one and a 0x00.
          if (k.length == prefix.length + 8) {
            at = Keys.getLong(k, prefix.length);
            value = it.value();
            return at;
          }
        }
        it.status();
      } catch (RocksDBException e) {
        throw new StorageException("search", e);
      }
      at = -1;
      value = null;
      return -1;
    }

    /** The leaf hash of the entry the cursor is at, if its row carries it; else null. */
    @Override
    public Hash leafHash() {
      return value != null && value.length == Hash.SIZE ? Hash.of(value) : null;
    }

    @Override
    public void close() {
      it.close();
      options.close();
      bound.close();
    }
  }

  /** Receives search-index rows. */
  public interface SearchKeyConsumer {
    void accept(String key, long index) throws IOException;
  }

  /** Every row of the search index, in key order (a migration copies them). */
  public void forEachSearchKey(SearchKeyConsumer consumer) throws IOException {
    assert Blocking.offEventLoop("RocksDB: scan the search index");
    try (ReadOptions ro = new ReadOptions(); RocksIterator it = db.newIterator(search, ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (k.length < 9 || k[k.length - 9] != 0) throw new StorageException("malformed search key of " + k.length + " bytes");
        consumer.accept(new String(k, 0, k.length - 9, java.nio.charset.StandardCharsets.UTF_8),
            Keys.getLong(k, k.length - 8));
      }
      it.status();
    } catch (RocksDBException e) {
      throw new StorageException("scan the search index", e);
    }
  }

  @Override
  public void commit(Batch batch) throws StorageException {
    assert Blocking.offEventLoop("RocksDB: commit");
    try (WriteBatch wb = new WriteBatch()) {
      for (Batch.Appended a : batch.entries()) {
        StoredEntry e = a.entry();
        byte[] indexKey = Keys.index(e.index());
        wb.put(entries, indexKey, Records.entry(e.integratedTime(), e.set(), e.bodyUnsafe()));
        wb.put(leafIndex, a.leafHash().bytes(), indexKey);
        // The leaf hash, so that a search answers entry IDs without reading the entries.
        for (String k : a.searchKeys()) wb.put(search, Keys.search(k, e.index()), a.leafHash().bytes());
      }
      for (Map.Entry<TileId, HashTile> t : batch.tiles().entrySet()) {
        TileId id = t.getKey();
        wb.put(tiles, Keys.tile(id.level(), id.index()), t.getValue().encode());
        if (t.getValue().width() == TileId.FULL_WIDTH) {
          // 512 bytes per 256 entries, so that a proof through this tile, read once, costs at
          // most 22 hashes instead of rebuilding the tile's 255 interior nodes.
          wb.put(tiles, Keys.tileBlockRoots(id.level(), id.index()), t.getValue().blockRoots());
        }
      }
      wb.put(meta, Keys.metaTree(), Records.treeState(batch.state()));
      db.write(syncWrite, wb);
      for (Map.Entry<TileId, HashTile> t : batch.tiles().entrySet()) {
        tileCache.offer(t.getKey().level(), t.getKey().index(), t.getValue());
      }
    } catch (RocksDBException e) {
      throw new StorageException("commit batch to size " + batch.state().size(), e);
    }
  }

  /**
   * One figure of the store for {@code /metrics}: disk, memory, compaction.
   *
   * @param name the metric's name, without the {@code stele_store_} prefix
   * @param family the column family it is about, or empty for the whole store
   * @param counter whether it only grows (a counter) rather than going up and down (a gauge)
   */
  public record Figure(String name, String help, String family, boolean counter, LongSupplier value) {}

  /** What {@code /metrics} shows of the store, each read from RocksDB when scraped. */
  public List<Figure> figures() {
    List<Figure> out = new ArrayList<>();
    List<ColumnFamilyHandle> all = List.of(meta, entries, leafIndex, tiles, search);
    List<String> names = List.of("meta", "entries", "leaf_index", "tiles", "search");
    for (int i = 0; i < all.size(); i++) {
      ColumnFamilyHandle h = all.get(i);
      String f = names.get(i);
      out.add(new Figure("sst_bytes", "Bytes of the live SST files", f, false,
          () -> property(h, "rocksdb.live-sst-files-size")));
      out.add(new Figure("memtable_bytes", "Bytes of the memtables", f, false,
          () -> property(h, "rocksdb.cur-size-all-mem-tables")));
      out.add(new Figure("level0_files", "SST files at level 0 (writes slow down at 20)", f, false,
          () -> property(h, "rocksdb.num-files-at-level0")));
      out.add(new Figure("compaction_pending_bytes", "Bytes compaction has yet to rewrite", f, false,
          () -> property(h, "rocksdb.estimate-pending-compaction-bytes")));
      out.add(new Figure("table_readers_bytes", "Memory of open SST files outside the cache", f, false,
          () -> property(h, "rocksdb.estimate-table-readers-mem")));
    }
    out.add(new Figure("wal_bytes", "Bytes of the write-ahead log files alive", "", false, this::walBytes));
    out.add(new Figure("cache_bytes", "Bytes used of the block cache (blocks, index, filters, memtables)", "",
        false, cache::getUsage));
    out.add(new Figure("cache_capacity_bytes", "Capacity of the block cache: the store's memory bound", "",
        false, () -> (long) CACHE_MIB << 20));
    out.add(new Figure("compactions_running", "Compactions running now", "", false,
        () -> property(null, "rocksdb.num-running-compactions")));
    out.add(new Figure("compaction_read_bytes", "Bytes read by compactions", "", true,
        () -> statistics.getTickerCount(TickerType.COMPACT_READ_BYTES)));
    out.add(new Figure("compaction_written_bytes", "Bytes written by compactions", "", true,
        () -> statistics.getTickerCount(TickerType.COMPACT_WRITE_BYTES)));
    out.add(new Figure("flush_written_bytes", "Bytes written by memtable flushes", "", true,
        () -> statistics.getTickerCount(TickerType.FLUSH_WRITE_BYTES)));
    out.add(new Figure("write_stall_micros", "Microseconds writes were stalled for compaction", "", true,
        () -> statistics.getTickerCount(TickerType.STALL_MICROS)));
    return out;
  }

  /** A RocksDB integer property, of a family or (null) the whole store; -1 if it cannot be read. */
  private long property(ColumnFamilyHandle h, String name) {
    try {
      return h == null ? db.getLongProperty(name) : db.getLongProperty(h, name);
    } catch (RocksDBException e) {
      return -1;
    }
  }

  private long walBytes() {
    try {
      long n = 0;
      for (LogFile f : db.getSortedWalFiles()) n += f.sizeFileBytes();
      return n;
    } catch (RocksDBException e) {
      return -1;
    }
  }

  /**
   * Flushes the memtables (so that the next open replays no WAL: a restart after an orderly stop
   * starts as fast as an empty log) and closes the store.
   */
  @Override
  public String describe() {
    return "the store in " + dir;
  }

  @Override
  public void close() {
    List<ColumnFamilyHandle> all = List.of(meta, entries, leafIndex, tiles, search);
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      db.flush(flush, all);
    } catch (RocksDBException e) {
      // The WAL still holds everything; the next open replays it.
    }
    for (ColumnFamilyHandle h : List.of(search, tiles, leafIndex, entries, meta)) h.close();
    db.close();
    closeResources();
  }

  @Override
  public String toString() {
    return "RocksLogStore[" + dir + "]";
  }

  private byte[] get(ColumnFamilyHandle cf, byte[] key, String op) throws StorageException {
    assert Blocking.offEventLoop("RocksDB: " + op);
    try {
      return db.get(cf, key);
    } catch (RocksDBException e) {
      throw new StorageException(op, e);
    }
  }

  private List<byte[]> multiGet(ColumnFamilyHandle cf, List<byte[]> keys, String op)
      throws StorageException {
    assert Blocking.offEventLoop("RocksDB: " + op);
    if (keys.isEmpty()) return List.of();
    try {
      return db.multiGetAsList(Collections.nCopies(keys.size(), cf), keys);
    } catch (RocksDBException e) {
      throw new StorageException(op, e);
    }
  }

  private <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    return resource;
  }

  private void closeResources() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception ignored) {
        // Native handles: nothing sensible to do with a failure while closing.
      }
    }
    resources.clear();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
