package dev.stele.server.read;

import dev.stele.server.log.StoredEntry;
import dev.stele.server.metrics.ServerMetrics;
import dev.stele.server.sign.LogSigner;
import dev.stele.server.storage.RocksLogStore;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Signs, in the background, the SETs that {@code stele-server import} left unsigned, so that
 * reads do not pay for them. An import stores its entries without SETs (signing 10^8 of them
 * would double its time) and records where they start ({@link RocksLogStore#setsPendingFrom});
 * when the server next starts, this thread walks from there to the tree size of that start,
 * signs each entry that still has no SET (one a reader has not signed on its first read, {@link
 * LogReader}) and stores them in batches, then clears the mark. It is paced to half of one core:
 * after each batch it sleeps as long as the batch took, so the server's own work keeps the rest.
 * Progress is recorded durably after every batch (the batch's SETs themselves are written
 * unsynced: if a crash loses them, reads sign those entries again, which is harmless, since the SET
 * signs fields fixed at append time). Entries appended after the start carry their SETs.
 */
public final class SetFiller implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SetFiller.class.getName());
  /** Entries read, signed and written together. */
  static final int BATCH = 1024;

  private final RocksLogStore store;
  private final LogSigner signer;
  private final ServerMetrics metrics;
  private final long from;
  private final long to;
  private final Thread thread;
  private volatile boolean stop;
  private volatile long done;

  private SetFiller(RocksLogStore store, LogSigner signer, ServerMetrics metrics, long from, long to) {
    this.store = store;
    this.signer = signer;
    this.metrics = metrics;
    this.from = from;
    this.to = to;
    this.done = from;
    this.thread = new Thread(this::run, "stele-set-filler");
    this.thread.setDaemon(true);
    this.thread.setPriority(Thread.MIN_PRIORITY);
  }

  /**
   * Starts filling if an import left SETs unsigned below {@code treeSize}; null if none did.
   *
   * @throws IOException if the store cannot say
   */
  public static SetFiller startIfNeeded(RocksLogStore store, LogSigner signer, ServerMetrics metrics, long treeSize)
      throws IOException {
    OptionalLong pending = store.setsPendingFrom();
    if (pending.isEmpty()) {
      return null;
    }
    if (pending.getAsLong() >= treeSize) {
      store.putSetsPendingFrom(-1);
      return null;
    }
    SetFiller f = new SetFiller(store, signer, metrics, pending.getAsLong(), treeSize);
    LOG.info(String.format(java.util.Locale.ROOT,
        "signing the SETs of imported entries %,d to %,d in the background (half a core at most)", f.from, f.to - 1));
    f.thread.start();
    return f;
  }

  /** An entry with its SET signed: the same statement the sequencer signs at append time. */
  static StoredEntry sign(LogSigner signer, StoredEntry e) throws IOException {
    try {
      return new StoredEntry(e.index(), e.integratedTime(),
          signer.signEntryTimestamp(e.bodyUnsafe(), e.integratedTime(), e.index()), e.bodyUnsafe());
    } catch (GeneralSecurityException ex) {
      throw new IOException("cannot sign the SET of entry " + e.index() + ": " + ex.getMessage(), ex);
    }
  }

  /** The index up to which every SET is signed (tests, progress). */
  long done() {
    return done;
  }

  /** Waits for the filler to finish; false if it did not within {@code millis}. */
  boolean await(long millis) throws InterruptedException {
    thread.join(millis);
    return !thread.isAlive();
  }

  private void run() {
    long next = from;
    long started = System.nanoTime();
    long signed = 0;
    try {
      while (next < to && !stop) {
        long t0 = System.nanoTime();
        List<StoredEntry> batch = store.entries(next, (int) Math.min(BATCH, to - next));
        if (batch.isEmpty()) {
          throw new IOException("entry " + next + " is missing below tree size " + to);
        }
        List<StoredEntry> out = new ArrayList<>(batch.size());
        for (StoredEntry e : batch) {
          if (e.setPending()) {
            out.add(sign(signer, e));
          }
        }
        if (!out.isEmpty()) {
          store.keepSets(out);
          signed += out.size();
          metrics.lazySetsSigned(out.size());
        }
        next += batch.size();
        done = next;
        store.putSetsPendingFrom(next < to ? next : -1);
        long took = System.nanoTime() - t0;
        TimeUnit.NANOSECONDS.sleep(took);
      }
      if (next >= to) {
        LOG.info(String.format(java.util.Locale.ROOT, "signed the SETs of %,d imported entries in %.1f s;"
            + " every entry has its SET", signed, (System.nanoTime() - started) / 1e9));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      // Reads still sign what is left on first read; the next start tries again.
      LOG.log(Level.WARNING, "signing imported entries' SETs stopped at entry " + next + ": " + e.getMessage(), e);
    }
  }

  /** Stops at the end of the current batch; what is left is done at the next start. */
  @Override
  public void close() {
    stop = true;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
