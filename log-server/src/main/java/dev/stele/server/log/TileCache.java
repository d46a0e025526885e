package dev.stele.server.log;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BinaryOperator;

/**
 * A bounded in-memory cache of things keyed by tile coordinates (level, index): decoded hash
 * tiles for proofs, encoded tiles and bundles for the tiles API. Eviction is first-in first-out:
 * simple and lock-free, and good enough for content that stays valid forever. Safe for
 * concurrent use.
 *
 * <p>Level 0 and the levels above it are kept apart, each holding up to {@code capacity}: a log
 * has 256 times as many level-0 tiles as level-1 tiles, and proofs of entries read at random
 * bring in a new level-0 tile almost every time, while every proof goes through the few upper
 * tiles. In one shared queue the stream of level-0 tiles pushed the upper ones out: with 4,096
 * places and 10^8 entries, a level-1 tile left after 4,096 more proofs, having served about 2.7
 * of them, so about one level-1 lookup in four missed and cost a tile read and 255 hashes to
 * rebuild the tile's interior.
 *
 * @param <V> the cached value
 */
public final class TileCache<V> {
  private final Segment<V> level0;
  private final Segment<V> upper;

  /**
   * @param capacity the most values kept for level 0, and again for the levels above it
   * @param keep given the cached value and a new one for the same tile, returns the one to keep
   */
  public TileCache(int capacity, BinaryOperator<V> keep) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1");
    this.level0 = new Segment<>(capacity, keep);
    this.upper = new Segment<>(capacity, keep);
  }

  private static long key(int level, long index) {
    // Levels are 0..63 and no level of a tree has 2^56 tiles.
    return (long) level << 56 | index;
  }

  public V get(int level, long index) {
    return (level == 0 ? level0 : upper).map.get(key(level, index));
  }

  public void offer(int level, long index, V value) {
    (level == 0 ? level0 : upper).offer(key(level, index), value);
  }

  /** Values cached, both parts together. */
  public int size() {
    return level0.size.get() + upper.size.get();
  }

  private static final class Segment<V> {
    private final int capacity;
    private final BinaryOperator<V> keep;
    private final ConcurrentHashMap<Long, V> map = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Long> order = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();

    Segment(int capacity, BinaryOperator<V> keep) {
      this.capacity = capacity;
      this.keep = keep;
    }

    void offer(long k, V value) {
      boolean[] added = new boolean[1];
      map.compute(k, (kk, old) -> {
        if (old == null) {
          added[0] = true;
          return value;
        }
        return keep.apply(old, value);
      });
      if (added[0]) {
        order.add(k);
        if (size.incrementAndGet() > capacity) {
          Long oldest = order.poll();
          if (oldest != null && map.remove(oldest) != null) size.decrementAndGet();
        }
      }
    }
  }
}
