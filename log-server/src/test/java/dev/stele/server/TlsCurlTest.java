package dev.stele.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.External;
import dev.stele.server.security.TokenFile;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS listener as curl sees it: HTTP/2 through ALPN, tokens, and client certificates presented. */
@External
class TlsCurlTest {
  @TempDir
  Path dir;

  private record Result(int exit, String out) {}

  private Result curl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
    cmd.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("curl is missing: sudo apt-get install curl", e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(p.waitFor(), out);
  }

  @Test
  void curl_speaksHttp2_writesWithATokenOrACertificate_andACertificateOfAnotherCaFailsTheHandshake() throws Exception {
    TestPki ca = new TestPki("server-ca");
    TestPki clients = new TestPki("client-ca");
    TestPki stranger = new TestPki("stranger-ca");
    ca.server("log", TestPki.ec()).write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    Path caFile = ca.writeCa(dir.resolve("ca.pem"));
    clients.client("signer").write(dir.resolve("signer.pem"), dir.resolve("signer-key.pem"));
    stranger.client("mallory").write(dir.resolve("mallory.pem"), dir.resolve("mallory-key.pem"));
    Files.writeString(dir.resolve("write.tokens"), "ci " + TokenFile.hash("tok-curl") + "\n");
    Exposure e = new Exposure().tls(dir.resolve("cert.pem"), dir.resolve("key.pem"))
        .clientCa(clients.writeCa(dir.resolve("clients.pem"))).writeTokens(dir.resolve("write.tokens"));
    Proposals signer = new Proposals();
    try (TestServer log = TestServer.start(TestServer.config(dir.resolve("data")), e.config(),
        ca.client(HttpClient.Version.HTTP_1_1, null))) {
      Result h2 = curl("--cacert", caFile.toString(), "-o", "/dev/null", "-w", "%{http_version} %{http_code}",
          log.base + "/checkpoint");
      assertEquals(new Result(0, "2 200"), h2);
      Result h1 = curl("--http1.1", "--cacert", caFile.toString(), "-o", "/dev/null", "-w", "%{http_version}",
          log.base + "/checkpoint");
      assertEquals(new Result(0, "1.1"), h1);
      assertNotEquals(0, curl("-o", "/dev/null", log.base + "/checkpoint").exit(), "an unknown CA is refused by curl");

      Files.writeString(dir.resolve("entry.json"), signer.hashedRekord(Proposals.artifact("curl 1")));
      Result noToken = curl("--cacert", caFile.toString(), "-o", "/dev/null", "-w", "%{http_code}",
          "-H", "Content-Type: application/json", "--data-binary", "@" + dir.resolve("entry.json"),
          log.base + "/api/v1/log/entries");
      assertEquals(new Result(0, "401"), noToken);
      Result token = curl("--cacert", caFile.toString(), "-o", "/dev/null", "-w", "%{http_code}",
          "-H", "Authorization: Bearer tok-curl", "-H", "Content-Type: application/json",
          "--data-binary", "@" + dir.resolve("entry.json"), log.base + "/api/v1/log/entries");
      assertEquals(new Result(0, "201"), token);

      Files.writeString(dir.resolve("entry.json"), signer.hashedRekord(Proposals.artifact("curl 2")));
      Result cert = curl("--cacert", caFile.toString(), "--cert", dir.resolve("signer.pem").toString(),
          "--key", dir.resolve("signer-key.pem").toString(), "-o", "/dev/null", "-w", "%{http_code}",
          "-H", "Content-Type: application/json", "--data-binary", "@" + dir.resolve("entry.json"),
          log.base + "/api/v1/log/entries");
      assertEquals(new Result(0, "201"), cert);

      // curl presents a certificate even when the server names other CAs: the handshake fails.
      Files.writeString(dir.resolve("entry.json"), signer.hashedRekord(Proposals.artifact("curl 3")));
      Result foreign = curl("--cacert", caFile.toString(), "--cert", dir.resolve("mallory.pem").toString(),
          "--key", dir.resolve("mallory-key.pem").toString(), "-o", "/dev/null", "-w", "%{http_code}",
          "-H", "Content-Type: application/json", "--data-binary", "@" + dir.resolve("entry.json"),
          log.base + "/api/v1/log/entries");
      assertNotEquals(0, foreign.exit(), foreign.out());
      assertTrue(!foreign.out().endsWith("201"), foreign.out());
      assertEquals(2, log.checkpoint().size());
    }
  }
}
