package dev.stele.server.tiles;

import io.vertx.core.buffer.Buffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded in-memory cache of full tiles or bundles, which never change once written. Eviction
 * is first-in first-out: simple, lock-free, and good enough for content that is equally valid
 * forever. Safe for concurrent use from every event loop.
 */
public final class TileCache {
  private final int capacity;
  private final ConcurrentHashMap<Long, Buffer> map = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Long> order = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();

  public TileCache(int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1");
    this.capacity = capacity;
  }

  private static long key(int level, long index) {
    // Levels are 0..63 and a tree has fewer than 2^56 tiles at any level.
    return (long) level << 56 | index;
  }

  public Buffer get(int level, long index) {
    return map.get(key(level, index));
  }

  public void put(int level, long index, Buffer content) {
    long k = key(level, index);
    if (map.putIfAbsent(k, content) != null) return;
    order.add(k);
    if (size.incrementAndGet() > capacity) {
      Long oldest = order.poll();
      if (oldest != null && map.remove(oldest) != null) size.decrementAndGet();
    }
  }
}
