package dev.stele.server.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The operator's listener ({@code --admin-bind}): {@code /healthz}, {@code /readyz}, {@code
 * /ping}, {@code /metrics}, and {@code POST /backup}, on plain HTTP, meant for loopback or a
 * private network; the public listener then drops them. One instance (these routes carry little
 * traffic).
 */
public final class AdminVerticle extends VerticleBase {
  /** Takes an online backup; its answer is the backup's description. */
  @FunctionalInterface
  public interface Backups {
    JsonObject take() throws Exception;
  }

  private final LogServices log;
  private final int port;
  private final String bind;
  private final Backups backups;
  private final AtomicBoolean backingUp = new AtomicBoolean();
  private HttpServer server;

  /** @param backups takes a backup, or null when no {@code --backup-dir} is set */
  public AdminVerticle(LogServices log, int port, String bind, Backups backups) {
    this.log = log;
    this.port = port;
    this.bind = bind;
    this.backups = backups;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    HttpVerticle.operatorRoutes(router, log);
    HttpVerticle.route(router, HttpMethod.POST, "/backup", "backup").handler(this::backup);
    router.route().failureHandler(new ErrorMapper(d -> "", 0));
    router.errorHandler(404, ctx -> ErrorMapper.send(ctx, 404,
        "no such resource on the admin listener: /healthz, /readyz, /ping, /metrics, POST /backup"));
    router.errorHandler(405, ctx -> ErrorMapper.send(ctx, 405, "method not allowed on this resource"));
    server = vertx.createHttpServer(new HttpServerOptions().setIdleTimeout(120)).requestHandler(router);
    return server.listen(port, bind);
  }

  public int actualPort() {
    return server.actualPort();
  }

  /** A consistent copy of the store while the log serves: one at a time, on the read pool. */
  private void backup(RoutingContext ctx) {
    if (backups == null) {
      ErrorMapper.send(ctx, 409, "no backups: start the server with --backup-dir DIR");
      return;
    }
    if (!backingUp.compareAndSet(false, true)) {
      ErrorMapper.send(ctx, 409, "a backup is being taken; try again when it is done");
      return;
    }
    log.readPool()
        .executeBlocking(backups::take, false)
        .onComplete(done -> backingUp.set(false))
        .onSuccess(json -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
            .end(json.encodePrettily() + "\n"))
        .onFailure(ctx::fail);
  }
}
