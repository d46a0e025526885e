package dev.stele.server.distributed;

import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.tiles.EntryBundle;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileId;
import dev.stele.merkle.tiles.TileMath;
import dev.stele.merkle.tiles.TileProofBuilder;
import dev.stele.server.log.LogIdentity;
import dev.stele.server.log.StoredEntry;
import dev.stele.server.log.TreeState;
import dev.stele.server.storage.RocksLogStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Copies an embedded log into an empty distributed store ({@code stele-server migrate}): the
 * identity, every entry with its SET and integrated time, the search index, the hash tiles and
 * entry bundles of the tree at its size, and its signed checkpoint, which is reused as it is (same
 * size, same root, same signature). The copy is checked: the tiles in the object store must give
 * the checkpoint's root.
 *
 * <p>Order, as for an integration: entries, tiles and bundles first, the tree state last, so an
 * interrupted copy leaves no state pointing at missing tiles; it is restarted on an empty
 * database and bucket.
 */
public final class Migration {
  private static final Logger LOG = Logger.getLogger(Migration.class.getName());
  private static final int CHUNK = 1000;

  private Migration() {}

  /** What was copied, and the root the copy's tiles give. */
  public record Result(long size, Hash sourceRoot, Hash targetRoot, long searchKeys) {}

  /**
   * @param state the source's verified tree state (its start-up check passed)
   * @throws IOException if the target is not empty, or a read or write fails, or the copy's tiles
   *     do not give the source's root
   */
  public static Result copy(RocksLogStore from, LogIdentity identity, TreeState state, PgLogStore to)
      throws IOException {
    if (to.identity().isPresent() || to.treeState().isPresent() || to.lastEntryIndex() >= 0) {
      throw new IOException(to.describe() + " is not empty; migrate copies into an empty database and bucket");
    }
    to.createIdentity(identity);
    long size = state.size();
    for (long from0 = 0; from0 < size; from0 += CHUNK) {
      List<StoredEntry> entries = from.entries(from0, (int) Math.min(CHUNK, size - from0));
      List<Hash> leaves = new ArrayList<>(entries.size());
      for (StoredEntry e : entries) leaves.add(Rfc6962.hashLeaf(e.bodyUnsafe()));
      to.insertCopied(entries, leaves, Map.of());
    }
    List<String> keys = new ArrayList<>();
    List<Long> indexes = new ArrayList<>();
    long[] count = {0};
    from.forEachSearchKey((k, i) -> {
      keys.add(k);
      indexes.add(i);
      count[0]++;
      if (keys.size() >= CHUNK) {
        to.insertSearchKeys(keys, indexes);
        keys.clear();
        indexes.clear();
      }
    });
    if (!keys.isEmpty()) to.insertSearchKeys(keys, indexes);
    for (int level = 0; level < TileMath.LEVELS; level++) {
      long tiles = TileMath.tileCount(level, size);
      if (tiles == 0) break;
      for (long t = 0; t < tiles; t++) {
        TileId id = TileId.atSize(level, t, size);
        HashTile tile = from.readTiles(List.of(id)).get(0).prefix(id.width());
        to.objects().put(id.path(), tile.encode(), PgLogStore.TILE_TYPE, PgLogStore.IMMUTABLE);
        if (level == 0) {
          List<StoredEntry> entries = from.entries(TileMath.firstIndex(id), id.width());
          List<byte[]> bodies = new ArrayList<>(entries.size());
          for (StoredEntry e : entries) bodies.add(e.bodyUnsafe());
          to.objects().put(id.entriesPath(), EntryBundle.encode(bodies), PgLogStore.TILE_TYPE, PgLogStore.IMMUTABLE);
        }
      }
    }
    to.objects().put("checkpoint", state.checkpoint().getBytes(StandardCharsets.UTF_8), PgLogStore.CHECKPOINT_TYPE, "no-cache");
    to.knownSize(size);
    Hash root = size == 0 ? Rfc6962.EMPTY_ROOT : TileProofBuilder.root(to, size);
    if (!root.equals(state.root())) {
      throw new IOException("the copied tiles give root " + root.hex() + " for size " + size + ", the source's is "
          + state.root().hex() + "; the tree state was not written");
    }
    to.finishCopy(state);
    LOG.info("copied " + size + " entries and " + count[0] + " search keys; root " + root.hex());
    return new Result(size, state.root(), root, count[0]);
  }
}
