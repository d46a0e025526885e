package dev.stele.admission;

import dev.stele.client.oci.Digest;
import dev.stele.client.verify.ImageVerifier.VerifiedImage;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Images already verified, per manifest digest and rule: a digest names exactly one content, so
 * what was verified for it under a rule stays true until the rule changes (a restart) or the
 * entry's time is up. Only successes are kept; a failure is checked again next time, since its
 * cause (a registry down, a signature not yet pushed) may pass.
 *
 * <p>Bounded: at most {@code capacity} entries, the least recently used leaving first; each lives
 * {@code ttl} from when it was verified, so a signature removed from the registry or a log that
 * started lying is noticed within {@code ttl}. Thread-safe.
 */
final class VerifiedCache {
  /** What the cache is keyed by. */
  record Key(Digest digest, String rule) {}

  private record Entry(VerifiedImage image, long expiresNanos) {}

  private final int capacity;
  private final long ttlNanos;
  private final LongSupplier nanoTime;
  private final LinkedHashMap<Key, Entry> entries;

  VerifiedCache(int capacity, Duration ttl, LongSupplier nanoTime) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must not be negative, got " + capacity);
    }
    this.capacity = capacity;
    this.ttlNanos = ttl.toNanos();
    this.nanoTime = nanoTime;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
        return size() > VerifiedCache.this.capacity;
      }
    };
  }

  synchronized Optional<VerifiedImage> get(Key key) {
    Entry e = entries.get(key);
    if (e == null) {
      return Optional.empty();
    }
    if (nanoTime.getAsLong() - e.expiresNanos >= 0) {
      entries.remove(key);
      return Optional.empty();
    }
    return Optional.of(e.image);
  }

  synchronized void put(Key key, VerifiedImage image) {
    if (capacity > 0 && ttlNanos > 0) {
      entries.put(key, new Entry(image, nanoTime.getAsLong() + ttlNanos));
    }
  }

  synchronized int size() {
    return entries.size();
  }
}
