package dev.stele.client.protocol;

import dev.stele.merkle.Hash;
import java.util.List;

/**
 * The text of a checkpoint (C2SP tlog-checkpoint; docs/protocol.md section 7): the signed statement
 * "the tree {@code origin} has {@code size} leaves and root hash {@code root}".
 *
 * <pre>
 * &lt;origin&gt;\n
 * &lt;size, decimal&gt;\n
 * &lt;root, standard base64&gt;\n
 * [&lt;extension line&gt;\n ...]
 * </pre>
 *
 * <p>Stricter than the specification requires, so that every client parses it the same way: the
 * root is exactly 32 bytes (SHA-256), the size has no sign and no leading zeros, and no line is
 * empty (sigstore-java requires exactly one blank line in the whole note, the one that ends the
 * text). A Rekor v1 origin is {@code "<host> - <tree ID>"} ({@link #rekorOrigin}).
 *
 * @param origin the log's identity, the first line; not empty
 * @param size the number of leaves, non-negative
 * @param root the RFC 6962 root of the tree at {@code size}
 * @param extensions extension lines after the root, without their newlines (usually none)
 */
public record Checkpoint(String origin, long size, Hash root, List<String> extensions) {
  public Checkpoint {
    checkLine("origin", origin);
    if (size < 0) {
      throw new IllegalArgumentException("tree size must be non-negative, got " + size);
    }
    if (root == null) {
      throw new NullPointerException("root");
    }
    extensions = List.copyOf(extensions);
    for (String line : extensions) {
      checkLine("extension line", line);
    }
  }

  /** A checkpoint without extension lines. */
  public Checkpoint(String origin, long size, Hash root) {
    this(origin, size, root, List.of());
  }

  /** The Rekor v1 origin line: {@code "<host> - <tree ID in decimal>"}. */
  public static String rekorOrigin(String host, long treeId) {
    return host + " - " + treeId;
  }

  /** The note text: the four parts, each line ending in {@code \n}. */
  public String text() {
    StringBuilder sb = new StringBuilder(origin.length() + 80);
    sb.append(origin).append('\n').append(size).append('\n').append(root.base64()).append('\n');
    for (String line : extensions) {
      sb.append(line).append('\n');
    }
    return sb.toString();
  }

  /**
   * Parses a checkpoint text, e.g. {@link SignedNote#text()}.
   *
   * @throws FormatException with the line and the problem, if the text is not a checkpoint
   */
  public static Checkpoint parse(String text) throws FormatException {
    if (!text.endsWith("\n")) {
      throw new FormatException("checkpoint: the text must end with a newline");
    }
    String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
    if (lines.length < 3) {
      throw new FormatException("checkpoint: expected at least 3 lines (origin, size, root hash), got "
          + lines.length);
    }
    if (lines[0].isEmpty()) {
      throw new FormatException("checkpoint: line 1 (origin) is empty");
    }
    long size = parseSize(lines[1]);
    byte[] root;
    try {
      root = Encodings.base64("line 3 (root hash)", lines[2]);
    } catch (FormatException e) {
      throw new FormatException("checkpoint: " + e.getMessage());
    }
    if (root.length != Hash.SIZE) {
      throw new FormatException("checkpoint: line 3 (root hash) must be " + Hash.SIZE
          + " bytes (SHA-256), got " + root.length);
    }
    List<String> extensions = List.of(lines).subList(3, lines.length);
    for (int i = 0; i < extensions.size(); i++) {
      if (extensions.get(i).isEmpty()) {
        throw new FormatException("checkpoint: line " + (i + 4)
            + " is empty; a blank line inside the text would end it early for some clients");
      }
    }
    return new Checkpoint(lines[0], size, Hash.of(root), extensions);
  }

  private static long parseSize(String line) throws FormatException {
    if (line.isEmpty()) {
      throw new FormatException("checkpoint: line 2 (tree size) is empty");
    }
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c < '0' || c > '9') {
        throw new FormatException("checkpoint: line 2 (tree size) must be decimal digits, got '"
            + line + "'");
      }
    }
    if (line.length() > 1 && line.charAt(0) == '0') {
      throw new FormatException("checkpoint: line 2 (tree size) has a leading zero: '" + line + "'");
    }
    try {
      return Long.parseLong(line);
    } catch (NumberFormatException e) {
      throw new FormatException("checkpoint: line 2 (tree size) " + line
          + " is larger than " + Long.MAX_VALUE);
    }
  }

  private static void checkLine(String what, String line) {
    if (line.isEmpty() || line.indexOf('\n') >= 0) {
      throw new IllegalArgumentException(what + " must be one non-empty line, got '" + line + "'");
    }
  }
}
