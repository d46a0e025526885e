package dev.stele.server.storage;

/**
 * A store the log depends on could not be reached or did not answer in time: the distributed
 * driver's database or object store is down, restarting or overloaded. Unlike other storage
 * failures this one passes, so a request that meets it is answered 503 with {@code Retry-After}
 * rather than 500. The message (endpoints, the driver's words) goes to the server log; clients
 * are told only which store it was ({@link #store}).
 */
public final class StoreUnavailableException extends StorageException {
  private static final long serialVersionUID = 1L;

  private final String store;

  /**
   * @param store which store, as clients are told: "database", "object store"
   * @param operation what was being done, for the server log
   */
  public StoreUnavailableException(String store, String operation, Throwable cause) {
    super(store + ": " + operation, cause);
    this.store = store;
  }

  /** Which store could not be reached: "database" or "object store". */
  public String store() {
    return store;
  }
}
