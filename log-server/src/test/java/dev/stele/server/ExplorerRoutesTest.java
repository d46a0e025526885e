package dev.stele.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log explorer's static routes on a real server (no browser): every file of the {@code ui/}
 * resources is served with its content type, a strict Content-Security-Policy and revalidation
 * headers; nothing else is reachable through {@code /ui/}, however the path is written.
 */
class ExplorerRoutesTest {
  @TempDir static Path dir;
  static TestServer log;

  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "svg", "image/svg+xml");

  @BeforeAll
  static void start() throws Exception {
    log = TestServer.start(dir);
  }

  @AfterAll
  static void stop() {
    log.close();
  }

  /** The explorer's files as the build put them on the class path (target/classes/ui). */
  private static List<Path> resourceFiles() throws Exception {
    URL index = ExplorerRoutesTest.class.getClassLoader().getResource("ui/index.html");
    assertTrue(index != null && index.getProtocol().equals("file"), "ui/index.html on the class path: " + index);
    try (Stream<Path> files = Files.list(Path.of(index.toURI()).getParent())) {
      return files.sorted().toList();
    }
  }

  @Test
  void everyFile_isServedWithItsContentType_theCspAndRevalidationHeaders() throws Exception {
    List<Path> files = resourceFiles();
    assertTrue(files.size() >= 10, "the explorer's files: " + files);
    for (Path file : files) {
      String name = file.getFileName().toString();
      HttpResponse<byte[]> r = log.getBytes("/ui/" + name);
      assertEquals(200, r.statusCode(), name + " is served (listed in UiRoutes.FILES)");
      assertArrayEquals(Files.readAllBytes(file), r.body(), name);
      String ext = name.substring(name.lastIndexOf('.') + 1);
      assertEquals(TYPES.get(ext), r.headers().firstValue("Content-Type").orElse(null), name);
      assertSecurityHeaders(r, name);
      assertEquals("no-cache", r.headers().firstValue("Cache-Control").orElse(null), name);
      String etag = r.headers().firstValue("ETag").orElseThrow(() -> new AssertionError(name + " has no ETag"));
      assertTrue(etag.matches("\"[0-9a-f]{32}\""), etag);

      HttpResponse<byte[]> again = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(log.base + "/ui/" + name))
          .timeout(TestServer.TIMEOUT).header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(304, again.statusCode(), name + " revalidates with its ETag");
      assertEquals(0, again.body().length, name);
    }
  }

  @Test
  void thePage_isAtUi_andTheRootRedirectsThere() throws Exception {
    HttpResponse<String> root = log.get("/");
    assertEquals(302, root.statusCode());
    assertEquals("/ui/", root.headers().firstValue("Location").orElse(null));
    HttpResponse<String> ui = log.get("/ui");
    assertEquals(302, ui.statusCode());
    assertEquals("/ui/", ui.headers().firstValue("Location").orElse(null));

    HttpResponse<byte[]> page = log.getBytes("/ui/");
    assertEquals(200, page.statusCode());
    assertArrayEquals(log.getBytes("/ui/index.html").body(), page.body(), "/ui/ is index.html, not a listing");
    assertSecurityHeaders(page, "/ui/");
    String html = new String(page.body(), StandardCharsets.UTF_8);
    assertTrue(html.contains("<script type=\"module\" src=\"app.js\"></script>"), html);
    assertFalse(html.matches("(?s).*<script(?![^>]*\\bsrc=)[^>]*>.*"), "no inline script in index.html");
    assertFalse(html.contains("<style") || html.contains(" style="), "no inline style in index.html");
  }

  @Test
  void theCsp_allowsOnlyTheLogsOwnFiles_noInlineCodeOrEval() throws Exception {
    String csp = log.getBytes("/ui/app.js").headers().firstValue("Content-Security-Policy").orElseThrow();
    List<String> directives = List.of(csp.split(";\\s*"));
    assertTrue(directives.contains("default-src 'self'"), csp);
    assertTrue(directives.contains("object-src 'none'"), csp);
    assertTrue(directives.contains("base-uri 'none'"), csp);
    assertTrue(directives.contains("frame-ancestors 'none'"), csp);
    assertTrue(directives.contains("require-trusted-types-for 'script'"), csp);
    for (String d : directives) {
      // No other script or style source may widen default-src.
      assertFalse(d.startsWith("script-src") || d.startsWith("style-src") || d.startsWith("connect-src"), d);
    }
    assertFalse(csp.contains("unsafe") || csp.contains("data:") || csp.contains("*"), csp);
  }

  @Test
  void pathsOutsideTheExplorersFiles_are4xx_andServeNothing() throws Exception {
    byte[] classFile = Files.readAllBytes(Path.of(Main.class.getResource("Main.class").toURI()));
    List<String> failures = new ArrayList<>();
    for (String path : List.of(
        "/ui/../pom.xml",
        "/ui/../../../../../../etc/passwd",
        "/ui/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/ui/%2E%2E/dev/stele/server/Main.class",
        "/ui/..%2f..%2f..%2fetc%2fpasswd",
        "/ui/..%5c..%5cetc%5cpasswd",
        "/ui/....//....//etc/passwd",
        "/ui//etc/passwd",
        "/ui/%252e%252e/etc/passwd",
        "/ui/dev/stele/server/Main.class",
        "/ui/../dev/stele/server/Main.class",
        "/ui/ui/index.html",
        "/ui/index.html/",
        "/ui/index.html%00.js",
        "/ui/nothing-here.js",
        "/ui/META-INF/MANIFEST.MF",
        "/ui/../log-key.pem",
        "/ui/%2e%2e/log-key.pem")) {
      Raw r = raw(path);
      String head = r.head();
      if (r.status() < 400 || r.status() > 499) failures.add(path + " answered " + head.lines().findFirst().orElse(""));
      if (r.text().contains("root:") || r.text().contains("PRIVATE KEY") || contains(r.body(), classFile)) {
        failures.add(path + " served a file: " + head);
      }
    }
    assertEquals(List.of(), failures);
    // The log's own key file is in the data directory, which no route reads.
    assertTrue(Files.exists(dir.resolve("log-key.pem")), "the data directory holds the log key");
  }

  @Test
  void headRequests_andOtherMethods() throws Exception {
    HttpResponse<Void> head = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(log.base + "/ui/style.css"))
        .timeout(TestServer.TIMEOUT).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding());
    assertEquals(200, head.statusCode());
    assertEquals(TYPES.get("css"), head.headers().firstValue("Content-Type").orElse(null));
    HttpResponse<String> post = log.post("/ui/app.js", "{}");
    assertEquals(405, post.statusCode(), post.body());
  }

  private static void assertSecurityHeaders(HttpResponse<?> r, String what) {
    assertTrue(r.headers().firstValue("Content-Security-Policy").orElse("").startsWith("default-src 'self'"), what);
    assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null), what);
    assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(null), what);
  }

  private record Raw(int status, String head, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.ISO_8859_1);
    }
  }

  /** One request with exactly these path bytes: HTTP clients would normalize them first. */
  private static Raw raw(String path) throws Exception {
    URI base = URI.create(log.base);
    try (Socket s = new Socket(base.getHost(), base.getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.ISO_8859_1);
      int split = text.indexOf("\r\n\r\n");
      String head = split < 0 ? text : text.substring(0, split);
      byte[] body = split < 0 ? new byte[0] : text.substring(split + 4).getBytes(StandardCharsets.ISO_8859_1);
      String[] status = head.split(" ", 3);
      return new Raw(Integer.parseInt(status[1]), head, body);
    }
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) continue outer;
      }
      return true;
    }
    return false;
  }
}
