package dev.stele.client.crypto;

import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;

/**
 * Builds {@link SignatureVerifier}s like {@link SignatureVerifiers}, keeping parsed ECDSA keys for
 * the keys that come back. Owned by a component that verifies many signatures by recurring
 * signers (the log's entry validation, a verifier of many entries); never shared through static
 * state, so its size and lifetime are its owner's.
 *
 * <p>Why: Bouncy Castle stores on each parsed point the multiples of it that verification uses.
 * A verifier for a point seen before is about three times faster than one for a fresh point
 * (13.8k against 4.5k P-256 verifications per CPU-second here), and signers recur in a log.
 *
 * <p>Bound: at most {@code capacity} keys, least recently used evicted first. Each entry is the
 * point and its precomputed multiples, a few kilobytes, so the default {@value #DEFAULT_CAPACITY}
 * keys stay within a few megabytes. Submitters choose the keys, so the bound is what keeps a
 * stream of fresh keys from growing memory; such a stream only evicts, and a miss costs a slower
 * verification, never a different answer. RSA and Ed25519 keys gain nothing from a cache and
 * are parsed each time.
 *
 * <p>Thread-safe: lookups take a lock briefly; parsing happens outside it.
 */
public final class VerifierCache {
  /** Enough for the distinct signers a busy log sees between two entries by one signer. */
  public static final int DEFAULT_CAPACITY = 1024;

  private final int capacity;
  /** DER SubjectPublicKeyInfo to parsed point, in access order; guarded by {@code this}. */
  private final LinkedHashMap<ByteBuffer, ECPublicKeyParameters> points;

  /**
   * A cache of at most {@code capacity} ECDSA keys; 0 keeps none.
   *
   * @throws IllegalArgumentException if {@code capacity} is negative
   */
  public VerifierCache(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must not be negative, got " + capacity);
    }
    this.capacity = capacity;
    this.points = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<ByteBuffer, ECPublicKeyParameters> eldest) {
        return size() > VerifierCache.this.capacity;
      }
    };
  }

  /** {@link SignatureVerifiers#forKey(PublicKey, HashAlgorithm)}, with this cache. */
  public SignatureVerifier forKey(PublicKey key, HashAlgorithm hash) throws InvalidKeyException {
    KeyType type = PublicKeys.typeOf(key);
    return SignatureVerifiers.forKey(type, parameters(key, type), hash);
  }

  /** {@link SignatureVerifiers#forDigest(PublicKey, HashAlgorithm)}, with this cache. */
  public SignatureVerifier forDigest(PublicKey key, HashAlgorithm hash) throws InvalidKeyException {
    KeyType type = PublicKeys.typeOf(key);
    SignatureVerifiers.checkDigest(type, hash);
    return SignatureVerifiers.forDigest(type, parameters(key, type), hash);
  }

  /** How many keys are kept now (at most the capacity). */
  public synchronized int size() {
    return points.size();
  }

  /** The capacity given at construction. */
  public int capacity() {
    return capacity;
  }

  AsymmetricKeyParameter parameters(PublicKey key, KeyType type) throws InvalidKeyException {
    if (!type.isEcdsa() || capacity == 0) {
      return PublicKeys.bcParameters(key);
    }
    ByteBuffer id = ByteBuffer.wrap(PublicKeys.encoded(key));
    synchronized (this) {
      ECPublicKeyParameters cached = points.get(id);
      if (cached != null) {
        return cached;
      }
    }
    ECPublicKeyParameters parsed = (ECPublicKeyParameters) PublicKeys.bcParameters(key);
    synchronized (this) {
      // Another thread may have parsed the same key meanwhile: keep the first, so its
      // precomputation is the one that is reused.
      ECPublicKeyParameters raced = points.putIfAbsent(id, parsed);
      return raced != null ? raced : parsed;
    }
  }

  @Override
  public String toString() {
    return "VerifierCache[" + size() + " of " + capacity + " keys]";
  }
}
