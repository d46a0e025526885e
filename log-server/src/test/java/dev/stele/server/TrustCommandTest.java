package dev.stele.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stele.client.TrustedLog;
import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.trust.SigningConfig;
import dev.stele.client.trust.TrustRoot;
import dev.stele.server.sign.LogKeys;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code stele-server trust}: the two files describe the log, and the client library reads them back. */
class TrustCommandTest {
  @TempDir Path dir;

  @Test
  void writesATrustedRootAndASigningConfigForBothApis() throws Exception {
    var key = LogKeys.loadOrGenerate(dir.resolve("data/log-key.pem"), true);
    int code = new CommandLine(new Main()).execute("trust", "--out", dir.resolve("out").toString(),
        "--data-dir", dir.resolve("data").toString(), "--public-url", "https://log.example.com/",
        "--valid-from", "2026-01-02T03:04:05Z");
    assertEquals(0, code);
    TrustRoot root = TrustRoot.parse(Files.readAllBytes(dir.resolve("out/trusted_root.json")));
    TrustedLog log = root.logs().get(0);
    assertEquals(URI.create("https://log.example.com"), log.baseUrl());
    assertEquals(PublicKeys.logId(key.publicKey()), log.logId());
    assertEquals(Instant.parse("2026-01-02T03:04:05Z"), log.validity().start());
    SigningConfig config = SigningConfig.parse(Files.readAllBytes(dir.resolve("out/signing_config.json")));
    assertEquals(2, config.tlogs().size());
    assertEquals(2, config.select(Instant.now(), 2).orElseThrow().majorApiVersion());
    assertEquals(1, config.select(Instant.now(), 1).orElseThrow().majorApiVersion());
    assertEquals("log.example.com", config.tlogs().get(0).operator());
  }

  @Test
  void noKey_exits1_andWritesNothing() {
    int code = new CommandLine(new Main()).execute("trust", "--out", dir.resolve("out").toString(),
        "--data-dir", dir.resolve("none").toString());
    assertEquals(1, code);
    assertEquals(false, Files.exists(dir.resolve("out")));
  }

  @Test
  void aPublicKeyFile_standsInForAKeyThisCommandCannotRead() throws Exception {
    var key = LogKeys.loadOrGenerate(dir.resolve("elsewhere/log-key.pem"), true);
    Path pem = dir.resolve("log-key.pub");
    Files.writeString(pem, dev.stele.client.protocol.Pem.encode("PUBLIC KEY", key.publicKey().getEncoded()));
    int code = new CommandLine(new Main()).execute("trust", "--out", dir.resolve("out").toString(),
        "--data-dir", dir.resolve("none").toString(), "--public-key", pem.toString(),
        "--public-url", "https://log.example.com");
    assertEquals(0, code);
    TrustRoot root = TrustRoot.parse(Files.readAllBytes(dir.resolve("out/trusted_root.json")));
    assertEquals(PublicKeys.logId(key.publicKey()), root.logs().get(0).logId());
  }

  @Test
  void aPublicKeyFileThatIsNotOne_exits1() throws Exception {
    Path pem = dir.resolve("log-key.pub");
    Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    int code = new CommandLine(new Main()).execute("trust", "--out", dir.resolve("out").toString(),
        "--public-key", pem.toString());
    assertEquals(1, code);
    assertEquals(false, Files.exists(dir.resolve("out")));
  }
}
