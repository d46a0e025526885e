package dev.stele.admission;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real Stele log server as its own process on 127.0.0.1 with a free port and its own data
 * directory, started from the test class path (log-server is a test-scope dependency only) as
 * {@code bin/stele-server} starts it. The same shape as e2e's LogProcess, which that module keeps
 * to itself.
 */
final class LogServerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");

  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final URI url;

  LogServerProcess(Path dataDir) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), "dev.stele.server.Main",
        "--port", "0", "--data-dir", dataDir.toString())
        .redirectErrorStream(true)
        .start();
    CountDownLatch ready = new CountDownLatch(1);
    AtomicReference<String> found = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          output.append(line).append('\n');
          Matcher m = LISTENING.matcher(line);
          if (m.find() && found.compareAndSet(null, m.group(1))) {
            ready.countDown();
          }
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

  URI url() {
    return url;
  }

  /** {@code host:port}, for a proxy in front of the log. */
  String address() {
    return url.getHost() + ":" + url.getPort();
  }

  /** The log's public key PEM, as it serves it. */
  String publicKey() throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
        .send(HttpRequest.newBuilder(url.resolve("/api/v1/log/publicKey")).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("publicKey: HTTP " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
