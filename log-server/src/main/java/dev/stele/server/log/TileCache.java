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
 * @param <V> the cached value
 */
public final class TileCache<V> {
  private final int capacity;
  private final BinaryOperator<V> keep;
  private final ConcurrentHashMap<Long, V> map = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Long> order = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();

  /**
   * @param keep given the cached value and a new one for the same tile, returns the one to keep
   */
  public TileCache(int capacity, BinaryOperator<V> keep) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1");
    this.capacity = capacity;
    this.keep = keep;
  }

  private static long key(int level, long index) {
    // Levels are 0..63 and no level of a tree has 2^56 tiles.
    return (long) level << 56 | index;
  }

  public V get(int level, long index) {
    return map.get(key(level, index));
  }

  public void offer(int level, long index, V value) {
    long k = key(level, index);
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
