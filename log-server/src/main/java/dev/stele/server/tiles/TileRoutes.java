package dev.stele.server.tiles;

import dev.stele.merkle.tiles.TileFormatException;
import dev.stele.merkle.tiles.TileId;
import dev.stele.merkle.tiles.TilePath;
import dev.stele.server.http.ApiException;
import dev.stele.server.http.LogServices;
import dev.stele.server.http.RequestGuards;
import dev.stele.server.log.NotFoundException;
import dev.stele.server.log.TileCache;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * The C2SP tlog-tiles face of the tree: {@code /checkpoint}, hash tiles {@code
 * /tile/<L>/<N>[.p/<W>]} and entry bundles {@code /tile/entries/<N>[.p/<W>]}.
 *
 * <p>Which tiles exist and what they hold is the read side's ({@link
 * dev.stele.server.read.LogReader#tile}): a tile is served only if the latest signed checkpoint's
 * tree has it at the requested width or wider; any other tile path, well-formed or not, is a 404.
 * The content of every tile URL is fixed forever, so tiles and bundles carry immutable cache
 * headers; the checkpoint changes with every batch and carries {@code no-cache}.
 *
 * <p>Full tiles and bundles are cached in memory and served from the event loop; everything else
 * is read from the store on the read pool.
 */
public final class TileRoutes {
  private static final String IMMUTABLE = "public, max-age=31536000, immutable";
  /** Where the Rekor v2 API serves the same tiles. */
  public static final String V2_PREFIX = "/api/v2";

  private final LogServices log;

  public TileRoutes(LogServices log) {
    this.log = log;
  }

  public void checkpoint(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .end(log.reader().head().checkpoint());
  }

  public void tile(RoutingContext ctx) {
    TilePath path;
    try {
      // The same tiles are served under the Rekor v2 prefix (/api/v2/tile/...).
      String p = ctx.normalizedPath();
      path = TilePath.parse(p.startsWith(V2_PREFIX) ? p.substring(V2_PREFIX.length()) : p);
      log.reader().requireTile(path);
    } catch (TileFormatException e) {
      ctx.fail(ApiException.notFound(e.getMessage()));
      return;
    } catch (NotFoundException e) {
      ctx.fail(e);
      return;
    }
    TileId id = path.tile();
    TileCache<Buffer> cache = path.entries() ? log.bundleCache() : log.tileCache();
    if (id.isFull()) {
      Buffer cached = cache.get(id.level(), id.index());
      if (cached != null) {
        send(ctx, cached);
        return;
      }
    }
    RequestGuards.Deadline deadline = RequestGuards.deadlineOf(ctx);
    log.readPool()
        .executeBlocking(() -> {
          deadline.check();
          return Buffer.buffer(log.reader().tile(path));
        }, false)
        .onSuccess(content -> {
          if (id.isFull()) cache.offer(id.level(), id.index(), content);
          send(ctx, content);
        })
        .onFailure(ctx::fail);
  }

  private static void send(RoutingContext ctx, Buffer body) {
    if (RequestGuards.answered(ctx)) return;
    ctx.response()
        .putHeader("Content-Type", "application/octet-stream")
        .putHeader("Cache-Control", IMMUTABLE)
        .end(body);
  }
}
