package dev.stele.server;

import dev.stele.server.http.AccessControl;
import dev.stele.server.http.AdminVerticle;
import dev.stele.server.http.LogServices;
import dev.stele.server.http.Surface;
import dev.stele.server.security.Reloader;
import dev.stele.server.security.TlsMaterial;
import dev.stele.server.security.TokenFile;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The server's exposure as {@link SecurityConfig} says: TLS material and token files read at
 * start (a bad file stops the start with its name and line), the {@link Surface} of the public
 * listener, the admin listener, and the {@link Reloader} that puts new certificates and token
 * files to use while the log serves.
 */
final class Listeners implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Listeners.class.getName());

  private final SecurityConfig config;
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private final Surface surface;
  private final AccessControl writes;
  private final AccessControl reads;
  private Reloader reloader;
  private AdminVerticle admin;

  private Listeners(SecurityConfig config, TlsMaterial tls, AccessControl writes, AccessControl reads) {
    this.config = config;
    this.writes = writes;
    this.reads = reads;
    this.surface = new Surface(tls == null ? null : tls.options(), writes, reads, config.adminBind().isEmpty(),
        servers::add);
  }

  /** Reads the TLS and token files. */
  static Listeners prepare(SecurityConfig config) throws IOException {
    TlsMaterial tls = null;
    if (config.tls()) {
      tls = TlsMaterial.read(config.tlsCert().get(), config.tlsKey().get(), config.clientCa());
      LOG.info("TLS with " + tls.describe() + (config.clientCa().isPresent()
          ? "; client certificates requested, from the CAs in " + config.clientCa().get() : ""));
      if (tls.expired()) LOG.warning("the TLS certificate is outside its validity period: " + tls.describe());
    }
    AccessControl writes = null;
    if (config.writesRestricted()) {
      TokenFile tokens = config.writeTokens().isPresent() ? tokens(config.writeTokens().get(), "write") : null;
      writes = AccessControl.writes(tokens, config.clientCa().isPresent());
    }
    AccessControl reads = null;
    if (config.readTokens().isPresent()) {
      reads = AccessControl.reads(tokens(config.readTokens().get(), "read"),
          writes != null ? writes : AccessControl.writes(null, config.clientCa().isPresent()));
    }
    if (writes == null) LOG.info("writes are open to anyone who reaches the log (no --write-tokens, no --client-ca)");
    return new Listeners(config, tls, writes, reads);
  }

  private static TokenFile tokens(Path file, String what) throws IOException {
    TokenFile t = TokenFile.read(file);
    LOG.info(what + " tokens: " + t.size() + " in " + file);
    return t;
  }

  Surface surface() {
    return surface;
  }

  /** Starts the admin listener if one is configured; its port, or -1. */
  int startAdmin(Vertx vertx, LogServices services, AdminVerticle.Backups backups) throws Exception {
    if (config.adminBind().isEmpty()) return -1;
    admin = new AdminVerticle(services, config.adminPort(), config.adminBind().get(), backups);
    vertx.deployVerticle(admin).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    LOG.info("admin listener (/healthz, /readyz, /metrics, POST /backup) on http://" + config.adminBind().get() + ":"
        + admin.actualPort());
    return admin.actualPort();
  }

  /** Starts watching the TLS and token files (and SIGHUP) once the listeners are up. */
  void watch(boolean onSighup) {
    List<Reloader.Action> actions = new ArrayList<>();
    if (config.tls()) {
      List<Path> files = new ArrayList<>(List.of(config.tlsCert().get(), config.tlsKey().get()));
      config.clientCa().ifPresent(files::add);
      actions.add(action("the TLS certificate", files, this::reloadTls));
    }
    if (writes != null && config.writeTokens().isPresent()) {
      actions.add(action("the write tokens", List.of(config.writeTokens().get()),
          () -> writes.replace(tokens(config.writeTokens().get(), "write"))));
    }
    if (reads != null) {
      actions.add(action("the read tokens", List.of(config.readTokens().get()),
          () -> reads.replace(tokens(config.readTokens().get(), "read"))));
    }
    if (!actions.isEmpty()) reloader = Reloader.start(actions, config.reloadInterval(), onSighup);
  }

  /** Reloads everything now (tests; SIGHUP does the same). */
  void reloadNow() throws Exception {
    if (reloader != null) reloader.reloadNow();
  }

  private void reloadTls() throws Exception {
    TlsMaterial tls = TlsMaterial.read(config.tlsCert().get(), config.tlsKey().get(), config.clientCa());
    for (HttpServer s : servers) {
      s.updateSSLOptions(tls.options(), true).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    LOG.info("TLS reloaded: now serving " + tls.describe());
    if (tls.expired()) LOG.warning("the TLS certificate is outside its validity period: " + tls.describe());
  }

  private interface Body {
    void run() throws Exception;
  }

  private static Reloader.Action action(String name, List<Path> files, Body body) {
    return new Reloader.Action() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public List<Path> files() {
        return files;
      }

      @Override
      public void reload() throws Exception {
        body.run();
      }
    };
  }

  Optional<Integer> adminPort() {
    return admin == null ? Optional.empty() : Optional.of(admin.actualPort());
  }

  @Override
  public void close() {
    if (reloader != null) reloader.close();
  }
}
