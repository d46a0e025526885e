package dev.stele.server.storage;

import java.io.IOException;

/**
 * A storage operation failed; the message names the operation. A failure that passes (a store
 * that cannot be reached for now) is the subclass {@link StoreUnavailableException}.
 */
public class StorageException extends IOException {
  private static final long serialVersionUID = 1L;

  public StorageException(String operation, Throwable cause) {
    super("storage: " + operation + " failed: " + cause.getMessage(), cause);
  }

  public StorageException(String message) {
    super("storage: " + message);
  }
}
