package dev.stele.server.log;

/**
 * What a request names is not in the log: no entry at that index or with that UUID, no such tile in
 * the tree of the latest checkpoint, another tree's entry ID. The message is shown to the client.
 * The HTTP layer answers 404.
 */
public final class NotFoundException extends Exception {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String message) {
    super(message, null, false, false);
  }
}
