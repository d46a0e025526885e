package dev.stele.server.distributed;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.stele.merkle.Hash;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileFormatException;
import dev.stele.merkle.tiles.TileId;
import dev.stele.merkle.tiles.TileMath;
import dev.stele.server.log.Blocking;
import dev.stele.server.log.LogIdentity;
import dev.stele.server.log.StoredEntry;
import dev.stele.server.log.TileCache;
import dev.stele.server.log.TreeState;
import dev.stele.server.storage.LogStore;
import dev.stele.server.storage.StorageException;
import dev.stele.server.storage.StoreUnavailableException;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The distributed driver's store: PostgreSQL for entries, the leaf index (dedup), the search
 * index, the sequence counter, the integrator's lease and the tree state; the object store for
 * hash tiles, entry bundles and the checkpoint. The only class with SQL in it.
 *
 * <h2>Tables</h2>
 *
 * <pre>
 * stele_identity  one row: tree_id, log_id
 * stele_sequence  one row: next_index, last_time   (locked by every sequencing transaction)
 * stele_entries   idx PK, leaf_hash UNIQUE, integrated_time, set, body   (sequenced entries)
 * stele_search    (key, idx) PK
 * stele_tree      one row: size, root, last_time, checkpoint   (the integrated, published state)
 * stele_lease     one row: holder, token, expires_at   (the integrator's lease; token = fence)
 * </pre>
 *
 * <p>{@link #treeState} is {@code stele_tree}: the integrator commits it only after every tile
 * and bundle of that tree is in the object store, so a reader of this store never meets a
 * checkpoint whose tiles are missing. Entries may run ahead of it (sequenced, not yet
 * integrated); searches stop at its size.
 */
public final class PgLogStore implements LogStore {
  static final String TILE_TYPE = "application/octet-stream";
  /** No charset parameter: some S3-compatible stores (S3Proxy) rewrite it and then refuse the signature. */
  static final String CHECKPOINT_TYPE = "text/plain";
  /** Tile and bundle paths hold the same bytes forever (C2SP tlog-tiles). */
  static final String IMMUTABLE = "public, max-age=31536000, immutable";

  private final DistributedStorage cfg;
  private final HikariDataSource pool;
  private final ObjectStore objects;
  /** Tree sizes whose tiles are all in the object store; only grows. */
  private final AtomicLong knownSize = new AtomicLong();
  /** Full tiles never change; of partial ones the widest seen is valid for every narrower width. */
  private final TileCache<HashTile> tileCache =
      new TileCache<>(8192, (old, fresh) -> fresh.width() > old.width() ? fresh : old);

  private PgLogStore(DistributedStorage cfg, HikariDataSource pool, ObjectStore objects) {
    this.cfg = cfg;
    this.pool = pool;
    this.objects = objects;
  }

  /** Connects to both stores, creating the tables and the bucket if they do not exist. */
  public static PgLogStore open(DistributedStorage cfg) throws IOException {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(cfg.dbUrl());
    if (cfg.dbUser() != null) hc.setUsername(cfg.dbUser());
    if (cfg.dbPassword() != null) hc.setPassword(cfg.dbPassword());
    hc.setMaximumPoolSize(16);
    hc.setPoolName("stele-pg");
    hc.setConnectionTimeout(5_000);
    // Fail fast at start rather than retrying forever behind the operator's back.
    hc.setInitializationFailTimeout(10_000);
    hc.addDataSourceProperty("reWriteBatchedInserts", "true");
    hc.addDataSourceProperty("tcpKeepAlive", "true");
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(hc);
    } catch (RuntimeException e) {
      throw new StorageException("connect to PostgreSQL at " + cfg.dbUrl(), e);
    }
    ObjectStore objects = new ObjectStore(cfg);
    PgLogStore store = new PgLogStore(cfg, pool, objects);
    try {
      store.createSchema();
      objects.ensureBucket();
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  private void createSchema() throws IOException {
    tx("create the schema", c -> {
      try (Statement s = c.createStatement()) {
        // Frontends starting together would race on CREATE TABLE IF NOT EXISTS: one at a time
        // (the lock key is "stele" in ASCII).
        s.execute("SELECT pg_advisory_xact_lock(495623367781)");
        s.execute("CREATE TABLE IF NOT EXISTS stele_identity (id int PRIMARY KEY CHECK (id = 1),"
            + " tree_id bigint NOT NULL, log_id bytea NOT NULL)");
        s.execute("CREATE TABLE IF NOT EXISTS stele_sequence (id int PRIMARY KEY CHECK (id = 1),"
            + " next_index bigint NOT NULL, last_time bigint NOT NULL)");
        s.execute("CREATE TABLE IF NOT EXISTS stele_entries (idx bigint PRIMARY KEY,"
            + " leaf_hash bytea NOT NULL UNIQUE, integrated_time bigint NOT NULL, set bytea NOT NULL,"
            + " body bytea NOT NULL)");
        s.execute("CREATE TABLE IF NOT EXISTS stele_search (key text NOT NULL, idx bigint NOT NULL,"
            + " PRIMARY KEY (key, idx))");
        s.execute("CREATE TABLE IF NOT EXISTS stele_tree (id int PRIMARY KEY CHECK (id = 1),"
            + " size bigint NOT NULL, root bytea NOT NULL, last_time bigint NOT NULL, checkpoint text NOT NULL)");
        s.execute("CREATE TABLE IF NOT EXISTS stele_lease (id int PRIMARY KEY CHECK (id = 1),"
            + " holder text, token bigint NOT NULL, expires_at timestamptz NOT NULL)");
        s.execute("INSERT INTO stele_sequence VALUES (1, 0, 0) ON CONFLICT DO NOTHING");
        s.execute("INSERT INTO stele_lease VALUES (1, NULL, 0, '-infinity') ON CONFLICT DO NOTHING");
      }
      return null;
    });
  }

  DistributedStorage config() {
    return cfg;
  }

  ObjectStore objects() {
    return objects;
  }

  // ---- LogStore --------------------------------------------------------------------------------

  @Override
  public Optional<LogIdentity> identity() throws StorageException {
    return query("read the log identity", "SELECT tree_id, log_id FROM stele_identity WHERE id = 1",
        ps -> { }, rs -> rs.next() ? Optional.of(new LogIdentity(rs.getLong(1), Hash.of(rs.getBytes(2))))
            : Optional.empty());
  }

  /** Writes the identity unless a frontend started at the same moment wrote one first. */
  @Override
  public void createIdentity(LogIdentity id) throws StorageException {
    update("write the log identity",
        "INSERT INTO stele_identity VALUES (1, ?, ?) ON CONFLICT DO NOTHING",
        ps -> {
          ps.setLong(1, id.treeId());
          ps.setBytes(2, id.logId().bytes());
        });
  }

  @Override
  public Optional<TreeState> treeState() throws StorageException {
    Optional<TreeState> s = query("read the tree state",
        "SELECT size, root, last_time, checkpoint FROM stele_tree WHERE id = 1", ps -> { },
        rs -> rs.next() ? Optional.of(new TreeState(rs.getLong(1), Hash.of(rs.getBytes(2)), rs.getLong(3),
            rs.getString(4))) : Optional.empty());
    s.ifPresent(t -> knownSize.accumulateAndGet(t.size(), Math::max));
    return s;
  }

  /** Records that the tiles of a tree of {@code size} are all in the object store. */
  void knownSize(long size) {
    knownSize.accumulateAndGet(size, Math::max);
  }

  @Override
  public HashTile tile(int level, long index) throws IOException {
    long size = knownSize.get();
    if (!TileMath.serves(new TileId(level, index, 1), size)) return null;
    return readTiles(List.of(TileId.atSize(level, index, size))).get(0);
  }

  /**
   * Tiles from memory or the object store. The store holds a partial tile only at the widths
   * some integration ended at; a request for a narrower one (an older tree's proof) is served by
   * the tile at the newest known tree's width, of which it is a prefix.
   */
  @Override
  public List<HashTile> readTiles(List<TileId> ids) throws IOException {
    List<HashTile> out = new ArrayList<>(ids.size());
    for (TileId id : ids) {
      HashTile t = tileCache.get(id.level(), id.index());
      if (t == null || t.width() < id.width()) {
        t = fetchTile(id);
        tileCache.offer(id.level(), id.index(), t);
      }
      out.add(t);
    }
    return out;
  }

  private HashTile fetchTile(TileId id) throws IOException {
    for (int attempt = 0; attempt < 2; attempt++) {
      long size = knownSize.get();
      if (TileMath.serves(id, size)) {
        TileId stored = TileId.atSize(id.level(), id.index(), size);
        byte[] b = objects.get(stored.path());
        if (b == null) {
          throw new StorageException("tile " + stored.path() + " is missing from " + objects.describe()
              + " below tree size " + size);
        }
        try {
          return HashTile.decode(b);
        } catch (TileFormatException e) {
          throw new StorageException("tile " + stored.path() + " is corrupt: " + e.getMessage());
        }
      }
      treeState(); // a newer tree may have it
    }
    throw new StorageException("tile " + id.path() + " is not in the tree of size " + knownSize.get());
  }

  @Override
  public long findIndex(Hash leafHash) throws StorageException {
    return query("look up a leaf hash", "SELECT idx FROM stele_entries WHERE leaf_hash = ?",
        ps -> ps.setBytes(1, leafHash.bytes()), rs -> rs.next() ? rs.getLong(1) : -1L);
  }

  @Override
  public Optional<StoredEntry> entry(long index) throws StorageException {
    List<StoredEntry> e = entries(index, 1);
    return e.isEmpty() ? Optional.empty() : Optional.of(e.get(0));
  }

  /**
   * An imported entry's SET, signed on its first read (a log migrated from an embedded store that
   * {@code stele-server import} built). Only an empty SET is replaced.
   */
  @Override
  public void keepSet(StoredEntry signed) throws StorageException {
    if (signed.setPending()) throw new IllegalArgumentException("entry " + signed.index() + " has no SET to keep");
    update("store the SET of entry " + signed.index(),
        "UPDATE stele_entries SET set = ? WHERE idx = ? AND octet_length(set) = 0", ps -> {
          ps.setBytes(1, signed.set());
          ps.setLong(2, signed.index());
        });
  }

  @Override
  public List<StoredEntry> entries(long from, int count) throws StorageException {
    return query("read entries from " + from,
        "SELECT idx, integrated_time, set, body FROM stele_entries WHERE idx >= ? AND idx < ? ORDER BY idx",
        ps -> {
          ps.setLong(1, from);
          ps.setLong(2, from + count);
        },
        rs -> {
          List<StoredEntry> out = new ArrayList<>();
          long next = from;
          while (rs.next() && rs.getLong(1) == next) {
            out.add(new StoredEntry(next, rs.getLong(2), rs.getBytes(3), rs.getBytes(4)));
            next++;
          }
          return out;
        });
  }

  @Override
  public long lastEntryIndex() throws StorageException {
    return query("find the last entry", "SELECT max(idx) FROM stele_entries", ps -> { },
        rs -> {
          rs.next();
          long v = rs.getLong(1);
          return rs.wasNull() ? -1L : v;
        });
  }

  /** Rows a search cursor reads at once: a page of one key costs a few queries, not one per entry. */
  private static final int SEARCH_BLOCK = 256;

  /**
   * Only entries below the integrated size: the search index is never ahead of the tree. The
   * leaf hash comes with each row from {@code stele_entries} (joined on its primary key), so a
   * search answers entry IDs without reading bodies or tiles.
   */
  @Override
  public SearchCursor searchCursor(String key) {
    return new PgSearchCursor(key);
  }

  /** Reads the rows of one key in blocks of {@link #SEARCH_BLOCK}; holds no connection between them. */
  private final class PgSearchCursor implements SearchCursor {
    private final String key;
    private final long[] idx = new long[SEARCH_BLOCK];
    private final byte[][] leaf = new byte[SEARCH_BLOCK][];
    /** Rows in the block, and the one the cursor is at. */
    private int rows;
    private int pos;
    /** The index the cursor is at, -1 once nothing is left, -2 before the first seek. */
    private long at = -2;

    private PgSearchCursor(String key) {
      this.key = key;
    }

    @Override
    public long seek(long from) throws StorageException {
      if (at == -1 || at >= from) {
        return at;
      }
      // Within the block already read?
      while (pos + 1 < rows) {
        pos++;
        if (idx[pos] >= from) {
          return at = idx[pos];
        }
      }
      if (at != -2 && rows < SEARCH_BLOCK) {
        return at = -1; // the last block was short: nothing after it
      }
      rows = query("search",
          "SELECT s.idx, e.leaf_hash FROM stele_search s JOIN stele_entries e ON e.idx = s.idx"
              + " WHERE s.key = ? AND s.idx >= ? AND s.idx < (SELECT size FROM stele_tree WHERE id = 1)"
              + " ORDER BY s.idx LIMIT ?",
          ps -> {
            ps.setString(1, key);
            ps.setLong(2, from);
            ps.setInt(3, SEARCH_BLOCK);
          },
          rs -> {
            int n = 0;
            while (rs.next()) {
              idx[n] = rs.getLong(1);
              leaf[n] = rs.getBytes(2);
              n++;
            }
            return n;
          });
      pos = 0;
      return at = rows == 0 ? -1 : idx[0];
    }

    @Override
    public Hash leafHash() {
      return at >= 0 && leaf[pos] != null && leaf[pos].length == Hash.SIZE ? Hash.of(leaf[pos]) : null;
    }

    @Override
    public void close() {
      // Nothing held between queries.
    }
  }

  @Override
  public String describe() {
    return "PostgreSQL at " + cfg.dbUrl() + " with objects in " + objects.describe();
  }

  @Override
  public void close() {
    pool.close();
    objects.close();
  }

  // ---- sequencing (any frontend) ---------------------------------------------------------------

  /** One entry to sequence. */
  record ToSequence(Hash leafHash, byte[] body, List<String> searchKeys) {}

  /** Signs an entry's SET once its index and time are fixed. */
  interface SetSigner {
    byte[] sign(byte[] body, long integratedTime, long index) throws java.security.GeneralSecurityException;
  }

  /** What sequencing made of one entry: its index, and whether it was already in the log. */
  record Placed(long index, long integratedTime, byte[] set, boolean duplicate) {}

  /** Too many entries sequenced but not yet integrated: the integrator is behind or down. */
  static final class BacklogException extends IOException {
    private static final long serialVersionUID = 1L;

    BacklogException(String message) {
      super(message);
    }
  }

  /**
   * Sequences a batch in one transaction: takes the sequence row's lock (so sequencing
   * transactions of all frontends run one after another, and dedup is exact), drops entries
   * already in the log, gives the rest consecutive indices and one integrated time that never
   * decreases, signs their SETs, and inserts them with their search keys. Durable on return.
   *
   * @throws BacklogException if more than {@code maxBacklog} entries already wait for integration
   */
  List<Placed> sequence(List<ToSequence> batch, long nowSeconds, long maxBacklog, SetSigner signer)
      throws IOException {
    return tx("sequence a batch of " + batch.size(), c -> {
      long next;
      long lastTime;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT s.next_index, s.last_time, t.size FROM stele_sequence s, stele_tree t"
              + " WHERE s.id = 1 AND t.id = 1 FOR UPDATE OF s");
          ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) throw new SQLException("the sequence row or the tree state is missing");
        next = rs.getLong(1);
        lastTime = rs.getLong(2);
        long integrated = rs.getLong(3);
        if (next - integrated > maxBacklog) {
          throw new BacklogException((next - integrated) + " entries wait for integration (at most "
              + maxBacklog + "); the integrator is behind or cannot reach the object store");
        }
      }
      Map<Hash, Long> existing = new HashMap<>();
      byte[][] hashes = new byte[batch.size()][];
      for (int i = 0; i < hashes.length; i++) hashes[i] = batch.get(i).leafHash().bytes();
      try (PreparedStatement ps = c.prepareStatement("SELECT leaf_hash, idx FROM stele_entries WHERE leaf_hash = ANY(?)")) {
        Array arr = c.createArrayOf("bytea", hashes);
        ps.setArray(1, arr);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) existing.put(Hash.of(rs.getBytes(1)), rs.getLong(2));
        }
      }
      long time = Math.max(nowSeconds, lastTime);
      List<Placed> out = new ArrayList<>(batch.size());
      try (PreparedStatement ins = c.prepareStatement(
              "INSERT INTO stele_entries (idx, leaf_hash, integrated_time, set, body) VALUES (?, ?, ?, ?, ?)");
          PreparedStatement key = c.prepareStatement("INSERT INTO stele_search (key, idx) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
        Map<Hash, Long> placedNow = new HashMap<>();
        boolean anyKeys = false;
        for (ToSequence t : batch) {
          Long dup = existing.get(t.leafHash());
          if (dup == null) dup = placedNow.get(t.leafHash());
          if (dup != null) {
            out.add(new Placed(dup, 0, null, true));
            continue;
          }
          long idx = next++;
          byte[] set;
          try {
            set = signer.sign(t.body(), time, idx);
          } catch (java.security.GeneralSecurityException e) {
            throw new SQLException("signing the entry timestamp of entry " + idx + " failed: " + e.getMessage(), e);
          }
          placedNow.put(t.leafHash(), idx);
          ins.setLong(1, idx);
          ins.setBytes(2, t.leafHash().bytes());
          ins.setLong(3, time);
          ins.setBytes(4, set);
          ins.setBytes(5, t.body());
          ins.addBatch();
          for (String k : t.searchKeys()) {
            key.setString(1, k);
            key.setLong(2, idx);
            key.addBatch();
            anyKeys = true;
          }
          out.add(new Placed(idx, time, set, false));
        }
        if (!placedNow.isEmpty()) {
          ins.executeBatch();
          if (anyKeys) key.executeBatch();
          try (PreparedStatement up = c.prepareStatement(
              "UPDATE stele_sequence SET next_index = ?, last_time = ? WHERE id = 1")) {
            up.setLong(1, next);
            up.setLong(2, time);
            up.executeUpdate();
          }
          try (Statement s = c.createStatement()) {
            s.execute("NOTIFY stele_sequenced");
          }
        }
      }
      return out;
    });
  }

  /** The entries sequenced at and after {@code from}, in index order, at most {@code limit}. */
  record Sequenced(long index, Hash leafHash, long integratedTime) {}

  List<Sequenced> sequencedFrom(long from, int limit) throws StorageException {
    return query("read sequenced entries from " + from,
        "SELECT idx, leaf_hash, integrated_time FROM stele_entries WHERE idx >= ? ORDER BY idx LIMIT ?",
        ps -> {
          ps.setLong(1, from);
          ps.setInt(2, limit);
        },
        rs -> {
          List<Sequenced> out = new ArrayList<>();
          while (rs.next()) out.add(new Sequenced(rs.getLong(1), Hash.of(rs.getBytes(2)), rs.getLong(3)));
          return out;
        });
  }

  /** The entry's place, if it has been sequenced. */
  Optional<Placed> placed(Hash leafHash) throws StorageException {
    return query("look up a leaf hash", "SELECT idx, integrated_time, set FROM stele_entries WHERE leaf_hash = ?",
        ps -> ps.setBytes(1, leafHash.bytes()),
        rs -> rs.next() ? Optional.of(new Placed(rs.getLong(1), rs.getLong(2), rs.getBytes(3), false))
            : Optional.empty());
  }

  // ---- the integrator's lease and commit ------------------------------------------------------

  /** A newer integrator holds the lease: this one must not commit anything more. */
  static final class FencedException extends IOException {
    private static final long serialVersionUID = 1L;

    FencedException(String message) {
      super(message);
    }
  }

  /** Takes the lease if it is free or expired; returns the new fencing token, or -1. */
  long acquireLease(String holder, long ttlMillis) throws StorageException {
    return query("acquire the integrator lease",
        "UPDATE stele_lease SET holder = ?, token = token + 1, expires_at = now() + ? * interval '1 millisecond'"
            + " WHERE id = 1 AND expires_at < now() RETURNING token",
        ps -> {
          ps.setString(1, holder);
          ps.setLong(2, ttlMillis);
        },
        rs -> rs.next() ? rs.getLong(1) : -1L);
  }

  /** Extends the lease this holder has under {@code token}; false if it no longer has it. */
  boolean renewLease(String holder, long token, long ttlMillis) throws StorageException {
    return update("renew the integrator lease",
        "UPDATE stele_lease SET expires_at = now() + ? * interval '1 millisecond'"
            + " WHERE id = 1 AND holder = ? AND token = ?",
        ps -> {
          ps.setLong(1, ttlMillis);
          ps.setString(2, holder);
          ps.setLong(3, token);
        }) == 1;
  }

  /** Gives the lease up at once (an orderly shutdown), so another frontend need not wait it out. */
  void releaseLease(String holder, long token) throws StorageException {
    update("release the integrator lease",
        "UPDATE stele_lease SET expires_at = '-infinity' WHERE id = 1 AND holder = ? AND token = ?",
        ps -> {
          ps.setString(1, holder);
          ps.setLong(2, token);
        });
  }

  /**
   * Commits a new tree state, in one transaction that first locks the lease row and checks that
   * {@code token} is still the lease's (the fence: a newer integrator has a larger token, and its
   * own lease update waits for this transaction or makes it fail here), extends the lease by
   * {@code ttlMillis}, then moves the tree from exactly {@code oldSize}. Everything the state covers must be in the object store already.
   *
   * @throws FencedException if the lease has passed to another integrator, or the tree moved
   */
  void commitTree(long token, long ttlMillis, long oldSize, TreeState next) throws IOException {
    tx("commit the tree at size " + next.size(), c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT token FROM stele_lease WHERE id = 1 FOR UPDATE");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        long current = rs.getLong(1);
        if (current != token) {
          throw new FencedException("fenced: the integrator lease has token " + current + ", this integrator holds "
              + token + "; not committing size " + next.size());
        }
      }
      // Each commit extends the lease, so a slow batch (a slow object store) does not let it lapse.
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE stele_lease SET expires_at = now() + ? * interval '1 millisecond' WHERE id = 1")) {
        ps.setLong(1, ttlMillis);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE stele_tree SET size = ?, root = ?, last_time = ?, checkpoint = ? WHERE id = 1 AND size = ?")) {
        ps.setLong(1, next.size());
        ps.setBytes(2, next.root().bytes());
        ps.setLong(3, next.lastIntegratedTime());
        ps.setString(4, next.checkpoint());
        ps.setLong(5, oldSize);
        if (ps.executeUpdate() != 1) {
          throw new FencedException("the tree is no longer at size " + oldSize + "; not committing size " + next.size());
        }
      }
      try (Statement s = c.createStatement()) {
        s.execute("NOTIFY stele_tree");
      }
      return null;
    });
    knownSize(next.size());
  }

  /**
   * Starts a new log's tree: the empty tree's checkpoint to the object store, then the state,
   * unless a frontend starting at the same moment wrote one first.
   */
  public void createTree(TreeState empty) throws IOException {
    if (empty.size() != 0) throw new IllegalArgumentException("a new tree is empty, not of size " + empty.size());
    objects.put("checkpoint", empty.checkpoint().getBytes(java.nio.charset.StandardCharsets.UTF_8),
        PgLogStore.CHECKPOINT_TYPE, "no-cache");
    initTree(empty);
  }

  private void initTree(TreeState empty) throws StorageException {
    update("write the first tree state",
        "INSERT INTO stele_tree VALUES (1, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        ps -> {
          ps.setLong(1, empty.size());
          ps.setBytes(2, empty.root().bytes());
          ps.setLong(3, empty.lastIntegratedTime());
          ps.setString(4, empty.checkpoint());
        });
  }

  // ---- migration --------------------------------------------------------------------------------

  /** Inserts entries copied from another store, with their leaf hashes and search keys. */
  void insertCopied(List<StoredEntry> entries, List<Hash> leafHashes, Map<Long, List<String>> keys)
      throws IOException {
    tx("copy " + entries.size() + " entries", c -> {
      try (PreparedStatement ins = c.prepareStatement(
              "INSERT INTO stele_entries (idx, leaf_hash, integrated_time, set, body) VALUES (?, ?, ?, ?, ?)");
          PreparedStatement key = c.prepareStatement("INSERT INTO stele_search (key, idx) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
        for (int i = 0; i < entries.size(); i++) {
          StoredEntry e = entries.get(i);
          ins.setLong(1, e.index());
          ins.setBytes(2, leafHashes.get(i).bytes());
          ins.setLong(3, e.integratedTime());
          ins.setBytes(4, e.set());
          ins.setBytes(5, e.bodyUnsafe());
          ins.addBatch();
          for (String k : keys.getOrDefault(e.index(), List.of())) {
            key.setString(1, k);
            key.setLong(2, e.index());
            key.addBatch();
          }
        }
        ins.executeBatch();
        key.executeBatch();
      }
      return null;
    });
  }

  /** Inserts search-index rows copied from another store. */
  void insertSearchKeys(List<String> keys, List<Long> indexes) throws IOException {
    tx("copy " + keys.size() + " search keys", c -> {
      try (PreparedStatement key = c.prepareStatement("INSERT INTO stele_search (key, idx) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
        for (int i = 0; i < keys.size(); i++) {
          key.setString(1, keys.get(i));
          key.setLong(2, indexes.get(i));
          key.addBatch();
        }
        key.executeBatch();
      }
      return null;
    });
  }

  /** After a copy: the sequence continues at {@code nextIndex}, the tree is {@code state}. */
  void finishCopy(TreeState state) throws IOException {
    tx("finish the copy", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE stele_sequence SET next_index = ?, last_time = ? WHERE id = 1")) {
        ps.setLong(1, state.size());
        ps.setLong(2, state.lastIntegratedTime());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO stele_tree VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET size = excluded.size,"
              + " root = excluded.root, last_time = excluded.last_time, checkpoint = excluded.checkpoint")) {
        ps.setLong(1, state.size());
        ps.setBytes(2, state.root().bytes());
        ps.setLong(3, state.lastIntegratedTime());
        ps.setString(4, state.checkpoint());
        ps.executeUpdate();
      }
      return null;
    });
    knownSize(state.size());
  }

  // ---- JDBC plumbing ---------------------------------------------------------------------------

  /**
   * What a failed statement means for the caller. The database unreachable, restarting or out of
   * connections (SQLSTATE classes 08 connection exception and 57P operator intervention, 53300
   * too many connections, the pool's time-out) passes: a 503. Anything else is a fault.
   */
  static StorageException failed(String op, SQLException e) {
    String state = e.getSQLState();
    boolean passes = e instanceof SQLTransientConnectionException || e instanceof SQLRecoverableException
        || state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300"));
    return passes ? new StoreUnavailableException("database", "PostgreSQL: " + op, e) : new StorageException(op, e);
  }

  /** Checks that the database answers: the readiness probe's question. */
  void probe() throws StorageException {
    query("probe the database", "SELECT 1", ps -> { }, rs -> rs.next());
  }

  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  interface Reader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  interface Work<T> {
    T run(Connection c) throws SQLException, IOException;
  }

  private <T> T query(String op, String sql, Binder binder, Reader<T> reader) throws StorageException {
    assert Blocking.offEventLoop("PostgreSQL: " + op);
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        return reader.read(rs);
      }
    } catch (SQLException e) {
      throw failed(op, e);
    }
  }

  private int update(String op, String sql, Binder binder) throws StorageException {
    assert Blocking.offEventLoop("PostgreSQL: " + op);
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw failed(op, e);
    }
  }

  /**
   * Runs {@code work} in one transaction; rolls back on any failure. A backlog or fencing refusal
   * passes through as it is; every other failure becomes a {@link StorageException}.
   */
  private <T> T tx(String op, Work<T> work) throws IOException {
    assert Blocking.offEventLoop("PostgreSQL: " + op);
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        T out = work.run(c);
        c.commit();
        return out;
      } catch (SQLException | IOException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException ignored) {
          // The connection is broken; the pool discards it. The transaction did not commit.
        }
        if (e instanceof BacklogException || e instanceof FencedException || e instanceof StorageException) {
          throw (IOException) e;
        }
        if (e instanceof RuntimeException re) throw re;
        throw e instanceof SQLException sql ? failed(op, sql) : new StorageException(op, e);
      } finally {
        try {
          c.setAutoCommit(true);
        } catch (SQLException ignored) {
          // As above: a broken connection goes back to the pool to be discarded.
        }
      }
    } catch (SQLException e) {
      throw failed(op, e);
    }
  }

}
