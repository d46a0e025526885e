package dev.stele.server.sequencer;

import dev.stele.merkle.Hash;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A decorator around the real store that, once armed, fails in one chosen way until disarmed. The
 * faults are the rows of the fault table in {@link Sequencer}'s class comment.
 */
public final class FaultyStore implements SequencerStore {
  /** What goes wrong once the store is armed. */
  public enum Fault {
    /** The leaf-index lookup (dedupe) fails. */
    LOOKUP,
    /** Every commit fails before it reaches the disk ("fail and not persist"). */
    COMMIT_BEFORE_WRITE,
    /**
     * Every commit fails after it reached the disk ("fail but persist", as when the
     * acknowledgement of a successful write is lost).
     */
    COMMIT_AFTER_WRITE,
    /** Tiles come back with their first hash changed, as after corruption on disk. */
    CORRUPT_TILES,
    /** The leaf-index lookup throws an {@link Error} (as out of memory would). */
    LOOKUP_ERROR,
    /** Every commit writes, then throws an {@link Error}. */
    COMMIT_ERROR_AFTER_WRITE,
    /** Every commit waits until the store is disarmed, then writes (a stuck disk). */
    COMMIT_BLOCKS
  }

  private final SequencerStore real;
  private final Fault fault;
  private final AtomicBoolean armed = new AtomicBoolean();

  public FaultyStore(SequencerStore real, Fault fault) {
    this.real = real;
    this.fault = fault;
  }

  /** A store whose commits fail before or after the write. */
  public FaultyStore(SequencerStore real, boolean afterWrite) {
    this(real, afterWrite ? Fault.COMMIT_AFTER_WRITE : Fault.COMMIT_BEFORE_WRITE);
  }

  public void arm() {
    armed.set(true);
  }

  public void disarm() {
    armed.set(false);
  }

  private boolean failing(Fault f) {
    return fault == f && armed.get();
  }

  @Override
  public List<HashTile> readTiles(List<TileId> ids) throws IOException {
    List<HashTile> tiles = real.readTiles(ids);
    if (!failing(Fault.CORRUPT_TILES)) return tiles;
    List<HashTile> out = new ArrayList<>(tiles.size());
    for (HashTile t : tiles) {
      List<Hash> hashes = new ArrayList<>();
      for (int i = 0; i < t.width(); i++) hashes.add(t.get(i));
      byte[] first = hashes.get(0).bytes();
      first[0] ^= 1;
      hashes.set(0, Hash.of(first));
      out.add(HashTile.of(hashes));
    }
    return out;
  }

  @Override
  public long[] findIndexes(List<Hash> leafHashes) throws IOException {
    if (failing(Fault.LOOKUP)) throw new IOException("injected: leaf index lookup failed");
    if (failing(Fault.LOOKUP_ERROR)) throw new OutOfMemoryError("injected: out of memory in the lookup");
    return real.findIndexes(leafHashes);
  }

  @Override
  public void commit(Batch batch) throws IOException {
    if (failing(Fault.COMMIT_BEFORE_WRITE)) throw new IOException("injected: no space left on device");
    while (failing(Fault.COMMIT_BLOCKS)) {
      committing.countDown();
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    real.commit(batch);
    if (failing(Fault.COMMIT_AFTER_WRITE)) {
      throw new IOException("injected: the acknowledgement of the write was lost");
    }
    if (failing(Fault.COMMIT_ERROR_AFTER_WRITE)) {
      throw new StackOverflowError("injected: a stack overflow after the write");
    }
  }

  /** Counted down when a commit starts waiting ({@link Fault#COMMIT_BLOCKS}). */
  public final CountDownLatch committing = new CountDownLatch(1);
}
