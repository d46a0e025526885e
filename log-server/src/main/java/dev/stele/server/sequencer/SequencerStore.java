package dev.stele.server.sequencer;

import dev.stele.merkle.Hash;
import dev.stele.merkle.tiles.TileReader;
import java.io.IOException;
import java.util.List;

/**
 * The three things the sequencer needs from storage. It exists so that tests can wrap the real
 * store to inject faults; the real implementation is the RocksDB store.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>{@link #readTiles} returns each tile at a width of at least the one asked for, and MUST
 *       fail rather than return less.
 *   <li>{@link #findIndexes} MUST see every entry of every batch whose {@link #commit} returned.
 *   <li>{@link #commit} is atomic and durable on return: after it returns, the whole batch
 *       survives a crash of the process or the machine; if it throws, either none of the batch
 *       is visible or all of it is (the caller cannot tell which, and so treats the failure as
 *       fatal and re-reads the state on restart).
 * </ul>
 *
 * <p>Called from the sequencer thread only; implementations need not be safe for concurrent
 * writers, but reads may run concurrently with a commit.
 */
public interface SequencerStore extends TileReader {
  /**
   * Looks up leaf hashes in the leaf index.
   *
   * @return for each hash, in order, its index in the log, or -1 if it is not in the log
   */
  long[] findIndexes(List<Hash> leafHashes) throws IOException;

  /** Writes the batch atomically, synced to disk before returning. */
  void commit(Batch batch) throws IOException;
}
