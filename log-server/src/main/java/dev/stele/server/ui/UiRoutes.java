package dev.stele.server.ui;

import dev.stele.client.protocol.Encodings;
import dev.stele.merkle.Rfc6962;
import dev.stele.server.http.ApiException;
import dev.stele.server.http.LogServices;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The log explorer: a static web page under {@code /ui/} that searches, shows and verifies
 * entries in the browser through the log's own JSON API and tiles. The server only hands out
 * files; it renders nothing, so the page sees exactly what any other client sees.
 *
 * <p>The files are classpath resources under {@code ui/}, listed in {@link #FILES}: a request is
 * answered only for a name in that list, so no other resource, directory or path is reachable
 * through these routes, however the path is written. They are read on the read pool at the first
 * request to each router (never on an event loop), and kept in memory (a few tens of KB each).
 *
 * <p>Caching: the files change only with the jar, but {@code index.html} names the others at
 * fixed URLs (no server-side templates to put a version in them), so every file is sent with
 * {@code Cache-Control: no-cache} and a strong ETag of its content: a browser revalidates and
 * gets a bodiless 304 until a new jar changes the file.
 *
 * <p>Every answer carries a strict Content-Security-Policy (no inline script or style, no eval,
 * Trusted Types so that no string can become markup): entries are attacker-controlled, and the
 * page shows them as text only.
 */
public final class UiRoutes {
  /** The Content-Security-Policy of every explorer answer. */
  static final String CSP = String.join("; ",
      "default-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
      "require-trusted-types-for 'script'",
      "trusted-types 'none'");

  /** Every file served, by name under {@code /ui/}; the test checks it against the resources. */
  static final List<String> FILES = List.of(
      "index.html", "style.css", "favicon.svg",
      "app.js", "api.js", "bytes.js", "der.js", "x509.js", "verify.js", "entry.js", "bundle.js",
      "search.js", "entryview.js", "logview.js", "trust.js", "dom.js");

  private static final String RESOURCES = "ui/";

  private record Asset(Buffer content, String contentType, String etag) {}

  /** Loaded once per router (one per event loop); null until the first request has loaded them. */
  private volatile Map<String, Asset> assets;

  private final LogServices log;

  public UiRoutes(LogServices log) {
    this.log = log;
  }

  /** Adds {@code /} and {@code /ui} (redirects to the page) and {@code /ui/*} to the router. */
  public void mount(Router router) {
    router.route(HttpMethod.GET, "/").handler(ctx -> redirect(ctx, "/ui/"));
    router.route(HttpMethod.HEAD, "/").handler(ctx -> redirect(ctx, "/ui/"));
    router.route(HttpMethod.GET, "/ui/*").handler(this::file);
    router.route(HttpMethod.HEAD, "/ui/*").handler(this::file);
  }

  private static void redirect(RoutingContext ctx, String to) {
    ctx.put("route", "ui");
    ctx.response().setStatusCode(302).putHeader("Location", to).putHeader("Cache-Control", "no-cache").end();
  }

  private void file(RoutingContext ctx) {
    ctx.put("route", "ui");
    Map<String, Asset> loaded = assets;
    if (loaded != null) {
      send(ctx, loaded);
      return;
    }
    log.readPool()
        .executeBlocking(UiRoutes::load, false)
        .onSuccess(m -> {
          assets = m;
          send(ctx, m);
        })
        .onFailure(ctx::fail);
  }

  private static void send(RoutingContext ctx, Map<String, Asset> files) {
    // normalizedPath has dot segments removed and unreserved escapes decoded; whatever is left
    // must be exactly one listed name.
    String path = ctx.normalizedPath();
    if (!path.startsWith("/ui/")) {
      redirect(ctx, "/ui/");
      return;
    }
    String name = path.equals("/ui/") ? "index.html" : path.substring("/ui/".length());
    Asset a = files.get(name);
    HttpServerResponse r = ctx.response();
    securityHeaders(r);
    if (a == null) {
      ctx.fail(ApiException.notFound("no file " + (name.length() > 80 ? name.substring(0, 80) + "..." : name)
          + " in the log explorer"));
      return;
    }
    r.putHeader("Cache-Control", "no-cache").putHeader("ETag", a.etag());
    String ifNoneMatch = ctx.request().getHeader("If-None-Match");
    if (ifNoneMatch != null && ifNoneMatch.contains(a.etag())) {
      r.setStatusCode(304).end();
      return;
    }
    r.putHeader("Content-Type", a.contentType()).end(a.content());
  }

  static void securityHeaders(HttpServerResponse r) {
    r.putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Cross-Origin-Opener-Policy", "same-origin");
  }

  /** Reads every listed file; a missing one is a packaging fault, so it fails loudly. */
  private static Map<String, Asset> load() throws IOException {
    Map<String, Asset> out = new LinkedHashMap<>();
    ClassLoader loader = UiRoutes.class.getClassLoader();
    for (String name : FILES) {
      byte[] bytes;
      try (InputStream in = loader.getResourceAsStream(RESOURCES + name)) {
        if (in == null) throw new IOException("the log explorer's file " + RESOURCES + name + " is missing from the jar");
        bytes = in.readAllBytes();
      }
      out.put(name, new Asset(Buffer.buffer(bytes), contentType(name), etag(bytes)));
    }
    return Map.copyOf(out);
  }

  static String contentType(String name) {
    String ext = name.substring(name.lastIndexOf('.') + 1);
    switch (ext) {
      case "html":
        return "text/html; charset=utf-8";
      case "css":
        return "text/css; charset=utf-8";
      case "js":
        return "text/javascript; charset=utf-8";
      case "svg":
        return "image/svg+xml";
      default:
        throw new IllegalArgumentException("no content type for " + name);
    }
  }

  private static String etag(byte[] bytes) {
    return "\"" + Encodings.hex(Arrays.copyOf(Rfc6962.sha256(bytes).bytes(), 16)) + "\"";
  }
}
