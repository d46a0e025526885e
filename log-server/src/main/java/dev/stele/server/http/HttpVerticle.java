package dev.stele.server.http;

import dev.stele.server.rekor.RekorRoutes;
import dev.stele.server.rekor.RekorV2Routes;
import dev.stele.server.rekor.SearchRoutes;
import dev.stele.server.tiles.TileRoutes;
import dev.stele.server.ui.UiRoutes;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds the router (routes, body limits, one failure handler) and listens. Nothing else: the
 * handlers live in {@link RekorRoutes}, {@link SearchRoutes} and {@link TileRoutes}, admission
 * control (connections, deadlines, verification slots, body limits) in {@link RequestGuards}.
 */
public final class HttpVerticle extends VerticleBase {
  private final LogServices log;
  private final int port;
  private final String bind;
  private final AtomicInteger inFlight;
  private final Surface surface;
  private HttpServer server;

  /**
   * @param inFlight counts requests being handled, so that shutdown can wait for their answers
   */
  public HttpVerticle(LogServices log, int port, String bind, AtomicInteger inFlight) {
    this(log, port, bind, inFlight, Surface.OPEN);
  }

  /** As above, exposed as {@code surface} says (TLS, access control, the operator's routes). */
  public HttpVerticle(LogServices log, int port, String bind, AtomicInteger inFlight, Surface surface) {
    this.log = log;
    this.port = port;
    this.bind = bind;
    this.inFlight = inFlight;
    this.surface = surface;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = log.guards().serverOptions(new HttpServerOptions())
        .setCompressionSupported(false);
    if (surface.tls() != null) {
      options.setSsl(true).setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
          .setKeyCertOptions(surface.tls().getKeyCertOptions()).setTrustOptions(surface.tls().getTrustOptions())
          .setClientAuth(surface.tls().getClientAuth());
    }
    server = vertx.createHttpServer(options)
        .connectionHandler(log.guards().connectionHandler(vertx))
        .requestHandler(router());
    return server.listen(port, bind).onSuccess(surface.listening()::accept);
  }

  /** The port actually bound (differs from the configured one when that is 0). */
  public int actualPort() {
    return server.actualPort();
  }

  Router router() {
    Router router = Router.router(vertx);
    RekorRoutes rekor = new RekorRoutes(log);
    SearchRoutes search = new SearchRoutes(log);
    TileRoutes tiles = new TileRoutes(log);
    RequestGuards guards = log.guards();
    Handler<RoutingContext> entryBody = RequestGuards.body(log.bodyLimit());
    Handler<RoutingContext> queryBody = RequestGuards.body(guards.limits().queryBodyLimit());

    router.route().handler(this::measure);
    router.route().handler(guards::deadline);
    if (surface.reads() != null) router.route().handler(surface.reads().guardAllButProbes());

    // Tiles first: they are the most frequent reads (monitors, mirrors), and the router tries
    // routes in order.
    router.getWithRegex("/tile/.+").handler(named("tile")).handler(tiles::tile);
    router.getWithRegex("/api/v2/tile/.+").handler(named("tile_v2")).handler(tiles::tile);
    route(router, HttpMethod.GET, "/checkpoint", "checkpoint").handler(tiles::checkpoint);
    write(router, "/api/v1/log/entries", "create_entry", guards::verifySlot, entryBody).handler(rekor::create);
    post(router, "/api/v1/log/entries/retrieve", "retrieve_entries", guards::verifySlot, queryBody)
        .handler(rekor::retrieve);
    route(router, HttpMethod.GET, "/api/v1/log/entries/:entryUUID", "get_entry").handler(rekor::getByUuid);
    route(router, HttpMethod.GET, "/api/v1/log/entries", "get_entry_by_index").handler(rekor::getByIndex);
    route(router, HttpMethod.GET, "/api/v1/log", "log_info").handler(rekor::logInfo);
    route(router, HttpMethod.GET, "/api/v1/log/proof", "consistency_proof").handler(rekor::consistencyProof);
    route(router, HttpMethod.GET, "/api/v1/log/publicKey", "public_key").handler(rekor::publicKey);
    post(router, "/api/v1/index/retrieve", "search_index", ctx -> ctx.next(), queryBody).handler(search::search);
    RekorV2Routes rekorV2 = new RekorV2Routes(log); // Rekor v2 on the same tree (docs/protocol.md 9.1)
    write(router, "/api/v2/log/entries", "create_entry_v2", guards::verifySlot, entryBody).handler(rekorV2::create);
    route(router, HttpMethod.GET, "/api/v2/checkpoint", "checkpoint_v2").handler(rekorV2::checkpoint);

    if (surface.admin()) operatorRoutes(router, log);
    new UiRoutes(log).mount(router); // the log explorer: static files under /ui/, routes of its own

    ErrorMapper errors = new ErrorMapper(d -> log.entryLocation(d.leafHash()), log.bodyLimit());
    router.route().failureHandler(errors);
    for (int status : new int[] {400, 404, 405, 413, 415}) {
      router.errorHandler(status, ctx -> ErrorMapper.send(ctx, status, errors.messageFor(ctx, status)));
    }
    return router;
  }

  /** {@code /healthz}, {@code /readyz}, {@code /ping}, {@code /metrics}: here, or on the admin listener. */
  static void operatorRoutes(Router router, LogServices log) {
    route(router, HttpMethod.GET, "/healthz", "healthz").handler(ctx -> ctx.response().end("ok\n"));
    route(router, HttpMethod.GET, "/readyz", "readyz").handler(ctx -> ready(log, ctx));
    route(router, HttpMethod.GET, "/ping", "ping").handler(ctx -> ctx.response().end("."));
    route(router, HttpMethod.GET, "/metrics", "metrics").handler(ctx -> metrics(log, ctx));
  }

  static io.vertx.ext.web.Route route(Router r, HttpMethod m, String path, String name) {
    return r.route(m, path).handler(named(name));
  }

  /**
   * A write route: every write goes through here, so that access control (when on) runs before
   * a verification slot is taken and before the body is read, and each accepted write leaves an
   * audit line.
   */
  private io.vertx.ext.web.Route write(Router r, String path, String name, Handler<RoutingContext> admit,
      Handler<RoutingContext> body) {
    if (surface.writes() != null) {
      route(r, HttpMethod.POST, path, name).handler(surface.writes().guard()).handler(AccessControl.audit(name));
    }
    return post(r, path, name, admit, body);
  }

  /** A POST route: its name, then {@code admit} (before the body is read), then the body. */
  private static io.vertx.ext.web.Route post(Router r, String path, String name, Handler<RoutingContext> admit,
      Handler<RoutingContext> body) {
    return r.route(HttpMethod.POST, path).handler(named(name)).handler(admit).handler(body);
  }

  private static Handler<RoutingContext> named(String name) {
    return ctx -> {
      ctx.put("route", name);
      ctx.next();
    };
  }

  /** Counts the request in flight and records its route, status and latency when it ends. */
  private void measure(RoutingContext ctx) {
    long start = System.nanoTime();
    inFlight.incrementAndGet();
    ctx.addEndHandler(done -> {
      inFlight.decrementAndGet();
      log.metrics().request(ctx.get("route", "unmatched"), ctx.request().method().name(),
          ctx.response().getStatusCode(), System.nanoTime() - start);
    });
    ctx.next();
  }

  /** 503 once the write side has stopped, or while a store does not answer (a cached probe's word). */
  private static void ready(LogServices log, RoutingContext ctx) {
    String why = log.sequencer().stoppedReason();
    if (why == null) why = log.sequencer().unavailableReason();
    if (why == null) {
      ctx.response().end("ready\n");
    } else {
      ErrorMapper.send(ctx, 503, "not ready: " + why);
    }
  }

  private static void metrics(LogServices log, RoutingContext ctx) {
    log.readPool()
        .executeBlocking(() -> log.metrics().scrape(), false)
        .onSuccess(text -> {
          if (RequestGuards.answered(ctx)) return;
          ctx.response()
              .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
              .end(text);
        })
        .onFailure(ctx::fail);
  }
}
