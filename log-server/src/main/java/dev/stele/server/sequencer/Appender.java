package dev.stele.server.sequencer;

import dev.stele.server.log.TreeState;
import java.util.concurrent.CompletableFuture;

/**
 * The write side as the HTTP routes and the read side see it, whatever the storage driver: the
 * embedded {@link Sequencer}, or the distributed driver's frontend, which sequences in PostgreSQL
 * and waits for the one integrator.
 *
 * <p>The contract of {@link #submit} is the same for both: the future completes only once the
 * entry is durable and covered by a signed checkpoint whose tiles are readable, with that
 * checkpoint's state; or fails with {@link DuplicateEntryException} (409), {@link
 * LogOverloadedException} (503) or the error that failed it.
 */
public interface Appender {
  /** Queues a verified entry for the log. Never blocks. */
  CompletableFuture<Sequenced> submit(Sequencer.Submission s);

  /** The newest integrated tree state this process knows; never goes backwards. */
  TreeState head();

  /** Entries accepted but not yet answered. */
  int queueDepth();

  /** Why the write side stopped after a failure, or null while it is healthy. */
  String stoppedReason();

  /**
   * Why this process cannot serve for the moment although it has not stopped (a store it depends
   * on does not answer), or null. From a cache a probe off the event loop refreshes: never blocks.
   * The embedded store has no such outage.
   */
  default String unavailableReason() {
    return null;
  }

  /**
   * Stops accepting entries after a failure only the read side sees (a proof that fails its own
   * check). Safe to call from any thread; the first reason is kept.
   */
  void halt(String reason);
}
