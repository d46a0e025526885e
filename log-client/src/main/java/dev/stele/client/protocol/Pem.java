package dev.stele.client.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * PEM (RFC 7468 textual encoding): strict parsing of one block or a chain of blocks, and the one
 * output layout the log stores (the layout of Go's {@code pem.Encode}, docs/protocol.md section 3.1):
 *
 * <pre>
 * -----BEGIN TYPE-----\n
 * base64, 64 characters per line\n
 * -----END TYPE-----\n
 * </pre>
 *
 * <p>Parsing accepts {@code \n} or {@code \r\n} line ends, any base64 line length, whitespace
 * around and between blocks, and nothing else: no text outside blocks, no RFC 1421 headers.
 */
public final class Pem {
  private static final int LINE = 64;
  private static final String DASHES = "-----";

  private Pem() {}

  /** One PEM block: its type label ({@code PUBLIC KEY}, {@code CERTIFICATE}, ...) and content. */
  public static final class Block {
    private final String type;
    private final byte[] bytes;

    public Block(String type, byte[] bytes) {
      checkLabel(type);
      this.type = type;
      this.bytes = bytes.clone();
    }

    public String type() {
      return type;
    }

    /** A copy of the decoded content (usually DER). */
    public byte[] bytes() {
      return bytes.clone();
    }

    /** This block in the canonical layout. */
    public String encode() {
      return Pem.encode(type, bytes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Block && type.equals(((Block) o).type) && Arrays.equals(bytes, ((Block) o).bytes);
    }

    @Override
    public int hashCode() {
      return type.hashCode() * 31 + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "PEM " + type + " (" + bytes.length + " bytes)";
    }
  }

  /** Encodes one block in the canonical layout. */
  public static String encode(String type, byte[] bytes) {
    checkLabel(type);
    String b64 = Encodings.base64(bytes);
    StringBuilder sb = new StringBuilder(b64.length() + b64.length() / LINE + 2 * type.length() + 40);
    sb.append(DASHES).append("BEGIN ").append(type).append(DASHES).append('\n');
    for (int i = 0; i < b64.length(); i += LINE) {
      sb.append(b64, i, Math.min(b64.length(), i + LINE)).append('\n');
    }
    sb.append(DASHES).append("END ").append(type).append(DASHES).append('\n');
    return sb.toString();
  }

  /** Encodes blocks one after the other, each in the canonical layout. */
  public static String encode(List<Block> blocks) {
    StringBuilder sb = new StringBuilder();
    for (Block b : blocks) {
      sb.append(b.encode());
    }
    return sb.toString();
  }

  /**
   * Parses every block in {@code text}.
   *
   * @throws FormatException if there is no block, a block is unterminated or malformed, or
   *     anything other than whitespace lies outside the blocks
   */
  public static List<Block> decode(String text) throws FormatException {
    List<Block> blocks = new ArrayList<>(2);
    String[] lines = text.split("\n", -1);
    String type = null;
    StringBuilder b64 = null;
    int beginLine = 0;
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n];
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      String trimmed = line.strip();
      if (type == null) {
        if (trimmed.isEmpty()) {
          continue;
        }
        type = boundary(trimmed, "BEGIN ", n);
        if (type == null) {
          throw new FormatException("PEM: unexpected text outside a block at line " + (n + 1)
              + " (expected -----BEGIN <type>-----)");
        }
        b64 = new StringBuilder();
        beginLine = n + 1;
        continue;
      }
      String end = boundary(trimmed, "END ", n);
      if (end != null) {
        if (!end.equals(type)) {
          throw new FormatException("PEM: block '" + type + "' opened at line " + beginLine
              + " is closed by END '" + end + "' at line " + (n + 1));
        }
        blocks.add(new Block(type, decodeBody(type, b64.toString(), beginLine)));
        type = null;
        continue;
      }
      if (trimmed.indexOf(':') >= 0) {
        throw new FormatException("PEM: headers are not supported (line " + (n + 1) + ")");
      }
      if (trimmed.startsWith(DASHES)) {
        throw new FormatException("PEM: unexpected boundary at line " + (n + 1) + " inside block '"
            + type + "' opened at line " + beginLine);
      }
      b64.append(trimmed);
    }
    if (type != null) {
      throw new FormatException("PEM: block '" + type + "' opened at line " + beginLine + " has no END line");
    }
    if (blocks.isEmpty()) {
      throw new FormatException("PEM: no -----BEGIN <type>----- block found");
    }
    return blocks;
  }

  /**
   * Parses text that must hold exactly one block, of the given type.
   *
   * @throws FormatException otherwise
   */
  public static Block decodeSingle(String text, String expectedType) throws FormatException {
    List<Block> blocks = decode(text);
    if (blocks.size() != 1) {
      throw new FormatException("PEM: expected one " + expectedType + " block, found " + blocks.size());
    }
    Block block = blocks.get(0);
    if (!block.type().equals(expectedType)) {
      throw new FormatException("PEM: expected a " + expectedType + " block, found " + block.type());
    }
    return block;
  }

  private static String boundary(String line, String kind, int n) throws FormatException {
    String prefix = DASHES + kind;
    if (!line.startsWith(prefix)) {
      return null;
    }
    if (!line.endsWith(DASHES) || line.length() < prefix.length() + DASHES.length()) {
      throw new FormatException("PEM: malformed " + kind.strip() + " line at line " + (n + 1));
    }
    String label = line.substring(prefix.length(), line.length() - DASHES.length());
    if (label.isEmpty() || !isLabel(label)) {
      throw new FormatException("PEM: malformed type label '" + label + "' at line " + (n + 1));
    }
    return label;
  }

  private static byte[] decodeBody(String type, String b64, int beginLine) throws FormatException {
    if (b64.isEmpty()) {
      throw new FormatException("PEM: block '" + type + "' at line " + beginLine + " is empty");
    }
    try {
      return Encodings.base64("PEM block '" + type + "' at line " + beginLine, b64);
    } catch (FormatException e) {
      throw new FormatException("PEM: " + e.getMessage());
    }
  }

  private static boolean isLabel(String label) {
    // RFC 7468 section 3: printable ASCII except '-', single spaces between words.
    for (int i = 0; i < label.length(); i++) {
      char c = label.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '-') {
        return false;
      }
    }
    return !label.startsWith(" ") && !label.endsWith(" ") && !label.contains("  ");
  }

  private static void checkLabel(String type) {
    if (type.isEmpty() || !isLabel(type)) {
      throw new IllegalArgumentException("not a PEM type label: '" + type + "'");
    }
  }
}
