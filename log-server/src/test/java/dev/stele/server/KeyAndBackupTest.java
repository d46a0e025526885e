package dev.stele.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.keys.KeyFiles;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.RekorJson;
import dev.stele.server.sign.CheckpointKeys;
import dev.stele.server.sign.LogKeys;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM log keys (permissions, password files) and online backups restored. */
class KeyAndBackupTest {
  @TempDir
  Path dir;

  @Test
  void aKeyFileOthersMayRead_isRefused_withTheChmodThatFixesIt() throws Exception {
    Path key = dir.resolve("log.pem");
    KeyFiles.writePrivateKeyUnencrypted(key, KeyFiles.generateEcdsaP256().getPrivate());
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    ServerConfig c = TestServer.config(dir.resolve("data"));
    ServerConfig withKey = new ServerConfig(0, "127.0.0.1", c.dataDir(), Optional.of(key), Optional.empty(),
        Optional.of(7L), c.maxBatchSize(), c.maxBatchAge(), c.queueSize(), c.bodyLimit(), 2, 2);
    IOException e = assertThrows(IOException.class, () -> Main.Server.start(withKey));
    assertTrue(e.getMessage().contains("readable or writable by others than its owner (mode rw-r--r--)"), e.getMessage());
    assertTrue(e.getMessage().endsWith("Fix it with: chmod 600 " + key), e.getMessage());
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    try (Main.Server s = Main.Server.start(withKey)) {
      assertTrue(s.port() > 0);
    }
  }

  @Test
  void aCheckpointKeyOthersMayRead_isRefusedToo_andAnEncryptedOneUsesThePasswordFile() throws Exception {
    Path key = dir.resolve("checkpoint.pem");
    KeyPair pair = KeyFiles.generateEd25519();
    KeyFiles.writePrivateKey(key, pair.getPrivate(), "correct horse".toCharArray());
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
    Path password = dir.resolve("password");
    Files.writeString(password, "correct horse\n");
    IOException e = assertThrows(IOException.class,
        () -> CheckpointKeys.loadOrGenerate(key, false, Optional.of(password)));
    assertTrue(e.getMessage().startsWith("the checkpoint key file " + key + " is readable or writable by others"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("Fix it with: chmod 600 " + key), e.getMessage());
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    assertEquals(pair.getPublic(), CheckpointKeys.loadOrGenerate(key, false, Optional.of(password)).publicKey());
    // The server passes the log key's password file on: a log started with it signs with this key.
    ServerConfig c = TestServer.config(dir.resolve("data"));
    try (Main.Server s = Main.Server.start(c,
        new SecurityConfig(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), 3001, Optional.empty(),
            new LogKeys.Source(Optional.empty(), Optional.empty(), Optional.of(password)),
            java.time.Duration.ofSeconds(10)),
        new dev.stele.server.witness.WitnessConfig(Optional.of(key), Optional.empty(), false,
            dev.stele.server.witness.WitnessConfig.DEFAULT_TIMEOUT, false),
        new io.vertx.core.VertxOptions(), java.util.function.UnaryOperator.identity())) {
      assertEquals(dev.stele.client.protocol.NoteKeys.verifierKey(s.signer().signerName(), pair.getPublic()),
          s.signer().checkpointVkey().orElseThrow());
    }
  }

  @Test
  void anEncryptedKey_takesItsPasswordFromAFile() throws Exception {
    Path key = dir.resolve("log.pem");
    KeyPair pair = KeyFiles.generateEcdsaP256();
    KeyFiles.writePrivateKey(key, pair.getPrivate(), "correct horse".toCharArray());
    Path password = dir.resolve("password");
    Files.writeString(password, "correct horse\n");
    assertEquals(pair.getPublic(), LogKeys.load(key, false,
        new LogKeys.Source(Optional.empty(), Optional.empty(), Optional.of(password))).publicKey());
    Files.writeString(password, "pw-zebra-9\n");
    IOException e = assertThrows(IOException.class, () -> LogKeys.load(key, false,
        new LogKeys.Source(Optional.empty(), Optional.empty(), Optional.of(password))));
    assertTrue(e.getMessage().contains("wrong password"), e.getMessage());
    assertFalse(e.getMessage().contains("pw-zebra-9"), e.getMessage());
  }

  /**
   * A backup taken while entries keep arriving restores to a log that passes its start-up
   * self-check and proves every entry it holds, up to the size the backup reported.
   */
  @Test
  void anOnlineBackupUnderLoad_restoresToALogThatPassesItsSelfCheck() throws Exception {
    Path data = dir.resolve("data");
    ServerConfig config = TestServer.config(data);
    JsonObject info;
    long sizeAtEnd;
    try (TestServer log = TestServer.start(config, new Exposure().admin(dir.resolve("backups")).config(),
        TestServer.HTTP)) {
      int admin = log.server.adminPort().orElseThrow();
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService writers = Executors.newFixedThreadPool(4);
      List<Future<Integer>> done = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int id = w;
        done.add(writers.submit(() -> {
          Proposals signer = new Proposals();
          int n = 0;
          while (!stop.get() && n < 400) {
            HttpResponse<String> r = log.post("/api/v1/log/entries",
                signer.hashedRekord(Proposals.artifact("load " + id + " " + n)));
            if (r.statusCode() != 201) throw new AssertionError(r.statusCode() + " " + r.body());
            n++;
          }
          return n;
        }));
      }
      while (log.checkpoint().size() < 50) Thread.sleep(20);
      HttpResponse<String> r = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin
          + "/backup")).timeout(TestServer.TIMEOUT).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(201, r.statusCode(), r.body());
      info = new JsonObject(r.body());
      Thread.sleep(200);
      stop.set(true);
      int written = 0;
      for (Future<Integer> f : done) written += f.get();
      writers.shutdown();
      sizeAtEnd = log.checkpoint().size();
      assertEquals(written, sizeAtEnd);
      assertTrue(info.getLong("treeSize") >= 50 && info.getLong("treeSize") <= sizeAtEnd, info.encode());
    }
    Path backup = Path.of(info.getString("backup"));
    assertTrue(Files.exists(backup.resolve("stele-backup.json")));
    try (Stream<Path> partial = Files.list(dir.resolve("backups"))) {
      assertEquals(List.of(backup.getFileName().toString()), partial.map(p -> p.getFileName().toString()).toList());
    }

    // Restore: the backup becomes a data directory, with the log's key beside it.
    Path restored = dir.resolve("restored");
    copy(backup, restored);
    Files.copy(data.resolve("log-key.pem"), restored.resolve("log-key.pem"));
    Files.setPosixFilePermissions(restored.resolve("log-key.pem"), PosixFilePermissions.fromString("rw-------"));
    try (TestServer log = TestServer.start(restored)) {
      long size = log.checkpoint().size();
      assertEquals(info.getLong("treeSize"), size);
      for (long i : new long[] {0, size / 2, size - 1}) {
        LoggedEntry e = RekorJson.readEntry(log.get("/api/v1/log/entries?logIndex=" + i).body()
            .getBytes(StandardCharsets.UTF_8));
        log.verify(e);
      }
      log.audit();
      // The restored log takes new entries after the ones it has.
      HttpResponse<String> r = log.post("/api/v1/log/entries", new Proposals().hashedRekord(Proposals.artifact("after")));
      assertEquals(201, r.statusCode(), r.body());
      assertEquals(size, log.verifiedEntry(r.body()).logIndex());
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(t);
        else Files.copy(p, t);
      }
    }
  }
}
