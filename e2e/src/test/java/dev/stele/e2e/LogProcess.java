package dev.stele.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real Stele log server as a separate process on 127.0.0.1 with an ephemeral port and its
 * own data directory (key generated there on first start), started from this test's class path
 * exactly as {@code bin/stele-server} starts it.
 */
final class LogProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (https?://127\\.0\\.0\\.1:\\d+)");

  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final URI url;
  private final Path publicKeyFile;

  private LogProcess(Path dataDir, Map<String, String> env, String... extraArgs) throws IOException, InterruptedException {
    publicKeyFile = dataDir.resolveSibling(dataDir.getFileName() + "-public/log.pub");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java,
        "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), "dev.stele.server.Main",
        "--port", "0", "--data-dir", dataDir.toString(), "--public-key-file", publicKeyFile.toString()));
    command.addAll(List.of(extraArgs));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    process = pb.start();
    CountDownLatch ready = new CountDownLatch(1);
    AtomicReference<String> found = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          output.append(line).append('\n');
          Matcher m = LISTENING.matcher(line);
          if (m.find() && found.compareAndSet(null, m.group(1))) ready.countDown();
        }
      } catch (IOException e) {
        output.append("(output lost: ").append(e).append(")\n");
      }
    }, "log-server-output");
    reader.setDaemon(true);
    reader.start();
    if (!ready.await(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the log server did not start within 90 s:\n" + output);
    }
    url = URI.create(found.get());
  }

  static LogProcess start(Path dataDir) throws IOException, InterruptedException {
    return new LogProcess(dataDir, Map.of());
  }

  /** With more options, e.g. {@code --tls-cert} and {@code --tls-key}. */
  static LogProcess start(Path dataDir, String... extraArgs) throws IOException, InterruptedException {
    return new LogProcess(dataDir, Map.of(), extraArgs);
  }

  /**
   * A log with {@code --storage postgres}, on a new database and bucket of the engines
   * log-server's fixture starts on 127.0.0.1 for this JVM (a throwaway PostgreSQL cluster and
   * S3Proxy; {@code dev.stele.server.Distributed}). Its key is generated in {@code dataDir}.
   */
  static LogProcess startOnPostgres(Path dataDir, String... extraArgs) throws Exception {
    dev.stele.server.distributed.DistributedStorage storage = dev.stele.server.Distributed.fresh();
    List<String> args = new ArrayList<>(dev.stele.server.Distributed.serverArgs(storage));
    args.addAll(List.of(extraArgs));
    return new LogProcess(dataDir, dev.stele.server.Distributed.environment(), args.toArray(String[]::new));
  }

  URI url() {
    return url;
  }

  /** {@code host:port}, for a proxy in front of the log. */
  String address() {
    return url.getHost() + ":" + url.getPort();
  }

  /**
   * Writes the log's public key, as the log serves it, to {@code file}; checks that it is the
   * key the server wrote to its {@code --public-key-file}.
   */
  Path writePublicKey(Path file) throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
        .send(HttpRequest.newBuilder(url.resolve("/api/v1/log/publicKey")).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IllegalStateException("publicKey: HTTP " + r.statusCode() + " " + r.body());
    // The server writes the file right after it starts listening.
    for (int i = 0; i < 100 && !Files.exists(publicKeyFile); i++) Thread.sleep(100);
    String written = Files.readString(publicKeyFile);
    if (!written.equals(r.body()) || written.contains("PRIVATE")) {
      throw new IllegalStateException("--public-key-file holds\n" + written + "\nbut the log serves\n" + r.body());
    }
    Files.writeString(file, r.body());
    return file;
  }

  /** The log's public key as the server wrote it to its {@code --public-key-file} (over no network). */
  Path publicKeyFile() throws InterruptedException {
    for (int i = 0; i < 100 && !Files.exists(publicKeyFile); i++) Thread.sleep(100);
    return publicKeyFile;
  }

  String output() {
    return output.toString();
  }

  /** SIGTERM, and the orderly shutdown the server promises. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the log server did not stop within 30 s of SIGTERM:\n" + output);
    }
  }
}
