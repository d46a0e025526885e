package dev.stele.server.distributed;

import dev.stele.merkle.Hash;
import dev.stele.merkle.tiles.EntryBundle;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.RightEdge;
import dev.stele.merkle.tiles.TileId;
import dev.stele.merkle.tiles.TileMath;
import dev.stele.server.log.StoredEntry;
import dev.stele.server.log.TreeState;
import dev.stele.server.sign.LogSigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one integrator of the distributed log, at any moment: every frontend runs one, and the one
 * holding the lease row ({@link PgLogStore#acquireLease}) integrates; the others wait for the
 * lease to expire. Its cycle, for the entries sequenced past the tree's size:
 *
 * <ol>
 *   <li>append their leaf hashes to the in-memory right edge: new root, changed tiles;
 *   <li>sign the checkpoint for the new size and root;
 *   <li>PUT the changed hash tiles and entry bundles, then the checkpoint, to the object store,
 *       and wait for every acknowledgement;
 *   <li>commit the new tree state in PostgreSQL, in a transaction that checks the fencing token
 *       ({@link PgLogStore#commitTree}).
 * </ol>
 *
 * <p>Why a paused old integrator cannot do harm: indices are fixed when entries are sequenced,
 * before any integrator sees them, so the tree of every size is determined, and so is every tile
 * and bundle path's content: a late PUT from an old integrator writes the bytes already there.
 * Its commit fails on the token. The one object it can set back is {@code checkpoint}, to an
 * older valid checkpoint whose tiles all exist; the next commit writes it forward again, and the
 * frontends serve the checkpoint from PostgreSQL, which never goes back.
 *
 * <p>On any failure the cycle is retried with backoff from the state in PostgreSQL; a lost lease
 * (renewal failed, or fenced at commit) drops the edge and goes back to waiting for the lease.
 */
public final class Integrator implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Integrator.class.getName());

  private final PgLogStore store;
  private final LogSigner signer;
  private final int maxBatch;
  private final long ttlMillis;
  private final String holder;
  private final Consumer<TreeState> committed;
  private final Semaphore wake = new Semaphore(0);
  private final ExecutorService puts = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "stele-integrator-put");
    t.setDaemon(true);
    return t;
  });
  private final Thread thread;
  private volatile boolean running = true;
  private volatile int fenced;

  private volatile long token = -1;
  private long renewedAt;
  private RightEdge edge;
  private TreeState state;
  /** Test hook: runs after the object store writes and before the commit. */
  private volatile Runnable beforeCommit = () -> { };

  Integrator(PgLogStore store, LogSigner signer, int maxBatch, Duration ttl, String name,
      Consumer<TreeState> committed) {
    this.store = store;
    this.signer = signer;
    this.maxBatch = maxBatch;
    this.ttlMillis = ttl.toMillis();
    this.holder = name + "/" + UUID.randomUUID();
    this.committed = committed;
    this.thread = new Thread(this::run, "stele-integrator");
  }

  void start() {
    thread.start();
  }

  /** Something was sequenced: integrate it soon. */
  void wake() {
    if (wake.availablePermits() == 0) wake.release();
  }

  /** Whether this process holds the lease right now (as far as it knows). */
  public boolean leader() {
    return token >= 0;
  }

  /** Test hook: {@code hook} runs after the object store writes of each batch, before its commit. */
  public void beforeCommit(Runnable hook) {
    beforeCommit = hook;
  }

  /** Commits refused because a newer integrator held the lease (the fence worked). */
  public int fencedCommits() {
    return fenced;
  }

  private void run() {
    long backoff = 100;
    while (running) {
      try {
        if (!holdLease()) {
          waitFor(Math.max(100, ttlMillis / 3));
          continue;
        }
        if (edge == null) load();
        if (!integrateOnce()) waitFor(50);
        backoff = 100;
      } catch (PgLogStore.FencedException e) {
        LOG.warning("integrator lost the lease: " + e.getMessage());
        fenced++;
        dropLease();
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        LOG.log(Level.WARNING, "integration failed; retrying in " + backoff + " ms: " + e.getMessage());
        // Whether a failed commit went through is unknown: start again from the database.
        edge = null;
        waitFor(backoff);
        backoff = Math.min(backoff * 2, 2000);
      }
    }
    if (token >= 0) {
      try {
        store.releaseLease(holder, token);
      } catch (IOException e) {
        LOG.fine("releasing the lease failed; it expires on its own: " + e.getMessage());
      }
    }
    puts.shutdownNow();
  }

  /** Acquires or renews the lease as needed; true while this process holds it. */
  private boolean holdLease() throws IOException {
    long now = System.nanoTime();
    if (token < 0) {
      long t = store.acquireLease(holder, ttlMillis);
      if (t < 0) return false;
      token = t;
      renewedAt = now;
      edge = null;
      LOG.info("integrator " + holder + " holds the lease (token " + t + ")");
      return true;
    }
    if (now - renewedAt > TimeUnit.MILLISECONDS.toNanos(ttlMillis / 3)) {
      if (!store.renewLease(holder, token, ttlMillis)) {
        LOG.warning("integrator " + holder + " lost the lease (token " + token + ")");
        dropLease();
        return false;
      }
      renewedAt = now;
    }
    return true;
  }

  private void dropLease() {
    token = -1;
    edge = null;
  }

  /** Reads the committed state and its right edge, and checks that they agree. */
  private void load() throws IOException {
    TreeState s = store.treeState().orElseThrow(() -> new IOException("the tree state is missing"));
    RightEdge e = RightEdge.load(store, s.size());
    if (!e.root().equals(s.root())) {
      throw new IOException("the stored tiles give root " + e.root().hex() + " for size " + s.size()
          + ", but the tree state says " + s.root().hex());
    }
    state = s;
    edge = e;
  }

  /** Integrates one batch; false if there was nothing to integrate. */
  private boolean integrateOnce() throws IOException, GeneralSecurityException {
    List<PgLogStore.Sequenced> rows = store.sequencedFrom(edge.size(), maxBatch);
    if (rows.isEmpty()) return false;
    List<Hash> leaves = new ArrayList<>(rows.size());
    long lastTime = state.lastIntegratedTime();
    for (int i = 0; i < rows.size(); i++) {
      PgLogStore.Sequenced r = rows.get(i);
      if (r.index() != edge.size() + i) {
        throw new IOException("sequenced entries skip from " + (edge.size() + i) + " to " + r.index());
      }
      leaves.add(r.leafHash());
      lastTime = Math.max(lastTime, r.integratedTime());
    }
    RightEdge.Growth growth = edge.append(leaves);
    long size = growth.edge().size();
    String checkpoint = signer.signCheckpoint(size, growth.edge().root());

    List<Future<?>> writes = new ArrayList<>();
    for (Map.Entry<TileId, HashTile> t : growth.changedTiles().entrySet()) {
      TileId id = t.getKey();
      byte[] tile = t.getValue().encode();
      writes.add(puts.submit(() -> {
        store.objects().put(id.path(), tile, PgLogStore.TILE_TYPE, PgLogStore.IMMUTABLE);
        return null;
      }));
      if (id.level() == 0) {
        writes.add(puts.submit(() -> {
          List<StoredEntry> entries = store.entries(TileMath.firstIndex(id), id.width());
          if (entries.size() != id.width()) {
            throw new IOException("bundle " + id.entriesPath() + " has " + entries.size() + " entries in the database");
          }
          List<byte[]> bodies = new ArrayList<>(entries.size());
          for (StoredEntry e : entries) bodies.add(e.bodyUnsafe());
          store.objects().put(id.entriesPath(), EntryBundle.encode(bodies), PgLogStore.TILE_TYPE, PgLogStore.IMMUTABLE);
          return null;
        }));
      }
    }
    waitAll(writes);
    // Only once every tile and bundle of the new tree is stored: the checkpoint, then the state.
    store.objects().put("checkpoint", checkpoint.getBytes(StandardCharsets.UTF_8), PgLogStore.CHECKPOINT_TYPE, "no-cache");
    beforeCommit.run();
    TreeState next = new TreeState(size, growth.edge().root(), lastTime, checkpoint);
    store.commitTree(token, ttlMillis, edge.size(), next);
    edge = growth.edge();
    state = next;
    renewedAt = System.nanoTime(); // the commit proved the lease still ours
    committed.accept(next);
    return true;
  }

  private static void waitAll(List<Future<?>> writes) throws IOException {
    IOException first = null;
    for (Future<?> f : writes) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while writing to the object store", e);
      } catch (ExecutionException e) {
        if (first == null) {
          first = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
      }
    }
    if (first != null) throw first;
  }

  private void waitFor(long ms) {
    try {
      wake.tryAcquire(ms, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Stops after the current cycle and gives up the lease. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    wake.release();
    thread.join();
  }
}
