package dev.stele.client.oci;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * A real OCI registry for tests: Debian's {@code docker-registry} (CNCF distribution 2.8),
 * started with a config of its own that listens on 127.0.0.1 only, on a free port, with its
 * storage in a fresh temporary folder. {@link #close()} stops it and deletes the folder.
 *
 * <pre>
 * private static LocalRegistry registry;
 *
 * &#64;BeforeAll static void startRegistry() throws Exception { registry = LocalRegistry.start(); }
 * &#64;AfterAll  static void stopRegistry()  { registry.close(); }
 *
 * &#64;Test void signsAnImage() throws Exception {
 *   RegistryClient client = registry.client();
 *   ImageReference ref = TestImage.withFile("hello.txt", "hi").push(client, registry.repository("demo/hello"), "v1");
 *   Digest digest = client.resolve(ref);
 *   ...
 * }
 * </pre>
 *
 * <p>Variants: {@link #startWithBasicAuth} (htpasswd, one user) and {@link #startWithTokenAuth}
 * (bearer tokens from a {@link TokenServer}). If {@code docker-registry} is not installed,
 * starting FAILS with the apt-get command that installs it. A JVM shutdown hook stops any
 * registry a test forgot to close.
 */
public final class LocalRegistry implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofSeconds(20);

  private final Process process;
  private final Path dir;
  private final int port;
  private final Credentials credentials;
  private final Thread shutdownHook;

  private LocalRegistry(Process process, Path dir, int port, Credentials credentials) {
    this.process = process;
    this.dir = dir;
    this.port = port;
    this.credentials = credentials;
    this.shutdownHook = new Thread(process::destroyForcibly, "stop docker-registry " + port);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** A registry that anyone may read and write. */
  public static LocalRegistry start() throws IOException {
    return start(null, null, null);
  }

  /** A registry that requires HTTP Basic authentication as {@code username}/{@code password}. */
  public static LocalRegistry startWithBasicAuth(String username, String password) throws IOException {
    String htpasswd = username + ":" + OpenBSDBCrypt.generate("2y", password.toCharArray(), salt(), 5) + "\n";
    return start("""
        auth:
          htpasswd:
            realm: stele-test
            path: %s
        """, htpasswd, new Credentials(username, password));
  }

  /**
   * A registry that accepts only bearer tokens issued by {@code tokens} (distribution's
   * {@code auth: token}: it verifies the token's signature against the server's certificate).
   */
  public static LocalRegistry startWithTokenAuth(TokenServer tokens) throws IOException {
    return startWithTokenAuth(tokens, tokens.realm());
  }

  /** {@link #startWithTokenAuth(TokenServer)} with the realm URL the registry names in its challenges. */
  public static LocalRegistry startWithTokenAuth(TokenServer tokens, String realm) throws IOException {
    return start("""
        auth:
          token:
            realm: %s
            service: %s
            issuer: %s
            rootcertbundle: %s
        """.formatted(realm, TokenServer.SERVICE, TokenServer.ISSUER, tokens.certificateBundle()),
        null, tokens.credentials());
  }

  private static LocalRegistry start(String authTemplate, String htpasswd, Credentials credentials)
      throws IOException {
    Path binary = ExternalTool.require("docker-registry", "docker-registry");
    Path dir = Files.createTempDirectory("stele-registry");
    try {
      String auth = "";
      if (htpasswd != null) {
        Path file = dir.resolve("htpasswd");
        Files.writeString(file, htpasswd, StandardCharsets.UTF_8);
        auth = authTemplate.formatted(file);
      } else if (authTemplate != null) {
        auth = authTemplate;
      }
      IOException last = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        int port = freePort();
        Path config = dir.resolve("config.yml");
        Files.writeString(config, config(dir.resolve("data"), port, auth), StandardCharsets.UTF_8);
        Path log = dir.resolve("registry.log");
        Process process = new ProcessBuilder(binary.toString(), "serve", config.toString())
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
          awaitReady(process, port, log);
          return new LocalRegistry(process, dir, port, credentials);
        } catch (IOException e) {
          stop(process);
          last = e;
          if (!Files.readString(log).contains("address already in use")) {
            break;
          }
        }
      }
      throw last;
    } catch (IOException | RuntimeException e) {
      ExternalTool.deleteTree(dir);
      throw e;
    }
  }

  private static String config(Path storage, int port, String auth) {
    return """
        version: 0.1
        log:
          level: info
          accesslog:
            disabled: true
        storage:
          filesystem:
            rootdirectory: %s
          delete:
            enabled: true
          maintenance:
            uploadpurging:
              enabled: false
        http:
          addr: 127.0.0.1:%d
          secret: %s
        """.formatted(storage, port, HexFormat.of().formatHex(salt())) + auth;
  }

  private static void awaitReady(Process process, int port, Path log) throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest ping = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/"))
        .timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("docker-registry exited with " + process.exitValue() + " before answering on port "
            + port + "; its log:\n" + Files.readString(log));
      }
      try {
        int status = http.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 200 || status == 401) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for docker-registry", e);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for docker-registry", e);
      }
    }
    throw new IOException("docker-registry did not answer /v2/ on 127.0.0.1:" + port + " within "
        + STARTUP.toSeconds() + " s; its log:\n" + Files.readString(log));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static byte[] salt() {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    return salt;
  }

  /** {@code 127.0.0.1:<port>}: the registry part of image references. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** The registry's storage folder (delete a blob here to simulate data loss, read it to audit). */
  public Path storage() {
    return dir.resolve("data");
  }

  /** The credentials this registry was started with (basic or token), or null. */
  public Credentials credentials() {
    return credentials;
  }

  /** A repository in this registry, e.g. {@code repository("demo/hello")}. */
  public Repository repository(String name) {
    return new Repository(address(), name);
  }

  /** An image reference in this registry from {@code name:tag} or {@code name@sha256:...}. */
  public ImageReference reference(String nameAndTagOrDigest) throws OciException {
    return ImageReference.parse(address() + "/" + nameAndTagOrDigest);
  }

  /** A client for this registry, with its credentials when it has any. */
  public RegistryClient client() {
    RegistryClient.Builder b = RegistryClient.builder().timeout(Duration.ofSeconds(10));
    if (credentials != null) {
      b.credentials(address(), credentials);
    }
    return b.build();
  }

  /** A client without credentials. */
  public RegistryClient anonymousClient() {
    return RegistryClient.builder().timeout(Duration.ofSeconds(10)).build();
  }

  /** What the registry logged so far (for failure messages). */
  public String log() throws IOException {
    return Files.readString(dir.resolve("registry.log"));
  }

  /** The tags of a repository, as the registry lists them. */
  public List<String> tags(String repository) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(
        URI.create("http://" + address() + "/v2/" + repository + "/tags/list"));
    if (credentials != null && dir.resolve("htpasswd").toFile().exists()) {
      request.header("Authorization", credentials.basicAuthorization());
    }
    byte[] body = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray()).body();
    List<String> out = new java.util.ArrayList<>();
    OciJson.read(body).path("tags").forEach(t -> out.add(t.asText()));
    return out;
  }

  @Override
  public void close() {
    stop(process);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down
    }
    try {
      ExternalTool.deleteTree(dir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot delete the registry folder " + dir, e);
    }
  }

  private static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
