/**
 * The C2SP tlog-tiles face of the tree ({@link dev.stele.server.tiles.TileRoutes}): the checkpoint,
 * hash tiles and entry bundles, with immutable cache headers on tiles and {@code no-cache} on the
 * checkpoint. Which tiles exist is merkle's {@code TileMath}; reading them is the read side's.
 */
package dev.stele.server.tiles;
