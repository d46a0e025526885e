package dev.stele.merkle.tiles;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.merkle.Hash;
import dev.stele.merkle.TestLeaves;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TileFormatsTest {
  @Test
  void hashTileRoundTripAndPrefix() throws TileFormatException {
    List<Hash> hashes = TestLeaves.leaves(0, 256);
    HashTile full = HashTile.of(hashes);
    byte[] bytes = full.encode();
    assertEquals(8192, bytes.length);
    assertEquals(full, HashTile.decode(bytes));
    assertEquals(full, HashTile.decode(new TileId(0, 7, 256), bytes));
    HashTile p = full.prefix(100);
    assertEquals(100, p.width());
    assertEquals(HashTile.of(hashes.subList(0, 100)), p);
    assertEquals(hashes.get(99), p.get(99));
    assertThrows(IndexOutOfBoundsException.class, () -> p.get(100));
    assertThrows(IllegalArgumentException.class, () -> p.prefix(101));
    assertThrows(IllegalArgumentException.class, () -> HashTile.of(List.of()));
    assertThrows(IllegalArgumentException.class, () -> HashTile.of(TestLeaves.leaves(0, 257)));
    bytes[0] ^= 1;
    assertEquals(full, HashTile.decode(full.encode()), "encode returns a copy");
  }

  @Test
  void hashTileRejectsBadLengths() {
    for (int n : new int[] {0, 1, 31, 33, 8193, 8224}) {
      TileFormatException e = assertThrows(TileFormatException.class, () -> HashTile.decode(new byte[n]));
      assertTrue(e.getMessage().contains(n + " bytes"), e.getMessage());
    }
    TileFormatException e = assertThrows(TileFormatException.class,
        () -> HashTile.decode(new TileId(1, 2, 5), new byte[4 * 32]));
    assertTrue(e.getMessage().contains("tile/1/002.p/5"), e.getMessage());
  }

  @Test
  void entryBundleRoundTrip() throws TileFormatException {
    List<byte[]> entries = new ArrayList<>();
    entries.add(new byte[0]);
    entries.add(new byte[] {1, 2, 3});
    entries.add(new byte[EntryBundle.MAX_ENTRY_SIZE]);
    byte[] bundle = EntryBundle.encode(entries);
    assertEquals(2 + 0 + 2 + 3 + 2 + 65535, bundle.length);
    assertEquals((byte) 0xff, bundle[7]);
    assertEquals((byte) 0xff, bundle[8]);
    List<byte[]> back = EntryBundle.decode(bundle);
    assertEquals(3, back.size());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(entries.get(i), back.get(i));
    }
  }

  @Test
  void entryBundleRejects() {
    IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
        () -> EntryBundle.encode(List.of(new byte[1], new byte[65536])));
    assertTrue(big.getMessage().contains("entry 1"), big.getMessage());
    assertThrows(IllegalArgumentException.class, () -> EntryBundle.encode(List.of()));
    List<byte[]> many = new ArrayList<>();
    for (int i = 0; i < 257; i++) {
      many.add(new byte[1]);
    }
    assertThrows(IllegalArgumentException.class, () -> EntryBundle.encode(many));

    TileFormatException e = assertThrows(TileFormatException.class,
        () -> EntryBundle.decode(new byte[] {0, 3, 'a', 'b'}));
    assertTrue(e.getMessage().contains("needs 3 bytes"), e.getMessage());
    e = assertThrows(TileFormatException.class, () -> EntryBundle.decode(new byte[] {0, 1, 'a', 0}));
    assertTrue(e.getMessage().contains("inside the length of entry 1"), e.getMessage());
    assertThrows(TileFormatException.class, () -> EntryBundle.decode(new byte[0]));
    byte[] tooMany = new byte[257 * 2];
    e = assertThrows(TileFormatException.class, () -> EntryBundle.decode(tooMany));
    assertTrue(e.getMessage().contains("after entry 256"), e.getMessage());
  }
}
