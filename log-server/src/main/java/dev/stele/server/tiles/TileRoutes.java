package dev.stele.server.tiles;

import dev.stele.merkle.tiles.EntryBundle;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileFormatException;
import dev.stele.merkle.tiles.TileId;
import dev.stele.merkle.tiles.TilePath;
import dev.stele.server.http.ApiException;
import dev.stele.server.http.LogServices;
import dev.stele.server.log.StoredEntry;
import dev.stele.server.log.TileCache;
import dev.stele.server.log.TreeState;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The C2SP tlog-tiles face of the tree: {@code /checkpoint}, hash tiles {@code
 * /tile/<L>/<N>[.p/<W>]} and entry bundles {@code /tile/entries/<N>[.p/<W>]}.
 *
 * <p>A tile is served only if the latest signed checkpoint's tree has it at the requested width
 * or wider (a partial tile is a prefix of any wider version, so older partial widths are served
 * too). The content of every tile URL is fixed forever, so tiles and bundles carry immutable
 * cache headers; the checkpoint changes with every batch and carries {@code no-cache}.
 *
 * <p>Full tiles and bundles are cached in memory and served from the event loop; everything else
 * is read from the store on the read pool.
 */
public final class TileRoutes {
  private static final String IMMUTABLE = "public, max-age=31536000, immutable";

  private final LogServices log;

  public TileRoutes(LogServices log) {
    this.log = log;
  }

  public void checkpoint(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .end(log.sequencer().head().checkpoint());
  }

  public void tile(RoutingContext ctx) {
    TilePath path;
    try {
      path = TilePath.parse(ctx.normalizedPath());
    } catch (TileFormatException e) {
      ctx.fail(ApiException.notFound(e.getMessage()));
      return;
    }
    TileId id = path.tile();
    TreeState head = log.sequencer().head();
    // The merkle module's arithmetic: paths name levels up to 63, and a shift by 8 * level of 64
    // or more wraps around in Java instead of giving 0.
    TileId inTree;
    try {
      inTree = TileId.atSize(id.level(), id.index(), head.size());
    } catch (IllegalArgumentException e) {
      inTree = null;
    }
    if (inTree == null || inTree.width() < id.width()) {
      ctx.fail(ApiException.notFound("tile " + path.path() + " is not in the tree of size "
          + head.size() + " (latest checkpoint)"));
      return;
    }
    TileCache<Buffer> cache = path.entries() ? log.bundleCache() : log.tileCache();
    if (id.isFull()) {
      Buffer cached = cache.get(id.level(), id.index());
      if (cached != null) {
        send(ctx, cached);
        return;
      }
    }
    log.readPool()
        .executeBlocking(() -> read(path), false)
        .onSuccess(content -> {
          if (id.isFull()) cache.offer(id.level(), id.index(), content);
          send(ctx, content);
        })
        .onFailure(ctx::fail);
  }

  /** The content at exactly the requested width. */
  private Buffer read(TilePath path) throws Exception {
    TileId id = path.tile();
    if (!path.entries()) {
      HashTile t = log.store().tile(id.level(), id.index());
      if (t == null || t.width() < id.width()) {
        throw new IllegalStateException("tile " + path.path() + " is missing from the store");
      }
      return Buffer.buffer(id.isFull() ? t.encode() : t.prefix(id.width()).encode());
    }
    List<StoredEntry> entries = log.store().entries(id.index() << TileId.HEIGHT, id.width());
    if (entries.size() != id.width()) {
      throw new IllegalStateException("entry bundle " + path.path() + " has only " + entries.size()
          + " entries in the store");
    }
    List<byte[]> bodies = new ArrayList<>(entries.size());
    for (StoredEntry e : entries) bodies.add(e.bodyUnsafe());
    return Buffer.buffer(EntryBundle.encode(bodies));
  }

  private static void send(RoutingContext ctx, Buffer body) {
    ctx.response()
        .putHeader("Content-Type", "application/octet-stream")
        .putHeader("Cache-Control", IMMUTABLE)
        .end(body);
  }
}
