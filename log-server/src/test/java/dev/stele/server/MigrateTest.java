package dev.stele.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.External;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.server.distributed.DistributedStorage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code stele-server migrate}: an embedded log copied into PostgreSQL and S3 has the same signed
 * checkpoint and root, serves every entry with a proof, and takes new entries.
 */
@External
class MigrateTest {
  @TempDir Path dir;

  @Test
  void embeddedLog_copiedToPostgres_sameRoot_everyEntryServed_andItGrows() throws Exception {
    Proposals signer = new Proposals();
    List<String> locations = new ArrayList<>();
    Checkpoint before;
    try (TestServer rocks = TestServer.start(dir)) {
      for (int i = 0; i < 300; i++) {
        HttpResponse<String> r = rocks.post("/api/v1/log/entries", signer.hashedRekord(Proposals.artifact("migrate " + i)));
        assertEquals(201, r.statusCode(), r.body());
        locations.add(r.headers().firstValue("Location").orElseThrow());
      }
      before = rocks.checkpoint();
    }
    DistributedStorage d = Distributed.fresh();
    Migrated m = migrate(d);
    String printed = m.printed();
    assertEquals(0, m.code(), printed);
    assertTrue(printed.contains("source root " + before.root().hex()), printed);
    assertTrue(printed.contains("target root " + before.root().hex()), printed);

    try (TestServer pg = TestServer.start(Distributed.config(dir, d), UnaryOperator.identity())) {
      Checkpoint after = pg.checkpoint();
      assertEquals(before.size(), after.size());
      assertEquals(before.root(), after.root());
      for (String location : locations) {
        HttpResponse<String> r = pg.get(location);
        assertEquals(200, r.statusCode(), location + ": " + r.body());
        pg.verify(dev.stele.client.protocol.RekorJson.readEntry(r.body().getBytes(StandardCharsets.UTF_8)));
      }
      HttpResponse<String> r = pg.post("/api/v1/log/entries", signer.hashedRekord(Proposals.artifact("after the move")));
      assertEquals(201, r.statusCode(), r.body());
      assertEquals(300, pg.verifiedEntry(r.body()).logIndex());
      pg.audit();
    }
  }

  /**
   * An imported log keeps its entries without SETs; migrated to PostgreSQL, an entry gets its SET
   * on its first read there, valid under the log key, stored in its row, and the same bytes after.
   */
  @Test
  void importedLog_migrated_setSignedOnFirstReadAndStoredInPostgres() throws Exception {
    Proposals signer = new Proposals();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 20; i++) lines.add(signer.hashedRekord(Proposals.artifact("imported " + i)));
    Path file = dir.resolve("entries.jsonl");
    java.nio.file.Files.write(file, lines, StandardCharsets.UTF_8);
    assertEquals(0, new CommandLine(new Main()).execute("import", file.toString(), "--data-dir", dir.toString(),
        "--tree-id", "7", "--public-url", "http://127.0.0.1", "--trust-input"));
    DistributedStorage d = Distributed.fresh();
    Migrated m = migrate(d);
    assertEquals(0, m.code(), m.printed());
    assertEquals(0, setLength(d, 5), "migrated without a SET, as imported");
    try (TestServer pg = TestServer.start(Distributed.config(dir, d), UnaryOperator.identity())) {
      LoggedEntry first = pg.verifiedEntry(pg.get("/api/v1/log/entries?logIndex=5").body());
      LoggedEntry again = pg.verifiedEntry(pg.get("/api/v1/log/entries?logIndex=5").body());
      org.junit.jupiter.api.Assertions.assertArrayEquals(first.signedEntryTimestamp().orElseThrow(),
          again.signedEntryTimestamp().orElseThrow());
      assertEquals(first.signedEntryTimestamp().orElseThrow().length, setLength(d, 5), "the SET is kept in its row");
      assertEquals(0, setLength(d, 6), "an entry nobody read has none yet");
    }
  }

  private static int setLength(DistributedStorage d, long index) throws Exception {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(d.dbUrl());
        java.sql.PreparedStatement ps = c.prepareStatement("SELECT octet_length(set) FROM stele_entries WHERE idx = ?")) {
      ps.setLong(1, index);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), "no row for entry " + index);
        return rs.getInt(1);
      }
    }
  }

  private record Migrated(int code, String printed) {}

  /** Runs {@code stele-server migrate} of {@link #dir} into {@code d}, capturing what it prints. */
  private Migrated migrate(DistributedStorage d) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    // The command takes S3 credentials the standard AWS way; in this JVM, its system properties.
    System.setProperty("aws.accessKeyId", S3Proxy.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", S3Proxy.SECRET_KEY);
    try {
      int code = new CommandLine(new Main()).execute("migrate", "--from", dir.toString(), "--to", "postgres",
          "--db-url", d.dbUrl(), "--s3-endpoint", d.s3Endpoint().toString(), "--s3-bucket", d.s3Bucket(),
          "--public-url", "http://127.0.0.1");
      return new Migrated(code, out.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(saved);
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
  }
}
