package dev.stele.merkle.tiles;

import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The right edge of a tree stored as C2SP tlog-tiles: its size, its root, and its partial tiles
 * ({@link TileMath#rightEdge}: at most one per tile level), which hold every node that new leaves
 * can combine with. It is all that a writer (the log's sequencer) or a replayer (a monitor
 * recomputing a log's tree) keeps in memory to grow a tree: tiles that fill up are handed out by
 * {@link #append} and never needed again.
 *
 * <p>Immutable and safe to share between threads. {@link #append} returns the next edge and leaves
 * this one as it was, so a writer computes the next state, makes it durable, and only then adopts
 * it; if persisting fails, it drops the result and still holds the edge that matches its store.
 *
 * <p>The tiles it holds are the very objects {@link TreeIntegrator} made, which carry the roots of
 * their subtrees; handing them back to the integrator on the next append spares it rehashing
 * them (see {@link HashTile}).
 */
public final class RightEdge {
  private static final RightEdge EMPTY = new RightEdge(0, Rfc6962.EMPTY_ROOT, List.of(), List.of());

  private final long size;
  private final Hash root;
  /** Exactly {@code TileMath.rightEdge(size)}, lowest level first. */
  private final List<TileId> ids;
  /** One per id, each exactly as wide as its id. */
  private final List<HashTile> tiles;

  /**
   * The result of {@link #append}: the grown tree's edge, and every tile whose content changed, at
   * its new width (the tiles a store must persist; full tiles among them never change again).
   */
  public record Growth(RightEdge edge, Map<TileId, HashTile> changedTiles) {
    public Growth {
      Objects.requireNonNull(edge, "edge");
      changedTiles = Collections.unmodifiableMap(new LinkedHashMap<>(changedTiles));
    }
  }

  private RightEdge(long size, Hash root, List<TileId> ids, List<HashTile> tiles) {
    this.size = size;
    this.root = root;
    this.ids = List.copyOf(ids);
    this.tiles = List.copyOf(tiles);
  }

  /** The edge of the empty tree. */
  public static RightEdge empty() {
    return EMPTY;
  }

  /**
   * The edge of the tree of {@code size} leaves, read from {@code reader} in one {@link
   * TileReader#readTiles} call, with the root computed from those tiles. The root is only as good
   * as the tiles: a caller compares it with a root it trusts (a signed checkpoint's) before it
   * trusts either.
   *
   * @throws IllegalArgumentException if {@code size} is negative
   * @throws IOException if the reader fails, or lacks a tile, or returns one narrower than the tree
   *     of {@code size} has it (the message names the tile)
   */
  public static RightEdge load(TileReader reader, long size) throws IOException {
    Objects.requireNonNull(reader, "reader");
    List<TileId> ids = TileMath.rightEdge(size);
    if (size == 0) {
      return EMPTY;
    }
    List<HashTile> read = Tiles.read(reader, ids);
    List<HashTile> exact = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      // A reader may hand out a wider version of a partial tile; the edge keeps the tree's own.
      exact.add(read.get(i).prefix(ids.get(i).width()));
    }
    RightEdge unrooted = new RightEdge(size, Rfc6962.EMPTY_ROOT, ids, exact);
    Hash root;
    try {
      root = TreeIntegrator.integrate(unrooted::read, size, List.of()).root();
    } catch (IOException e) {
      throw new IllegalStateException("an edge cannot read its own tiles: " + e.getMessage(), e);
    }
    return new RightEdge(size, root, ids, exact);
  }

  /** The number of leaves of the tree. */
  public long size() {
    return size;
  }

  /** The root of the tree ({@link Rfc6962#EMPTY_ROOT} when it is empty). */
  public Hash root() {
    return root;
  }

  /** The partial tiles, lowest level first, each exactly as wide as its id says. */
  public Map<TileId, HashTile> tiles() {
    Map<TileId, HashTile> out = new LinkedHashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      out.put(ids.get(i), tiles.get(i));
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Appends {@code leafHashes} as the leaves {@code size(), size() + 1, ...}. Reads nothing: the
   * edge holds every node the new leaves combine with.
   *
   * @throws IllegalArgumentException if the tree would grow past {@link Long#MAX_VALUE} leaves
   */
  public Growth append(List<Hash> leafHashes) {
    Objects.requireNonNull(leafHashes, "leafHashes");
    if (leafHashes.isEmpty()) {
      return new Growth(this, Map.of());
    }
    TreeIntegrator.Integration in;
    try {
      in = TreeIntegrator.integrate(this::read, size, leafHashes);
    } catch (IOException e) {
      throw new IllegalStateException("an edge cannot read its own tiles: " + e.getMessage(), e);
    }
    List<TileId> nextIds = TileMath.rightEdge(in.newSize());
    List<HashTile> next = new ArrayList<>(nextIds.size());
    for (TileId id : nextIds) {
      // A level whose row grew has its partial tile among the changes; any other level's row is
      // as it was, and so is its partial tile.
      HashTile t = in.changedTiles().get(id);
      if (t == null) {
        int old = ids.indexOf(id);
        if (old < 0) {
          throw new IllegalStateException(id.path() + " of the tree of size " + in.newSize()
              + " is neither new nor on the edge of size " + size);
        }
        t = tiles.get(old);
      }
      next.add(t);
    }
    return new Growth(new RightEdge(in.newSize(), in.root(), nextIds, next), in.changedTiles());
  }

  /** A {@link TileReader} over this edge's own tiles: what the integrator asks for. */
  private List<HashTile> read(List<TileId> wanted) throws IOException {
    List<HashTile> out = new ArrayList<>(wanted.size());
    for (TileId id : wanted) {
      int i = ids.indexOf(id);
      if (i < 0) {
        throw new IOException("the edge of the tree of size " + size + " has no " + id.path());
      }
      out.add(tiles.get(i));
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RightEdge
        && ((RightEdge) o).size == size
        && ((RightEdge) o).root.equals(root)
        && ((RightEdge) o).ids.equals(ids)
        && ((RightEdge) o).tiles.equals(tiles);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(size) * 31 + root.hashCode();
  }

  @Override
  public String toString() {
    return "RightEdge[size " + size + ", root " + root.hex() + ", tiles " + ids + "]";
  }
}
