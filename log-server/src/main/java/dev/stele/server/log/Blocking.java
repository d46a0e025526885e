package dev.stele.server.log;

/**
 * Marks work that must never run on a Vert.x event loop: store reads and writes, signature checks.
 * Used as {@code assert Blocking.offEventLoop("a store read");}, so it costs nothing in production
 * (assertions off) and turns any such call on an event loop into an {@link AssertionError} in the
 * tests (Surefire runs them with assertions on), whatever the machine's load. A timing check alone
 * (Vert.x's blocked-thread warning) misses a short blocking call and, on a busy machine, reports a
 * descheduled thread as blocked.
 *
 * <p>Vert.x names its event loop threads {@code vert.x-eventloop-thread-N}; this class is kept free
 * of Vert.x so that the read side and the store stay so too.
 */
public final class Blocking {
  private static final String EVENT_LOOP_PREFIX = "vert.x-eventloop-thread-";

  private Blocking() {}

  /**
   * Returns true when the calling thread is not an event loop.
   *
   * @throws AssertionError naming {@code what} and the thread, when it is one
   */
  public static boolean offEventLoop(String what) {
    String thread = Thread.currentThread().getName();
    if (thread.startsWith(EVENT_LOOP_PREFIX)) {
      throw new AssertionError(what + " on event loop thread " + thread
          + ": send it to a worker pool (executeBlocking) instead");
    }
    return true;
  }
}
