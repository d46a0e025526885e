package dev.stele.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stele.server.Main;
import dev.stele.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;

/**
 * The log server as anyone on the network reaches it: a real server (RocksDB in a temp folder,
 * 127.0.0.1, port 0) holding a few entries, and one HTTP request per input. Whatever the
 * request, the answer comes within {@link #ANSWER_WITHIN} and its status is below 500: hostile
 * input is the sender's error (4xx), never the server's.
 *
 * <p>This covers what the client library's parsers do not: how the routes read retrieve and
 * search requests, query parameters and tile paths. Input: the request line's method and target
 * ({@code POST /api/v1/log/entries/retrieve}), a newline, then the body.
 */
class LogServerFuzzTest {
  /** Far above any honest request (milliseconds): an answer this late is a finding. */
  static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

  private static Main.Server server;

  /**
   * The server of this JVM, with three entries, left running until exit. Started before the
   * first input: its start-up is no input's time.
   */
  @BeforeAll
  static synchronized void startServer() throws Exception {
    if (server == null) {
      Path dir = Files.createTempDirectory("stele-fuzz-log");
      dir.toFile().deleteOnExit();
      Main.Server s = Main.Server.start(new ServerConfig(0, "127.0.0.1", dir, Optional.empty(), Optional.empty(),
          Optional.of(7L), 100, Duration.ofMillis(2), 1000, 64 * 1024, 1, 2));
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      Proposals proposals = new Proposals();
      for (int i = 0; i < 3; i++) {
        byte[] entry = i == 2 ? proposals.dsse("application/vnd.in-toto+json", "{}".getBytes(StandardCharsets.UTF_8))
            : proposals.hashedRekord(("artifact " + i).getBytes(StandardCharsets.UTF_8));
        try (SilentCloseable loopback = fixtureConnections()) {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port()
              + "/api/v1/log/entries")).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(entry)).build(), HttpResponse.BodyHandlers.ofString());
          assertTrue(r.statusCode() == 201, () -> "fixture entry refused: " + r.statusCode() + " " + r.body());
        }
      }
      server = s;
    }
  }

  @FuzzTest
  void request(byte[] input) throws Exception {
    int eol = 0;
    while (eol < input.length && input[eol] != '\n') {
      eol++;
    }
    String requestLine = new String(input, 0, eol, StandardCharsets.ISO_8859_1);
    int space = requestLine.indexOf(' ');
    if (space <= 0 || requestLine.indexOf('\r') >= 0) {
      return; // not one request line: the fuzzer would be testing Netty's framing, not the log
    }
    byte[] body = eol < input.length ? java.util.Arrays.copyOfRange(input, eol + 1, input.length) : new byte[0];
    String status = exchange(server.port(), requestLine, body);
    int code = Integer.parseInt(status.split(" ", 3)[1]);
    if (code >= 500) {
      fail("'" + requestLine + "' with a body of " + body.length + " bytes: " + status);
    }
  }

  /** Sends one request on a fresh connection and returns the status line. */
  private static String exchange(int port, String requestLine, byte[] body) throws IOException {
    try (SilentCloseable loopback = loopbackOnly(); Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout((int) ANSWER_WITHIN.toMillis());
      // Reset instead of TIME_WAIT: tens of thousands of connections a minute would otherwise
      // use up the ephemeral ports.
      socket.setSoLinger(true, 0);
      socket.setTcpNoDelay(true);
      ByteArrayOutputStream request = new ByteArrayOutputStream(body.length + 200);
      request.write((requestLine + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      request.write(body);
      OutputStream out = socket.getOutputStream();
      out.write(request.toByteArray());
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      try {
        while ((b = in.read()) >= 0 && b != '\n') {
          line.write(b);
        }
      } catch (SocketTimeoutException e) {
        fail("no answer within " + ANSWER_WITHIN + " to '" + requestLine + "' with a body of " + body.length + " bytes");
      }
      String status = line.toString(StandardCharsets.ISO_8859_1).strip();
      if (!status.matches("HTTP/1\\.[01] [0-9]{3}( .*)?")) {
        fail("no HTTP status line in answer to '" + requestLine + "': '" + status + "'");
      }
      return status;
    }
  }

  /**
   * The fixture's connections, allowed where Jazzer checks them. In a fuzzing run (fuzz/run.sh)
   * its bug detectors load only with the first input, and BugDetectors must not be touched
   * before: it looks them up once, when first used, and fails for good if they are missing.
   * Nothing checks connections before they load.
   */
  private static SilentCloseable fixtureConnections() {
    try {
      Class.forName("com.code_intelligence.jazzer.sanitizers.ServerSideRequestForgery", false,
          LogServerFuzzTest.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return () -> {};
    }
    return loopbackOnly();
  }

  private static SilentCloseable loopbackOnly() {
    return BugDetectors.allowNetworkConnections((host, port) -> host.equals("127.0.0.1") || host.equals("localhost"));
  }
}
