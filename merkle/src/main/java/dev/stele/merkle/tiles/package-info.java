/**
 * C2SP tlog-tiles: tile coordinates and paths ({@link dev.stele.merkle.tiles.TileId}, {@link
 * dev.stele.merkle.tiles.TilePath}), the one home of tile arithmetic ({@link
 * dev.stele.merkle.tiles.TileMath}), the hash tile and entry bundle formats, a pure integration
 * function that appends leaves to a tree stored as tiles ({@link
 * dev.stele.merkle.tiles.TreeIntegrator}), the immutable right edge that a writer or a replayer
 * keeps in memory to grow a tree ({@link dev.stele.merkle.tiles.RightEdge}), and proofs built from
 * tiles ({@link dev.stele.merkle.tiles.TileProofBuilder}). Storage stays with the caller, behind
 * {@link dev.stele.merkle.tiles.TileReader}.
 */
package dev.stele.merkle.tiles;
