package dev.stele.merkle.tiles;

import dev.stele.merkle.Hash;
import dev.stele.merkle.NodeId;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.proof.ConsistencyProof;
import dev.stele.merkle.proof.InclusionProof;
import dev.stele.merkle.proof.ProofNodes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Proofs and roots of the tree of a given size, computed from its C2SP tlog-tiles hash tiles.
 *
 * <p>A node at tree level {@code l} lives in tile level {@code l / 8}: directly as a tile hash when
 * {@code l} is a multiple of 8, otherwise as the root of {@code 2^(l % 8)} consecutive hashes of
 * that tile, which are hashed up on the spot. All tiles a proof needs are requested in one {@link
 * TileReader#readTiles} call, at their widths in the tree of the given size.
 */
public final class TileProofBuilder {
  private TileProofBuilder() {}

  /**
   * The inclusion proof for leaf {@code index} in the tree of {@code treeSize} leaves.
   *
   * @throws IllegalArgumentException unless {@code 0 <= index < treeSize}
   * @throws IOException if the reader fails or lacks a tile
   */
  public static InclusionProof inclusion(TileReader reader, long index, long treeSize)
      throws IOException {
    ProofNodes nodes = ProofNodes.inclusion(index, treeSize);
    return new InclusionProof(index, treeSize, nodes.rehash(nodeHashes(reader, treeSize, nodes.ids())));
  }

  /**
   * The consistency proof between the trees of {@code size1} and {@code size2} leaves.
   *
   * @throws IllegalArgumentException unless {@code 0 < size1 <= size2}
   * @throws IOException if the reader fails or lacks a tile
   */
  public static ConsistencyProof consistency(TileReader reader, long size1, long size2)
      throws IOException {
    ProofNodes nodes = ProofNodes.consistency(size1, size2);
    return new ConsistencyProof(size1, size2, nodes.rehash(nodeHashes(reader, size2, nodes.ids())));
  }

  /**
   * The root of the tree of {@code treeSize} leaves ({@link Rfc6962#EMPTY_ROOT} for 0, without
   * reading anything).
   *
   * @throws IllegalArgumentException if {@code treeSize} is negative
   * @throws IOException if the reader fails or lacks a tile
   */
  public static Hash root(TileReader reader, long treeSize) throws IOException {
    if (treeSize < 0) {
      throw new IllegalArgumentException("tree size " + treeSize + " is negative");
    }
    if (treeSize == 0) {
      return Rfc6962.EMPTY_ROOT;
    }
    // The perfect nodes covering [0, treeSize), one per set bit, largest (leftmost) first.
    List<NodeId> ids = new ArrayList<>(Long.bitCount(treeSize));
    long begin = 0;
    for (long bits = treeSize; bits != 0; bits &= ~Long.highestOneBit(bits)) {
      int level = 63 - Long.numberOfLeadingZeros(bits);
      ids.add(new NodeId(level, begin >>> level));
      begin += 1L << level;
    }
    List<Hash> hashes = nodeHashes(reader, treeSize, ids);
    Hash root = hashes.get(hashes.size() - 1);
    for (int i = hashes.size() - 2; i >= 0; i--) {
      root = Rfc6962.hashChildren(hashes.get(i), root);
    }
    return root;
  }

  /** The hashes of perfect nodes of the tree of {@code treeSize} leaves, read from its tiles. */
  static List<Hash> nodeHashes(TileReader reader, long treeSize, List<NodeId> ids)
      throws IOException {
    Map<TileId, Integer> wanted = new LinkedHashMap<>();
    for (NodeId id : ids) {
      if (id.coverageEnd() > treeSize) {
        throw new IllegalArgumentException(id + " is not a perfect node of a tree of size " + treeSize);
      }
      wanted.putIfAbsent(TileMath.tileOf(id, treeSize), wanted.size());
    }
    List<HashTile> tiles = Tiles.read(reader, new ArrayList<>(wanted.keySet()));
    List<Hash> out = new ArrayList<>(ids.size());
    for (NodeId id : ids) {
      int sub = id.level() % TileId.HEIGHT;
      long first = id.index() << sub;
      HashTile tile = tiles.get(wanted.get(TileMath.tileOf(id, treeSize)));
      int pos = (int) (first & (TileId.FULL_WIDTH - 1));
      // The tile keeps its interior nodes: a reader that hands out the same tile objects again
      // (a cache) makes every later proof through them cost lookups only.
      out.add(tile.subtree(pos, 1 << sub));
    }
    return out;
  }
}
