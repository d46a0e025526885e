package dev.stele.server.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.crypto.Signers;
import dev.stele.client.protocol.EntryId;
import dev.stele.merkle.Rfc6962;
import dev.stele.server.log.LogIdentity;
import dev.stele.server.log.TreeState;
import dev.stele.server.metrics.ServerMetrics;
import dev.stele.server.sequencer.Batch;
import dev.stele.server.sequencer.Sequencer;
import dev.stele.server.sign.LogSigner;
import dev.stele.server.storage.LegacySearchRows;
import dev.stele.server.storage.RocksLogStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index search: sets combined before anything is cut, pages that resume where the last one
 * stopped, a bound on the work of one page whatever the sets, and rows of older stores (without
 * the leaf hash) read through the tiles. A real store, filled by the real sequencer.
 */
class SearchTest {
  private static final int N = 60;
  @TempDir Path dir;
  private LogSigner signer;

  @BeforeEach
  void key() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    signer = new LogSigner(Signers.forKeyPair(g.generateKeyPair()), "127.0.0.1", 42);
  }

  private static byte[] body(int i) {
    return ("{\"search\":" + i + "}").getBytes(StandardCharsets.UTF_8);
  }

  private static EntryId id(long i) {
    return EntryId.of(42, Rfc6962.hashLeaf(body((int) i)));
  }

  /** Entry i is filed under "all", "even" or "odd", "three" if 3 divides it, "five" if 5 does. */
  private static List<String> keys(int i) {
    List<String> k = new ArrayList<>(List.of("all", i % 2 == 0 ? "even" : "odd"));
    if (i % 3 == 0) k.add("three");
    if (i % 5 == 0) k.add("five");
    return k;
  }

  private Sequencer fill(RocksLogStore store) throws Exception {
    TreeState empty = new TreeState(0, Rfc6962.EMPTY_ROOT, 0, signer.signCheckpoint(0, Rfc6962.EMPTY_ROOT));
    store.commit(new Batch(List.of(), Map.of(), empty));
    Sequencer seq = new Sequencer(store, empty, signer, new Sequencer.Config(7, Duration.ZERO, 1000),
        System::currentTimeMillis, new ServerMetrics());
    seq.start();
    List<CompletableFuture<?>> fs = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      fs.add(seq.submit(new Sequencer.Submission(Rfc6962.hashLeaf(body(i)), body(i), keys(i))));
    }
    for (CompletableFuture<?> f : fs) f.get(30, TimeUnit.SECONDS);
    return seq;
  }

  private LogReader reader(RocksLogStore store, Sequencer seq, int page, int moves) {
    return new LogReader(store, store, seq, signer, new LogIdentity(42, signer.logId()), new ServerMetrics(), page, moves);
  }

  private static IndexQuery and(List<String>... criteria) {
    return new IndexQuery(List.of(criteria), true);
  }

  private static IndexQuery or(List<String>... criteria) {
    return new IndexQuery(List.of(criteria), false);
  }

  /** Every page from 0 on; checks each is at most {@code page} long and in log order. */
  private static List<EntryId> allPages(LogReader r, IndexQuery q, int page) throws Exception {
    List<EntryId> out = new ArrayList<>();
    OptionalLong from = OptionalLong.of(0);
    int pages = 0;
    while (from.isPresent()) {
      LogReader.SearchPage p = r.search(q, from.getAsLong());
      assertTrue(p.ids().size() <= page, p.toString());
      out.addAll(p.ids());
      from = p.next();
      assertTrue(++pages < 10 * N, "the pages end");
    }
    return out;
  }

  private static List<EntryId> expected(LongPredicate match) {
    List<EntryId> out = new ArrayList<>();
    for (int i = 0; i < N; i++) if (match.test(i)) out.add(id(i));
    return out;
  }

  @Test
  void andOr_pages_resumeWhereTheLastStopped() throws Exception {
    try (RocksLogStore store = RocksLogStore.open(dir)) {
      Sequencer seq = fill(store);
      LogReader r = reader(store, seq, 4, 1000);
      LogReader.SearchPage first = r.search(or(List.of("three"), List.of("five")), 0);
      assertEquals(List.of(id(0), id(3), id(5), id(6)), first.ids());
      assertEquals(OptionalLong.of(7), first.next());
      assertEquals(List.of(id(9), id(10), id(12), id(15)), r.search(or(List.of("three"), List.of("five")), 7).ids());

      assertEquals(expected(i -> i % 3 == 0 || i % 5 == 0), allPages(r, or(List.of("three"), List.of("five")), 4));
      assertEquals(expected(i -> i % 15 == 0), allPages(r, and(List.of("three"), List.of("five")), 4));
      // A criterion of several keys (as a public key is filed under two) matches any of them.
      assertEquals(expected(i -> (i % 3 == 0 || i % 5 == 0) && i % 2 == 0),
          allPages(r, and(List.of("three", "five"), List.of("even")), 4));
      assertEquals(List.of(), allPages(r, and(List.of("even"), List.of("odd")), 4));
      assertEquals(List.of(), allPages(r, or(List.of("nothing")), 4));
      LogReader.SearchPage last = r.search(and(List.of("three"), List.of("five")), 46);
      assertEquals(List.of(), last.ids());
      assertEquals(OptionalLong.empty(), last.next(), "nothing after the last match");
      seq.close();
    }
  }

  /**
   * Two large sets that never meet: an intersection of their first pages would be empty and
   * hide nothing, but finding that out is a walk through both. The walk of one page is bounded;
   * the page says where to go on, and the pages together find every match.
   */
  @Test
  void theWorkOfOnePageIsBounded_andThePagesTogetherFindEveryMatch() throws Exception {
    try (RocksLogStore store = RocksLogStore.open(dir)) {
      Sequencer seq = fill(store);
      LogReader r = reader(store, seq, 100, 12);
      LogReader.SearchPage p = r.search(and(List.of("even"), List.of("odd")), 0);
      assertEquals(List.of(), p.ids());
      assertTrue(p.next().isPresent() && p.next().getAsLong() > 0 && p.next().getAsLong() < N, p.toString());
      assertEquals(List.of(), allPages(r, and(List.of("even"), List.of("odd")), 100));
      assertEquals(expected(i -> i % 6 == 0), allPages(r, and(List.of("even"), List.of("three")), 100));
      assertEquals(expected(i -> true), allPages(r, or(List.of("even"), List.of("odd")), 100));
      seq.close();
    }
  }

  @Test
  void rowsWithoutTheLeafHash_areReadThroughTheTiles() throws Exception {
    List<EntryId> before;
    try (RocksLogStore store = RocksLogStore.open(dir)) {
      Sequencer seq = fill(store);
      before = allPages(reader(store, seq, 7, 1000), or(List.of("three"), List.of("five")), 7);
      seq.close();
    }
    assertTrue(LegacySearchRows.strip(dir) > 2 * N);
    try (RocksLogStore store = RocksLogStore.open(dir)) {
      TreeState head = store.treeState().orElseThrow();
      Sequencer seq = new Sequencer(store, head, signer, new Sequencer.Config(7, Duration.ZERO, 1000),
          System::currentTimeMillis, new ServerMetrics());
      assertEquals(before, allPages(reader(store, seq, 7, 1000), or(List.of("three"), List.of("five")), 7));
      assertEquals(expected(i -> i % 3 == 0 || i % 5 == 0), before);
      seq.close();
    }
  }
}
