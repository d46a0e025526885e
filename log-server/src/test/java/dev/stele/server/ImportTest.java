package dev.stele.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.RekorJson;
import dev.stele.server.storage.RocksLogStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code stele-server import}: a file of proposals with a fresh key each becomes a log the server
 * serves with valid proofs; a bad line stops it at that line with nothing after it written; a
 * second run resumes, and an import of entries already logged appends nothing; imported entries
 * get their SETs when first read, signed by the log key and kept.
 */
class ImportTest {
  @TempDir Path dir;

  /** The output and exit code of one {@code stele-server import} run. */
  private record Run(int code, String err) {}

  private Run importFile(Path file, String... more) {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new Main());
    cl.setErr(new PrintWriter(err, true));
    List<String> args = new ArrayList<>(List.of("import", file.toString(), "--data-dir", dir.resolve("data").toString(),
        "--tree-id", "7", "--public-url", "http://127.0.0.1:3000", "--batch-size", "16", "--threads", "2"));
    args.addAll(List.of(more));
    int code = cl.execute(args.toArray(String[]::new));
    return new Run(code, err.toString());
  }

  /** {@code n} proposals, each signed by a key of its own. */
  private static List<String> freshKeyProposals(String prefix, int n) throws Exception {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(new Proposals().hashedRekord(Proposals.artifact(prefix + i)));
    return out;
  }

  private Path write(String name, List<String> lines) throws Exception {
    Path f = dir.resolve(name);
    Files.write(f, lines, StandardCharsets.UTF_8);
    return f;
  }

  private long treeSize() throws Exception {
    try (RocksLogStore store = RocksLogStore.open(dir.resolve("data"))) {
      return store.treeState().orElseThrow().size();
    }
  }

  @Test
  void importedEntriesAreServedWithValidProofsAndAReRunAppendsNothing() throws Exception {
    List<String> lines = freshKeyProposals("a", 50);
    lines.add(lines.get(3)); // a duplicate in the file: skipped, as over HTTP
    Path file = write("entries.jsonl", lines);
    Run r = importFile(file);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("50 entries appended, 1 duplicates"), r.err());

    Run again = importFile(file);
    assertEquals(0, again.code(), again.err());
    assertTrue(again.err().contains("nothing to do"), again.err());
    assertEquals(50, treeSize());

    try (TestServer s = TestServer.start(dir.resolve("data"))) {
      for (int i : new int[] {0, 3, 17, 49}) {
        var res = s.get("/api/v1/log/entries?logIndex=" + i);
        assertEquals(200, res.statusCode(), res.body());
        LoggedEntry e = s.verifiedEntry(res.body());
        assertEquals(i, e.logIndex());
        // The body is the canonical form of line i: the same proposal over HTTP is a duplicate of it.
        var dup = s.post("/api/v1/log/entries", lines.get(i));
        assertEquals(409, dup.statusCode(), dup.body());
      }
      s.audit();
    }
  }

  @Test
  void aBadLineStopsTheImportThereAndAFixedFileResumesAfterIt() throws Exception {
    List<String> lines = freshKeyProposals("b", 40);
    String good = lines.get(24);
    // Line 25: a valid entry whose signature is another artifact's.
    String forged = new Proposals().hashedRekord("00".repeat(32), new Proposals().sign(Proposals.artifact("x")));
    lines.set(24, forged);
    Path file = write("entries.jsonl", lines);

    Run r = importFile(file);
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("line 25:"), r.err());
    assertTrue(r.err().contains("after line 24"), r.err());
    // Batches of 16: the first is committed, the second stops before line 25; nothing after it.
    assertEquals(24, treeSize());

    // The same file again stops at the same line, adding nothing.
    Run same = importFile(file);
    assertEquals(1, same.code(), same.err());
    assertEquals(24, treeSize());

    lines.set(24, good);
    Files.write(file, lines, StandardCharsets.UTF_8);
    Run fixed = importFile(file);
    assertEquals(0, fixed.code(), fixed.err());
    assertTrue(fixed.err().contains("resuming"), fixed.err());
    assertEquals(40, treeSize());
    try (TestServer s = TestServer.start(dir.resolve("data"))) {
      s.verifiedEntry(s.get("/api/v1/log/entries?logIndex=24").body());
      s.audit();
    }
  }

  @Test
  void trustedInputIsNotVerifiedAndSaysSoLoudly() throws Exception {
    List<String> lines = freshKeyProposals("c", 5);
    lines.add(new Proposals().hashedRekord("11".repeat(32), new Proposals().sign(Proposals.artifact("y"))));
    lines.add("not json");
    Path file = write("trusted.jsonl", lines);

    Run r = importFile(file, "--trust-input", "--skip-invalid");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("WARNING: --trust-input"), r.err());
    assertTrue(r.err().contains("line 7: skipped"), r.err());
    assertTrue(r.err().contains("6 entries appended"), r.err());
    assertEquals(6, treeSize());
  }

  @Test
  void anotherFileWithEntriesAlreadyLoggedAppendsOnlyTheNewOnes() throws Exception {
    List<String> first = freshKeyProposals("d", 20);
    assertEquals(0, importFile(write("one.jsonl", first)).code());
    List<String> second = new ArrayList<>(first.subList(10, 20));
    second.addAll(freshKeyProposals("e", 5));
    Run r = importFile(write("two.jsonl", second));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("5 entries appended, 10 duplicates"), r.err());
    assertEquals(25, treeSize());
    LoggedEntry e;
    try (TestServer s = TestServer.start(dir.resolve("data"))) {
      e = s.verifiedEntry(s.get("/api/v1/log/entries?logIndex=24").body());
    }
    assertEquals(24, e.logIndex());
  }

  @Test
  void anImportedEntrysSetIsSignedOnItsFirstReadAndKept() throws Exception {
    List<String> lines = freshKeyProposals("f", 20);
    Run r = importFile(write("f.jsonl", lines), "--trust-input");
    assertEquals(0, r.code(), r.err());
    try (RocksLogStore store = RocksLogStore.open(dir.resolve("data"))) {
      for (long i = 0; i < 20; i++) assertTrue(store.entry(i).orElseThrow().setPending(), "entry " + i + " has a SET");
    }
    byte[] set5;
    byte[] set7;
    // On read only: the background filler would sign entry 6 too.
    try (TestServer s = TestServer.start(TestServer.config(dir.resolve("data")).withImportedSetsOnRead(),
        java.util.function.UnaryOperator.identity())) {
      // verifiedEntry checks the SET against the log key over the RFC-defined payload.
      LoggedEntry e = s.verifiedEntry(s.get("/api/v1/log/entries?logIndex=5").body());
      set5 = e.signedEntryTimestamp().orElseThrow();
      LoggedEntry again = s.verifiedEntry(s.get("/api/v1/log/entries?logIndex=5").body());
      assertArrayEquals(set5, again.signedEntryTimestamp().orElseThrow(), "the kept SET is served again");
      var res = s.post("/api/v1/log/entries/retrieve", "{\"logIndexes\":[7]}");
      assertEquals(200, res.statusCode(), res.body());
      List<LoggedEntry> found = RekorJson.readEntries(res.body().getBytes(StandardCharsets.UTF_8));
      assertEquals(1, found.size());
      s.verify(found.get(0));
      set7 = found.get(0).signedEntryTimestamp().orElseThrow();
      // By UUID: the same kept SET.
      var byUuid = s.get("/api/v1/log/entries/" + found.get(0).id().uuidHex());
      assertEquals(200, byUuid.statusCode(), byUuid.body());
      assertArrayEquals(set7, s.verifiedEntry(byUuid.body()).signedEntryTimestamp().orElseThrow());
    }
    try (RocksLogStore store = RocksLogStore.open(dir.resolve("data"))) {
      assertArrayEquals(set5, store.entry(5).orElseThrow().set());
      assertArrayEquals(set7, store.entry(7).orElseThrow().set());
      assertTrue(store.entry(6).orElseThrow().setPending(), "an entry nobody read is still unsigned");
      assertFalse(store.entry(5).orElseThrow().setPending());
    }
  }

  @Test
  void theSetsAnImportLeftUnsignedAreSignedInTheBackground_thenTheMarkIsGone() throws Exception {
    int n = 3000;
    Run r = importFile(write("g.jsonl", freshKeyProposals("g", n)), "--trust-input");
    assertEquals(0, r.code(), r.err());
    try (RocksLogStore store = RocksLogStore.open(dir.resolve("data"))) {
      assertEquals(0L, store.setsPendingFrom().orElseThrow(), "the import says where unsigned SETs start");
    }
    try (TestServer s = TestServer.start(dir.resolve("data"))) {
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(120).toNanos();
      while (s.rocks().setsPendingFrom().isPresent() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(s.rocks().setsPendingFrom().isEmpty(), "the background filler did not finish");
      for (long i = 0; i < n; i++) {
        assertFalse(s.rocks().entry(i).orElseThrow().setPending(), "entry " + i + " has no SET");
      }
      // Nobody read an entry while it ran: the filler signed every one, once.
      String metrics = s.get("/metrics").body();
      assertTrue(metrics.contains("stele_entries_sets_deferred_signed_total " + n + ".0"), metrics);
      // Each served SET verifies under the log key, and is the stored one.
      for (long i : new long[] {0, 1, 1499, 2998, 2999}) {
        LoggedEntry e = s.verifiedEntry(s.get("/api/v1/log/entries?logIndex=" + i).body());
        assertArrayEquals(s.rocks().entry(i).orElseThrow().set(), e.signedEntryTimestamp().orElseThrow());
      }
      assertTrue(s.get("/metrics").body().contains("stele_entries_sets_deferred_signed_total " + n + ".0"),
          "reads of filled entries sign nothing");
    }
    // A later import marks its own first index again; an empty one leaves nothing pending.
    Run more = importFile(write("h.jsonl", freshKeyProposals("h", 5)), "--trust-input");
    assertEquals(0, more.code(), more.err());
    try (RocksLogStore store = RocksLogStore.open(dir.resolve("data"))) {
      assertEquals((long) n, store.setsPendingFrom().orElseThrow());
    }
  }
}
