package dev.stele.server.storage;

import dev.stele.merkle.Hash;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileReader;
import dev.stele.server.log.LogIdentity;
import dev.stele.server.log.StoredEntry;
import dev.stele.server.log.TreeState;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The read side's storage seam (ARCHITECTURE.md, principle 12): what {@code LogReader}, the
 * start-up checks and the audits read. Two drivers satisfy it: the embedded {@link RocksLogStore}
 * (the default) and the PostgreSQL + S3 store of {@code dev.stele.server.distributed}. Writes go
 * through the sequencer's seam ({@code SequencerStore}) or, for the distributed driver, its
 * own sequencing and integration.
 *
 * <p>Contract, the same for every driver:
 *
 * <ul>
 *   <li>{@link #treeState} is the newest state whose every tile and entry is readable: no caller
 *       is ever handed a checkpoint whose tiles are missing;
 *   <li>entries, the leaf index and the search index answer for at least every index below that
 *       state's size (a driver may hold more: sequenced, not yet integrated);
 *   <li>{@link #readTiles} returns each tile at a width of at least the one asked for, or fails.
 * </ul>
 *
 * <p>Every method blocks: never call one on an event loop. Thread-safe.
 */
public interface LogStore extends TileReader, AutoCloseable {
  /** The log identity written when the store was created, if it has been. */
  Optional<LogIdentity> identity() throws IOException;

  /** Writes the identity of a new store, durably. Fails if one is already there. */
  void createIdentity(LogIdentity id) throws IOException;

  /** The newest integrated tree state; empty for a log that has never committed one. */
  Optional<TreeState> treeState() throws IOException;

  /** The stored tile (level, index) at its newest width, or null if there is none. */
  HashTile tile(int level, long index) throws IOException;

  /** The index of the entry with this leaf hash, or -1. */
  long findIndex(Hash leafHash) throws IOException;

  /** The entry at {@code index}, or empty if the store has none there. */
  Optional<StoredEntry> entry(long index) throws IOException;

  /** Up to {@code count} consecutive entries starting at {@code from}, stopping at the first gap. */
  List<StoredEntry> entries(long from, int count) throws IOException;

  /**
   * Stores the SET of an entry kept without one ({@link StoredEntry#noSet}: appended by {@code
   * stele-server import}, or copied from such a log), signed by the read side when the entry was
   * first served. Readers racing here store SETs over the same fields, each valid; any may stay.
   */
  void keepSet(StoredEntry signed) throws IOException;

  /** The index of the last entry stored, or -1 if there is none. */
  long lastEntryIndex() throws IOException;

  /**
   * A cursor over the entries filed under the search key {@code key}, in index order: what a
   * search page walks ({@code LogReader#search}). It may hold store resources: close it.
   */
  SearchCursor searchCursor(String key) throws IOException;

  /**
   * The entries filed under one search key, read forward from any index. Not thread-safe: one
   * request's.
   */
  interface SearchCursor extends AutoCloseable {
    /**
     * The smallest index at or after {@code from} filed under the key, or -1 if there is none.
     * Free if the cursor is already there.
     */
    long seek(long from) throws IOException;

    /**
     * The leaf hash of the entry the cursor is at, when the index gives it without reading the
     * entry; else null (the caller reads it from the level-0 tile).
     */
    Hash leafHash();

    @Override
    void close();
  }

  /** Where the store lives, for messages: "the store in DIR", "PostgreSQL at URL". */
  String describe();

  @Override
  void close();
}
