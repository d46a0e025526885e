package dev.stele.server.sequencer;

import dev.stele.merkle.Hash;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileId;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A decorator around the real store that, once armed, fails every commit: before it reaches the
 * disk ("fail and not persist") or after ("fail but persist", as when the acknowledgement of a
 * successful write is lost).
 */
public final class FaultyStore implements SequencerStore {
  private final SequencerStore real;
  private final boolean afterWrite;
  private final AtomicBoolean armed = new AtomicBoolean();

  public FaultyStore(SequencerStore real, boolean afterWrite) {
    this.real = real;
    this.afterWrite = afterWrite;
  }

  public void arm() {
    armed.set(true);
  }

  @Override
  public List<HashTile> readTiles(List<TileId> ids) throws IOException {
    return real.readTiles(ids);
  }

  @Override
  public long[] findIndexes(List<Hash> leafHashes) throws IOException {
    return real.findIndexes(leafHashes);
  }

  @Override
  public void commit(Batch batch) throws IOException {
    if (armed.get() && !afterWrite) throw new IOException("injected: no space left on device");
    real.commit(batch);
    if (armed.get()) throw new IOException("injected: the acknowledgement of the write was lost");
  }
}
