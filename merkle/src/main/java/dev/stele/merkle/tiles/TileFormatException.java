package dev.stele.merkle.tiles;

/**
 * Bytes or a path that do not follow C2SP tlog-tiles: a malformed tile path, a hash tile of the
 * wrong length, a truncated entry bundle. The message says what is wrong and where.
 */
public class TileFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public TileFormatException(String message) {
    super(message);
  }
}
