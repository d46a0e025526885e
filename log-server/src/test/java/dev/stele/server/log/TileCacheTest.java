package dev.stele.server.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class TileCacheTest {
  @Test
  void aStreamOfLevel0Tiles_doesNotPushTheUpperLevelsOut() {
    TileCache<String> cache = new TileCache<>(4, (old, fresh) -> old);
    cache.offer(1, 7, "level 1");
    cache.offer(2, 0, "level 2");
    for (long i = 0; i < 1000; i++) {
      cache.offer(0, i, "level 0 #" + i);
    }
    assertEquals("level 1", cache.get(1, 7));
    assertEquals("level 2", cache.get(2, 0));
    // Level 0 keeps its own four, first in, first out.
    assertNull(cache.get(0, 995));
    assertEquals("level 0 #996", cache.get(0, 996));
    assertEquals("level 0 #999", cache.get(0, 999));
    assertEquals(6, cache.size());
  }

  @Test
  void theUpperLevels_areBoundedToo_andKeepDecidesBetweenTwoValuesOfOneTile() {
    TileCache<String> cache = new TileCache<>(2, (old, fresh) -> fresh.length() > old.length() ? fresh : old);
    cache.offer(1, 0, "a");
    cache.offer(1, 0, "wider");
    cache.offer(1, 0, "b");
    assertEquals("wider", cache.get(1, 0));
    cache.offer(1, 1, "x");
    cache.offer(3, 0, "y");
    assertNull(cache.get(1, 0), "the oldest upper tile leaves when a third comes in");
    assertEquals("x", cache.get(1, 1));
    assertEquals("y", cache.get(3, 0));
    assertEquals(2, cache.size());
  }
}
