package dev.stele.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stele.merkle.Hash;
import dev.stele.merkle.tiles.EntryBundle;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileFormatException;
import dev.stele.merkle.tiles.TileId;
import dev.stele.merkle.tiles.TilePath;
import dev.stele.merkle.tiles.TileProofBuilder;
import dev.stele.merkle.tiles.TileReader;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** C2SP tlog-tiles: resource paths, hash tiles and entry bundles (merkle {@code tiles}). */
class TileFuzzTest {
  /** A path as a tile server receives it; a parsed path prints back exactly as it was given. */
  @FuzzTest
  void tilePath(byte[] input) {
    String text = Contract.utf8(input);
    TilePath path;
    try {
      path = TilePath.parse(text);
    } catch (TileFormatException e) {
      Contract.refused(e);
      return;
    }
    assertEquals(text.startsWith("/") ? text.substring(1) : text, path.path());
  }

  /**
   * Which tile a tree of a given size has at a level and index (what a tile server decides for
   * every path that parses, levels 0 to 63 and any index): {@link TileId#atSize} against its
   * definition in exact arithmetic, the row at level L being the size divided by 256^L.
   * Input: 8 bytes tree size, 1 byte level, 8 bytes index (missing bytes are zero).
   */
  @FuzzTest
  void tileInTree(byte[] input) {
    ByteBuffer in = ByteBuffer.wrap(Arrays.copyOf(input, 17));
    long size = in.getLong() & Long.MAX_VALUE;
    int level = (in.get() & 0xff) % (TileId.MAX_LEVEL + 1);
    long index = in.getLong() & Long.MAX_VALUE;
    BigInteger row = BigInteger.valueOf(size).shiftRight(TileId.HEIGHT * level);
    BigInteger start = BigInteger.valueOf(index).shiftLeft(TileId.HEIGHT);
    if (start.compareTo(row) >= 0) {
      assertThrows(IllegalArgumentException.class, () -> TileId.atSize(level, index, size),
          () -> "a tree of size " + size + " has no tile " + level + "/" + index);
      return;
    }
    long width = row.subtract(start).min(BigInteger.valueOf(TileId.FULL_WIDTH)).longValueExact();
    assertEquals(new TileId(level, index, (int) width), TileId.atSize(level, index, size));
  }

  /** A hash tile as served; what decodes encodes to the same bytes. */
  @FuzzTest
  void hashTile(byte[] input) {
    HashTile tile;
    try {
      tile = HashTile.decode(input);
    } catch (TileFormatException e) {
      Contract.refused(e);
      return;
    }
    Contract.sameBytes(input, tile.encode(), "tile encoded back");
  }

  /** An entry bundle as served; what decodes encodes to the same bytes. */
  @FuzzTest
  void entryBundle(byte[] input) {
    List<byte[]> entries;
    try {
      entries = EntryBundle.decode(input);
    } catch (TileFormatException e) {
      Contract.refused(e);
      return;
    }
    Contract.sameBytes(input, EntryBundle.encode(entries), "bundle encoded back");
  }

  /**
   * Proofs and roots built from tiles a server sends (a monitor or a tile client does this with
   * the sizes of checkpoints it is given): any tree size, tiles of any content or width. Only an
   * IOException from the reader's failures may come out. Input: 8 bytes tree size, 8 bytes a
   * smaller size and leaf index; then the tiles, in request order, each a width byte and that
   * many hashes (the width byte 0 meaning the requested width).
   */
  @FuzzTest
  void proofFromTiles(byte[] input) {
    ByteBuffer in = ByteBuffer.wrap(input);
    if (in.remaining() < 16) {
      return;
    }
    long size = Math.max(1, in.getLong() & Long.MAX_VALUE);
    long smaller = 1 + Long.remainderUnsigned(in.getLong(), size);
    TileReader reader = ids -> {
      List<HashTile> out = new ArrayList<>(ids.size());
      for (TileId id : ids) {
        if (!in.hasRemaining()) {
          throw new IOException("the server has no more tiles");
        }
        int width = in.get() & 0xff;
        byte[] bytes = new byte[Math.min(in.remaining(), (width == 0 ? id.width() : width) * Hash.SIZE)];
        in.get(bytes);
        try {
          out.add(HashTile.decode(bytes));
        } catch (TileFormatException e) {
          throw new IOException(e.getMessage(), e);
        }
      }
      return out;
    };
    try {
      TileProofBuilder.root(reader, size);
      TileProofBuilder.consistency(reader, smaller, size);
      TileProofBuilder.inclusion(reader, smaller - 1, size);
    } catch (IOException e) {
      Contract.refused(e);
    }
  }
}
