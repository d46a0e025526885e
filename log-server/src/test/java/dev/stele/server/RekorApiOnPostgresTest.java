package dev.stele.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.External;
import dev.stele.client.protocol.LoggedEntry;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Rekor v1 API suite ({@link RekorApiTest}, every test and its audit) against the distributed
 * driver: a frontend over a fresh PostgreSQL database and S3 bucket.
 */
@External
class RekorApiOnPostgresTest extends RekorApiTest {
  /** Hides {@link RekorApiTest#start}: the same suite, another store. */
  @BeforeAll
  static void start() throws Exception {
    log = TestServer.start(Distributed.config(dir, Distributed.fresh()), java.util.function.UnaryOperator.identity());
    signer = new Proposals();
  }

  /**
   * PostgreSQL's search cursor reads a key's rows in blocks of 256: a key with more entries than
   * that is answered whole and in log order, from the start and from an index in the second block.
   * The concurrent appends also keep the frontend's answering busy: every 201 must come (an entry
   * registered while the integrator's commit was being answered was once left unanswered).
   */
  @Test
  void searchOverMoreThanOneBlockOfRows() throws Exception {
    byte[] artifact = Proposals.artifact("many entries of one digest " + System.nanoTime());
    String hex = HexFormat.of().formatHex(Proposals.sha256(artifact));
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < 300; i++) bodies.add(signer.hashedRekord(artifact)); // a new signature each time
    List<LoggedEntry> entries = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (String b : bodies) answers.add(pool.submit(() -> log.post("/api/v1/log/entries", b)));
      for (Future<HttpResponse<String>> a : answers) {
        HttpResponse<String> r = a.get();
        assertEquals(201, r.statusCode(), r.body());
        entries.add(log.verifiedEntry(r.body()));
      }
    } finally {
      pool.shutdownNow();
    }
    entries.sort(Comparator.comparingLong(LoggedEntry::logIndex));
    List<String> ids = entries.stream().map(e -> e.id().toString()).toList();
    String q = "{\"hash\":\"" + hex + "\"}";
    HttpResponse<String> all = log.post("/api/v1/index/retrieve", q);
    assertEquals(200, all.statusCode(), all.body());
    assertEquals(ids, ids(all));
    HttpResponse<String> tail = log.post("/api/v1/index/retrieve?from=" + entries.get(280).logIndex(), q);
    assertEquals(200, tail.statusCode(), tail.body());
    assertEquals(ids.subList(280, 300), ids(tail));
    assertTrue(tail.headers().firstValue("Link").isEmpty(), "everything fit: no next page");
  }

  private static List<String> ids(HttpResponse<String> r) throws Exception {
    List<String> out = new ArrayList<>();
    JSON.readTree(r.body()).forEach(n -> out.add(n.asText()));
    return out;
  }
}
