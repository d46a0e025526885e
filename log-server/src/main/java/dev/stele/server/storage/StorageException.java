package dev.stele.server.storage;

import java.io.IOException;

/** A storage operation failed; the message names the operation. */
public final class StorageException extends IOException {
  private static final long serialVersionUID = 1L;

  public StorageException(String operation, Throwable cause) {
    super("storage: " + operation + " failed: " + cause.getMessage(), cause);
  }

  public StorageException(String message) {
    super("storage: " + message);
  }
}
