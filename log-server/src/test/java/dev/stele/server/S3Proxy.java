package dev.stele.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * S3Proxy (the S3 API over a directory: its filesystem backend) on 127.0.0.1, in a process of
 * its own, from the jar the build copies to {@code target/s3proxy/} (log-server/pom.xml). It
 * can be stopped and started again on the same port and directory, for outage tests.
 */
final class S3Proxy implements AutoCloseable {
  static final String ACCESS_KEY = "stele-test";
  static final String SECRET_KEY = "stele-test-secret";
  private static final Path JAR = Path.of("target/s3proxy/s3proxy.jar");

  final int port;
  private final Path dir;
  private Process process;

  private S3Proxy(int port, Path dir) {
    this.port = port;
    this.dir = dir;
  }

  static S3Proxy start() throws Exception {
    if (!Files.isRegularFile(JAR)) {
      throw new AssertionError(JAR.toAbsolutePath() + " is missing: the build copies it (mvn generate-test-resources)");
    }
    Path dir = Files.createTempDirectory("stele-s3");
    Files.createDirectories(dir.resolve("data"));
    S3Proxy s = new S3Proxy(PostgresCluster.freePort(), dir);
    Files.writeString(dir.resolve("s3proxy.properties"), String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + s.port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + SECRET_KEY,
        "jclouds.provider=filesystem-nio2",
        "jclouds.identity=" + ACCESS_KEY,
        "jclouds.credential=" + SECRET_KEY,
        "jclouds.filesystem.basedir=" + dir.resolve("data")) + "\n");
    s.startProcess();
    return s;
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The process id, for CPU accounting. */
  long pid() {
    return process.pid();
  }

  synchronized void startProcess() throws Exception {
    process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", JAR.toAbsolutePath().toString(), "--properties", dir.resolve("s3proxy.properties").toString()))
        .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("S3Proxy exited with " + process.exitValue() + ": " + Files.readString(dir.resolve("s3proxy.log")));
      }
      try {
        HttpResponse<Void> r = TestServer.HTTP.send(HttpRequest.newBuilder(endpoint()).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() > 0) return;
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("S3Proxy did not start listening within 180 s");
  }

  /** Kills the process: the store is unreachable until {@link #startProcess}. */
  synchronized void stopProcess() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    try {
      stopProcess();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
      all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A temp directory left behind.
    }
  }
}
