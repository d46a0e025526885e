package dev.stele.client.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.crypto.TestKeys;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexKeysTest {
  @Test
  void forHash_prefixRules() throws Exception {
    String h = "AB".repeat(32);
    assertEquals("sha256:" + h.toLowerCase(), IndexKeys.forHash(h));
    assertEquals("sha256:" + h.toLowerCase(), IndexKeys.forHash("SHA256:" + h));
    assertEquals("sha1:" + "0".repeat(40), IndexKeys.forHash("0".repeat(40)));
    assertEquals("sha384:" + "0".repeat(96), IndexKeys.forHash("0".repeat(96)));
    assertEquals("sha512:" + "0".repeat(128), IndexKeys.forHash("0".repeat(128)));
    assertTrue(assertThrows(FormatException.class, () -> IndexKeys.forHash("0".repeat(63))).getMessage()
        .contains("must be 40, 64, 96 or 128 hex digits, got 63"));
    assertTrue(assertThrows(FormatException.class, () -> IndexKeys.forHash("md5:" + "0".repeat(32))).getMessage()
        .contains("unsupported hash algorithm 'md5'"));
    assertTrue(assertThrows(FormatException.class, () -> IndexKeys.forHash("sha256:" + "0".repeat(40))).getMessage()
        .contains("a sha256 hash is 64 hex digits, got 40"));
    assertThrows(FormatException.class, () -> IndexKeys.forHash("z".repeat(64)));
  }

  /** What a search computes finds what EntryKinds stored, for both kinds and any PEM wrapping. */
  @Test
  void queriesMatchStoredKeys() throws Exception {
    byte[] artifact = "a".getBytes(StandardCharsets.UTF_8);
    byte[] digest = HashAlgorithm.SHA256.digest(artifact);
    String pem = Proposals.publicKeyPem(TestKeys.p256().getPublic());
    ObjectNode proposal = Proposals.hashedRekord("sha256", HexFormat.of().formatHex(digest),
        dev.stele.client.crypto.TestKeys.jdkSign("SHA256withECDSA", TestKeys.p256().getPrivate(), artifact), pem);
    List<String> stored = EntryKinds.canonicalize(proposal).indexKeys();
    assertTrue(stored.contains(IndexKeys.forHash(HexFormat.of().formatHex(digest).toUpperCase())));
    String rewrapped = pem.replace("\n", "\r\n");
    KeyMaterial queried = KeyMaterial.parse(rewrapped.getBytes(StandardCharsets.US_ASCII));
    assertTrue(stored.contains(IndexKeys.forPublicKey(queried).get(0)), stored.toString());
  }

  @Test
  void forEmailAndSubject_refuseWhatNoEntryIsFiledUnder() throws Exception {
    assertEquals("a.b@example.com", IndexKeys.forEmail("A.B@Example.COM"));
    for (String bad : new String[] {"no-at-sign", "@example.com", "a@", "a@b@c", "a b@example.com", "a@.example",
        "a@example..com", "a@example.com.", "x".repeat(250) + "@a.bc"}) {
      assertThrows(FormatException.class, () -> IndexKeys.forEmail(bad), bad);
    }
    assertEquals("https://github.com/x", IndexKeys.forSubject("https://GitHub.com/x"));
    assertEquals(512, IndexKeys.forSubject("s".repeat(512)).length());
    assertEquals("subject is 513 characters; this log indexes subjects of at most 512",
        assertThrows(FormatException.class, () -> IndexKeys.forSubject("s".repeat(513))).getMessage());
    assertThrows(FormatException.class, () -> IndexKeys.forSubject("a\u0000b"));
  }

  @Test
  void digestKeys_onlyWhatALookupCanAskFor() {
    assertEquals("sha256:" + "ab".repeat(32), IndexKeys.digestKey("SHA256", "AB".repeat(32)).orElseThrow());
    assertEquals("sha1:" + "0".repeat(40), IndexKeys.digestKey("sha1", "0".repeat(40)).orElseThrow());
    assertTrue(IndexKeys.digestKey("sha256", "ab").isEmpty());
    assertTrue(IndexKeys.digestKey("md5", "0".repeat(32)).isEmpty());
    assertTrue(IndexKeys.digestKey("sha256", "g".repeat(64)).isEmpty());
    assertTrue(IndexKeys.digestKey("gitCommit", "0".repeat(40)).isEmpty());
  }

  @Test
  void bound_dropsMalformedKeys_andKeepsTheFirst256() {
    List<String> candidates = new java.util.ArrayList<>(List.of("", "a\nb", "x".repeat(513), "k", "k"));
    for (int i = 0; i < 300; i++) {
      candidates.add("key" + i);
    }
    List<String> bound = IndexKeys.bound(candidates);
    assertEquals(256, bound.size());
    assertEquals("k", bound.get(0));
    assertEquals("key254", bound.get(255));
  }
}
