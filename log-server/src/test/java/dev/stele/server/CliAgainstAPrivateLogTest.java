package dev.stele.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.cli.SteleCli;
import dev.stele.server.security.TokenFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The stele CLI against a private log: its CA (--log-ca), a write token from a file, a read token from the environment. */
class CliAgainstAPrivateLogTest {
  @TempDir
  Path dir;

  private record Run(int code, String out, String err) {}

  private static Run stele(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = SteleCli.commandLine(new SteleCli(env));
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void signBlobWithATokenFile_andLogInfoWithAReadTokenFromTheEnvironment() throws Exception {
    TestPki ca = new TestPki("private-ca");
    ca.server("log", TestPki.ec()).write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    Path caFile = ca.writeCa(dir.resolve("ca.pem"));
    Files.writeString(dir.resolve("write.tokens"), "release " + TokenFile.hash("w-tok") + "\n");
    Files.writeString(dir.resolve("read.tokens"), "auditor " + TokenFile.hash("r-tok") + "\n");
    Files.writeString(dir.resolve("token"), "w-tok\n");
    Exposure e = new Exposure().tls(dir.resolve("cert.pem"), dir.resolve("key.pem"))
        .writeTokens(dir.resolve("write.tokens")).readTokens(dir.resolve("read.tokens"));
    try (TestServer log = TestServer.start(TestServer.config(dir.resolve("data")), e.config(),
        ca.client(HttpClient.Version.HTTP_1_1, null))) {
      Map<String, String> env = Map.of("STELE_LOG_URL", log.base);
      assertEquals(0, stele(env, "keygen", "--output-key-prefix", dir.resolve("signer").toString(), "--no-password")
          .code());
      Files.writeString(dir.resolve("artifact.txt"), "private release");
      String[] sign = {"sign-blob", dir.resolve("artifact.txt").toString(), "--key", dir.resolve("signer.key").toString(),
          "--bundle", dir.resolve("artifact.bundle").toString(), "--log-ca", caFile.toString(), "--log-url", log.base};
      Run anonymous = stele(env, sign);
      assertTrue(anonymous.code() != 0 && (anonymous.err() + anonymous.out()).contains("401"), anonymous.toString());

      String[] withToken = java.util.Arrays.copyOf(sign, sign.length + 2);
      withToken[sign.length] = "--log-token-file";
      withToken[sign.length + 1] = dir.resolve("token").toString();
      Run signed = stele(env, withToken);
      assertEquals(0, signed.code(), signed.toString());
      assertEquals(1, log.checkpoint("Bearer r-tok").size());

      Run info = stele(Map.of("STELE_LOG_URL", log.base, "STELE_LOG_TOKEN", "r-tok"), "log", "info",
          "--log-ca", caFile.toString(), "--log-url", log.base);
      assertEquals(0, info.code(), info.toString());
      assertTrue(info.out().contains("1"), info.out());
      Run noCa = stele(Map.of("STELE_LOG_URL", log.base, "STELE_LOG_TOKEN", "r-tok"), "log", "info",
          "--log-url", log.base);
      assertTrue(noCa.code() != 0, "a private CA is not trusted without --log-ca: " + noCa);
    }
  }
}
