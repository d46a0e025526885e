package dev.stele.merkle.tiles;

/**
 * A parsed C2SP tlog-tiles resource path: a hash tile {@code tile/<L>/<N>[.p/<W>]} or an entry
 * bundle {@code tile/entries/<N>[.p/<W>]}. For a bundle, {@link #tile()} is the level 0 tile with
 * the same index and width.
 */
public record TilePath(boolean entries, TileId tile) {
  private static final String PREFIX = "tile/";
  private static final String ENTRIES = "entries/";
  private static final String PARTIAL = ".p/";

  public TilePath {
    if (entries && tile.level() != 0) {
      throw new IllegalArgumentException("entry bundles exist only at level 0, not " + tile.level());
    }
  }

  /**
   * Parses a path as {@link TileId#path()} and {@link TileId#entriesPath()} write it; one leading
   * {@code /} is allowed. Only the canonical form is accepted: level and width in decimal without
   * leading zeros ({@code 0..63} and {@code 1..255}), the index in three-digit groups with {@code
   * x} before all but the last and no leading {@code x000} group.
   *
   * @throws TileFormatException naming what is wrong
   */
  public static TilePath parse(String path) throws TileFormatException {
    String p = path.startsWith("/") ? path.substring(1) : path;
    if (!p.startsWith(PREFIX)) {
      throw bad(path, "does not start with " + PREFIX);
    }
    p = p.substring(PREFIX.length());
    boolean entries = p.startsWith(ENTRIES);
    int level = 0;
    if (entries) {
      p = p.substring(ENTRIES.length());
    } else {
      int slash = p.indexOf('/');
      if (slash < 0) {
        throw bad(path, "has no tile index after the level");
      }
      level = (int) decimal(path, "level", p.substring(0, slash), TileId.MAX_LEVEL);
      p = p.substring(slash + 1);
    }
    int width = TileId.FULL_WIDTH;
    int partial = p.indexOf(PARTIAL);
    if (partial >= 0) {
      width = (int) decimal(path, "partial width", p.substring(partial + PARTIAL.length()),
          TileId.FULL_WIDTH - 1);
      if (width == 0) {
        throw bad(path, "has partial width 0");
      }
      p = p.substring(0, partial);
    }
    long index = index(path, p);
    return new TilePath(entries, new TileId(level, index, width));
  }

  /** The tile level ({@code 0} for an entry bundle). */
  public int level() {
    return tile.level();
  }

  /** The tile index. */
  public long index() {
    return tile.index();
  }

  /** The width: {@value TileId#FULL_WIDTH} for a full tile or bundle. */
  public int width() {
    return tile.width();
  }

  /** The canonical path. */
  public String path() {
    return entries ? tile.entriesPath() : tile.path();
  }

  @Override
  public String toString() {
    return path();
  }

  /** Groups {@code xDDD/.../DDD}. */
  private static long index(String path, String s) throws TileFormatException {
    String[] groups = s.split("/", -1);
    long value = 0;
    for (int g = 0; g < groups.length; g++) {
      String group = groups[g];
      boolean last = g == groups.length - 1;
      if (!last) {
        if (!group.startsWith("x")) {
          throw bad(path, "has index group '" + group + "' without the 'x' prefix");
        }
        group = group.substring(1);
      }
      if (group.length() != 3 || !allDigits(group)) {
        throw bad(path, "has index group '" + groups[g] + "', want " + (last ? "" : "x") + "DDD");
      }
      if (g == 0 && !last && group.equals("000")) {
        throw bad(path, "has a leading zero index group");
      }
      try {
        value = Math.addExact(Math.multiplyExact(value, 1000), Integer.parseInt(group));
      } catch (ArithmeticException e) {
        throw bad(path, "has a tile index above " + Long.MAX_VALUE);
      }
    }
    return value;
  }

  private static long decimal(String path, String what, String s, long max)
      throws TileFormatException {
    if (s.isEmpty() || !allDigits(s) || (s.length() > 1 && s.charAt(0) == '0') || s.length() > 3) {
      throw bad(path, "has " + what + " '" + s + "', want a decimal 0.." + max);
    }
    long v = Long.parseLong(s);
    if (v > max) {
      throw bad(path, "has " + what + " " + v + ", above " + max);
    }
    return v;
  }

  private static boolean allDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static TileFormatException bad(String path, String why) {
    String shown = path.length() <= 120 ? path : path.substring(0, 120) + "...";
    return new TileFormatException("tile path '" + shown + "' " + why);
  }
}
