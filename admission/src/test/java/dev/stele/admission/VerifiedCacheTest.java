package dev.stele.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.TrustedLog;
import dev.stele.client.ValidityPeriod;
import dev.stele.client.keys.KeyFiles;
import dev.stele.client.oci.Digest;
import dev.stele.client.oci.Repository;
import dev.stele.client.protocol.EntryId;
import dev.stele.client.protocol.KeyMaterial;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.verify.ImageVerifier.VerifiedImage;
import dev.stele.client.verify.VerifiedEntry;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VerifiedCacheTest {
  private final AtomicLong now = new AtomicLong(1_000_000);

  private static VerifiedImage image(String hex) throws Exception {
    PublicKey key = KeyFiles.generateEcdsaP256().getPublic();
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    LoggedEntry e = new LoggedEntry(EntryId.ofUuid(Rfc6962.hashLeaf(body)), body, 1, Hash.fromHex("00".repeat(32)), 0,
        Optional.empty(), Optional.empty(), Optional.empty());
    VerifiedEntry v = new VerifiedEntry(e, "hashedrekord 0.0.1",
        KeyMaterial.parse(KeyFiles.encodePublicKey(key).getBytes(StandardCharsets.UTF_8)),
        TrustedLog.rekorV1(URI.create("http://127.0.0.1:3000"), key, ValidityPeriod.ALWAYS), Optional.empty(),
        Optional.empty());
    return new VerifiedImage(new Repository("127.0.0.1:5000", "demo/app"), new Digest(hex), v, 1);
  }

  private static VerifiedCache.Key key(char c, String rule) {
    return new VerifiedCache.Key(new Digest(String.valueOf(c).repeat(64)), rule);
  }

  @Test
  void entriesExpireAfterTheTtl() throws Exception {
    VerifiedCache cache = new VerifiedCache(10, Duration.ofSeconds(60), now::get);
    VerifiedImage a = image("a".repeat(64));
    cache.put(key('a', "r"), a);
    assertEquals(Optional.of(a), cache.get(key('a', "r")));
    assertTrue(cache.get(key('a', "other-rule")).isEmpty(), "keyed by rule too");
    now.addAndGet(Duration.ofSeconds(59).toNanos());
    assertEquals(Optional.of(a), cache.get(key('a', "r")));
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertTrue(cache.get(key('a', "r")).isEmpty());
    assertEquals(0, cache.size());
  }

  @Test
  void theLeastRecentlyUsedLeavesFirst() throws Exception {
    VerifiedCache cache = new VerifiedCache(2, Duration.ofMinutes(10), now::get);
    cache.put(key('a', "r"), image("a".repeat(64)));
    cache.put(key('b', "r"), image("b".repeat(64)));
    cache.get(key('a', "r"));
    cache.put(key('c', "r"), image("c".repeat(64)));
    assertEquals(2, cache.size());
    assertTrue(cache.get(key('b', "r")).isEmpty());
    assertTrue(cache.get(key('a', "r")).isPresent());
    assertTrue(cache.get(key('c', "r")).isPresent());
  }

  @Test
  void sizeZeroKeepsNothing() throws Exception {
    VerifiedCache cache = new VerifiedCache(0, Duration.ofMinutes(10), now::get);
    cache.put(key('a', "r"), image("a".repeat(64)));
    assertEquals(0, cache.size());
  }
}
