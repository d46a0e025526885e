package dev.stele.server;

import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.verify.Checkpoints;
import dev.stele.client.verify.VerificationException;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileId;
import dev.stele.merkle.tiles.TileMath;
import dev.stele.merkle.tiles.TileProofBuilder;
import dev.stele.server.log.LogIdentity;
import dev.stele.server.log.StoredEntry;
import dev.stele.server.log.TreeState;
import dev.stele.server.sequencer.Batch;
import dev.stele.server.sign.LogSigner;
import dev.stele.server.distributed.PgLogStore;
import dev.stele.server.storage.LogStore;
import dev.stele.server.storage.RocksLogStore;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Opens the log held in a store, and refuses a store it cannot vouch for.
 *
 * <p>Start-up reads only the right edge of the tree, so its cost does not grow with the log:
 *
 * <ol>
 *   <li>the store's identity must name this log key (a data directory belongs to one key);
 *   <li>the stored checkpoint must carry a valid signature of this key, under this signer name,
 *       and commit to the stored size and root;
 *   <li>the stored hash tiles must reproduce that root;
 *   <li>the entries must end exactly at the stored size, and the entries of the last data tile
 *       must hash to that tile's row.
 * </ol>
 *
 * <p>A new store gets its identity and a signed checkpoint for the empty tree.
 */
final class LogLoader {
  private static final Logger LOG = Logger.getLogger(LogLoader.class.getName());

  /** The store cannot be served: the message says why and what to check. */
  static final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    StartupException(String message) {
      super(message);
    }

    StartupException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private LogLoader() {}

  /**
   * The store's identity, creating it for a new store.
   *
   * @param logId the log ID of the configured key
   * @param newTreeId the tree ID to give a new store
   */
  static LogIdentity identity(LogStore store, Hash logId, long newTreeId)
      throws IOException, StartupException {
    Optional<LogIdentity> existing = store.identity();
    if (existing.isEmpty()) {
      if (store.treeState().isPresent() || store.lastEntryIndex() >= 0) {
        throw new StartupException(store.describe()
            + " holds a tree but no log identity; it was not written by this server");
      }
      LogIdentity id = new LogIdentity(newTreeId, logId);
      store.createIdentity(id);
      LOG.info("created a new log (" + store.describe() + ") with tree ID " + newTreeId);
      return id;
    }
    LogIdentity id = existing.get();
    if (!id.logId().equals(logId)) {
      throw new StartupException(store.describe() + " belongs to the log with ID "
          + id.logId().hex() + ", but the configured key has log ID " + logId.hex()
          + "; start the server with that log's key (--key), or use another --data-dir");
    }
    return id;
  }

  /** Verifies the stored tree (see the class comment), or initializes an empty one. */
  static TreeState load(RocksLogStore store, LogSigner signer)
      throws IOException, GeneralSecurityException, StartupException {
    Optional<TreeState> stored = store.treeState();
    if (stored.isEmpty()) {
      TreeState empty = new TreeState(0, Rfc6962.EMPTY_ROOT, 0, signer.signCheckpoint(0, Rfc6962.EMPTY_ROOT));
      store.commit(new Batch(List.of(), Map.of(), empty));
      return empty;
    }
    TreeState s = stored.get();
    checkCheckpoint(s, signer);
    if (s.size() > 0) {
      Hash root = TileProofBuilder.root(store, s.size());
      if (!root.equals(s.root())) {
        throw new StartupException("the stored tiles give root " + root.hex() + " for size " + s.size()
            + ", but the signed checkpoint says " + s.root().hex() + "; the store is corrupt");
      }
    }
    long last = store.lastEntryIndex();
    if (last != s.size() - 1) {
      throw new StartupException("the store holds entries up to index " + last
          + ", but its tree has size " + s.size() + "; the store is corrupt");
    }
    checkLastDataTile(store, s.size());
    return s;
  }

  static void checkCheckpoint(TreeState s, LogSigner signer) throws StartupException {
    Checkpoint cp;
    try {
      cp = Checkpoints.verify(SignedNote.parse(s.checkpoint()), signer.noteVerifier(), signer.origin());
    } catch (FormatException e) {
      throw new StartupException("the stored checkpoint is malformed: " + e.getMessage(), e);
    } catch (VerificationException e) {
      throw new StartupException("the stored checkpoint is not this log's: " + e.reason() + " (a log's key, its"
          + " signer name, the host of --public-url, and its tree ID cannot change)", e);
    }
    if (cp.size() != s.size() || !cp.root().equals(s.root())) {
      throw new StartupException("the stored checkpoint (size " + cp.size() + ", root " + cp.root().hex()
          + ") does not match the stored tree state (size " + s.size() + ", root " + s.root().hex() + ")");
    }
  }

  /**
   * The distributed store's tree (see the class comment: the checkpoint's signature and the
   * root its tiles give), or a new empty one. Several frontends may start at once: the first
   * state written wins, and every one of them checks it.
   */
  static TreeState loadDistributed(PgLogStore store, LogSigner signer)
      throws IOException, GeneralSecurityException, StartupException {
    if (store.treeState().isEmpty()) {
      store.createTree(new TreeState(0, Rfc6962.EMPTY_ROOT, 0, signer.signCheckpoint(0, Rfc6962.EMPTY_ROOT)));
    }
    TreeState s = store.treeState().orElseThrow(() -> new StartupException("no tree state after creating one"));
    checkCheckpoint(s, signer);
    if (s.size() > 0) {
      Hash root = TileProofBuilder.root(store, s.size());
      if (!root.equals(s.root())) {
        throw new StartupException("the tiles in the object store give root " + root.hex() + " for size " + s.size()
            + ", but the signed checkpoint in PostgreSQL says " + s.root().hex() + "; the store is corrupt");
      }
    }
    return s;
  }

  /** The entries of the last data tile must hash to that tile's row. */
  private static void checkLastDataTile(RocksLogStore store, long size)
      throws IOException, StartupException {
    if (size == 0) return;
    TileId last = TileMath.dataTile(size - 1, size);
    long tile = last.index();
    int width = last.width();
    long first = TileMath.firstIndex(last);
    HashTile row = store.tile(0, tile);
    if (row == null) throw new StartupException("data tile 0/" + tile + " is missing; the store is corrupt");
    if (row.width() != width) {
      throw new StartupException("data tile 0/" + tile + " has width " + row.width() + ", expected "
          + width + " for size " + size + "; the store is corrupt");
    }
    List<StoredEntry> entries = store.entries(first, width);
    if (entries.size() != width) {
      throw new StartupException("data tile 0/" + tile + " covers " + width + " entries but only "
          + entries.size() + " are stored; the store is corrupt");
    }
    for (int i = 0; i < width; i++) {
      if (!Rfc6962.hashLeaf(entries.get(i).bodyUnsafe()).equals(row.get(i))) {
        throw new StartupException("entry " + (first + i) + " does not hash to its leaf in tile 0/"
            + tile + "; the store is corrupt");
      }
    }
  }
}
