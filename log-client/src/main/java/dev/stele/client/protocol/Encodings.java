package dev.stele.client.protocol;

import java.util.Base64;
import java.util.HexFormat;

/**
 * The one home of base64 and hexadecimal in Stele: every decoder checks the whole text before
 * it decodes, and says in its message which character, at which position, breaks which rule.
 *
 * <p>Which rule applies where (docs/protocol.md section 1):
 *
 * <table>
 *   <caption>Accepted text forms</caption>
 *   <tr><th>Method</th><th>Alphabet</th><th>Padding</th><th>Used for</th></tr>
 *   <tr><td>{@link #base64(String, String)}</td><td>standard (RFC 4648 section 4)</td>
 *       <td>required</td><td>Rekor v1 JSON ({@code body}, {@code signedEntryTimestamp},
 *       signature and key {@code content}, DSSE {@code payload} and {@code sig}); C2SP
 *       checkpoint root hashes, signed-note signatures and note keys; PEM bodies; cosign's
 *       signature annotation and bundle</td></tr>
 *   <tr><td>{@link #protobufBase64}</td><td>standard or URL-safe (section 5), one of them</td>
 *       <td>optional</td><td>{@code bytes} fields of the protobuf JSON mapping: Sigstore
 *       bundles and trusted roots</td></tr>
 *   <tr><td>{@link #hex(String, String)}</td><td>{@code 0-9 a-f A-F}</td><td>-</td>
 *       <td>Rekor v1 hashes, UUIDs, entry IDs, hashedrekord digests (as sent)</td></tr>
 *   <tr><td>{@link #lowerHex}</td><td>{@code 0-9 a-f}</td><td>-</td><td>OCI content
 *       digests, cosign log IDs</td></tr>
 * </table>
 *
 * <p>Every base64 decoder accepts only the canonical text of the bytes: the bits after the
 * last byte must be zero, so that one byte string has one text form in each alphabet. No
 * decoder skips white space or line breaks: PEM joins its lines before decoding.
 *
 * <p>Encoders produce the standard alphabet with padding and lower-case hexadecimal.
 */
public final class Encodings {
  private static final HexFormat HEX = HexFormat.of();

  private Encodings() {}

  // ---- base64 -------------------------------------------------------------------------------

  /**
   * Decodes standard base64 with padding, accepting only the canonical encoding (the text
   * {@link #base64(byte[])} gives for the result).
   *
   * @param what names the value in messages, e.g. {@code "signature.content"}
   * @throws FormatException naming the first offending character and its position, a length
   *     that is not a multiple of 4, or non-zero bits after the last byte
   */
  public static byte[] base64(String what, String text) throws FormatException {
    int padding = checkAlphabet(what, text, Alphabet.STANDARD, "standard base64");
    if (text.length() % 4 != 0) {
      throw new FormatException(what + " is not padded standard base64 (length " + text.length()
          + " is not a multiple of 4)");
    }
    return decodeCanonical(what, text, padding, Base64.getDecoder(), Base64.getEncoder());
  }

  /**
   * {@link #base64(String, String)} that must give exactly {@code length} bytes (a hash, a
   * fixed-size key).
   *
   * @throws FormatException as there, or if the bytes are not {@code length} long
   */
  public static byte[] base64(String what, String text, int length) throws FormatException {
    return exactly(what, base64(what, text), length);
  }

  /** Standard base64 with padding. */
  public static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** {@link #base64(byte[])} as ASCII bytes, for writers that emit bytes (a canonical body). */
  static byte[] base64Ascii(byte[] bytes) {
    return Base64.getEncoder().encode(bytes);
  }

  /**
   * Decodes a {@code bytes} value of the protobuf JSON mapping (proto3 "JSON Mapping": "Either
   * standard or URL-safe base64 encoding with/without paddings are accepted"). Stricter than
   * that sentence in two ways that no encoder runs into: one text uses one alphabet, not a mix
   * of both, and it must be the canonical encoding. Padding, if present, must be complete.
   *
   * @throws FormatException naming the offending character and position, a mix of alphabets,
   *     an impossible length, or non-zero bits after the last byte
   */
  public static byte[] protobufBase64(String what, String text) throws FormatException {
    boolean urlSafe = text.indexOf('-') >= 0 || text.indexOf('_') >= 0;
    boolean standard = text.indexOf('+') >= 0 || text.indexOf('/') >= 0;
    if (urlSafe && standard) {
      throw new FormatException(what + " is not base64: it mixes the standard ('+', '/') and the"
          + " URL-safe ('-', '_') alphabet");
    }
    Alphabet alphabet = urlSafe ? Alphabet.URL_SAFE : Alphabet.STANDARD;
    int padding = checkAlphabet(what, text, alphabet, "base64");
    if (padding > 0 && text.length() % 4 != 0) {
      throw new FormatException(what + " is not base64: padded, but its length " + text.length()
          + " is not a multiple of 4");
    }
    if (padding == 0 && text.length() % 4 == 1) {
      throw new FormatException(what + " is not base64: length " + text.length() + " leaves one"
          + " character in its last group, which cannot encode a byte");
    }
    Base64.Encoder encoder = urlSafe ? Base64.getUrlEncoder() : Base64.getEncoder();
    return decodeCanonical(what, text, padding,
        urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder(),
        padding == 0 ? encoder.withoutPadding() : encoder);
  }

  /** The two alphabets of RFC 4648; they differ in the last two of their 64 characters. */
  private enum Alphabet {
    STANDARD('+', '/', "standard (RFC 4648 section 4)"),
    URL_SAFE('-', '_', "URL-safe (RFC 4648 section 5)");

    final String description;
    /** Indexed by character: a table, because every entry's keys and signatures are checked here. */
    private final boolean[] members = new boolean[128];

    Alphabet(char c62, char c63, String description) {
      this.description = description;
      for (char c = 'A'; c <= 'Z'; c++) members[c] = true;
      for (char c = 'a'; c <= 'z'; c++) members[c] = true;
      for (char c = '0'; c <= '9'; c++) members[c] = true;
      members[c62] = true;
      members[c63] = true;
    }

    boolean contains(char c) {
      return c < 128 && members[c];
    }
  }

  /**
   * Checks every character: alphabet characters, then at most two {@code '='} at the end.
   *
   * @return the number of padding characters
   */
  private static int checkAlphabet(String what, String text, Alphabet alphabet, String kind)
      throws FormatException {
    int end = text.length();
    while (end > 0 && text.charAt(end - 1) == '=') {
      end--;
    }
    int padding = text.length() - end;
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      if (alphabet.contains(c)) {
        continue;
      }
      if (c == '=') {
        throw new FormatException(what + " is not " + kind + ": padding '=' at position " + i
            + " is followed by more data");
      }
      Alphabet other = alphabet == Alphabet.STANDARD ? Alphabet.URL_SAFE : Alphabet.STANDARD;
      String why = other.contains(c)
          ? " belongs to the " + other.description + " alphabet, not the " + alphabet.description + " one"
          : " is not a base64 character";
      throw new FormatException(what + " is not " + kind + ": '" + printable(c) + "' at position " + i + why);
    }
    if (padding > 2) {
      throw new FormatException(what + " is not " + kind + ": it ends in " + padding
          + " padding characters; base64 has at most 2");
    }
    if (end == 0 && padding > 0) {
      throw new FormatException(what + " is not " + kind + ": it is only padding");
    }
    return padding;
  }

  private static byte[] decodeCanonical(String what, String text, int padding, Base64.Decoder decoder,
      Base64.Encoder encoder) throws FormatException {
    byte[] bytes;
    try {
      bytes = decoder.decode(text);
    } catch (IllegalArgumentException e) {
      // Not reached after the checks above; kept so that a JDK difference cannot pass as success.
      throw new FormatException(what + " is not base64: " + e.getMessage());
    }
    if (!encoder.encodeToString(bytes).equals(text)) {
      throw new FormatException(what + " is not canonical base64 (non-zero bits after the last"
          + " byte, in the character before " + (padding == 0 ? "the end" : "the padding") + ")");
    }
    return bytes;
  }

  // ---- hexadecimal --------------------------------------------------------------------------

  /**
   * Decodes lower- or upper-case hexadecimal of exactly {@code bytes} bytes.
   *
   * @throws FormatException for another length or a character that is not a hex digit
   */
  public static byte[] hex(String what, String text, int bytes) throws FormatException {
    if (text.length() != 2 * bytes) {
      throw new FormatException(
          what + " must be " + (2 * bytes) + " hex digits, got " + text.length());
    }
    return hex(what, text);
  }

  /**
   * Decodes lower- or upper-case hexadecimal of any even length.
   *
   * @throws FormatException for an odd length or a character that is not a hex digit
   */
  public static byte[] hex(String what, String text) throws FormatException {
    if (text.length() % 2 != 0) {
      throw new FormatException(what + " has an odd number of hex digits (" + text.length() + ")");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      // ASCII only: Character.digit would also take other scripts' digits.
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
        throw new FormatException(
            what + " must be hexadecimal, found '" + printable(c) + "' at position " + i);
      }
    }
    return HEX.parseHex(text);
  }

  /**
   * Decodes lower-case hexadecimal of exactly {@code bytes} bytes: the only form OCI digests
   * (image-spec {@code descriptor.md}, "Digests") and cosign's log IDs take.
   *
   * @throws FormatException for another length, an upper-case digit or any other character
   */
  public static byte[] lowerHex(String what, String text, int bytes) throws FormatException {
    if (text.length() != 2 * bytes) {
      throw new FormatException(what + " must be " + (2 * bytes) + " lower-case hex digits, got "
          + text.length() + " characters");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        throw new FormatException(what + " must be lower-case hexadecimal, found '" + printable(c)
            + "' at position " + i);
      }
    }
    return HEX.parseHex(text);
  }

  /** Lower-case hexadecimal. */
  public static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  // ---- shared -------------------------------------------------------------------------------

  private static byte[] exactly(String what, byte[] bytes, int length) throws FormatException {
    if (bytes.length != length) {
      throw new FormatException(what + " must be " + length + " bytes, got " + bytes.length);
    }
    return bytes;
  }

  /** A character as it can be shown in a message: control characters and non-ASCII as U+XXXX. */
  static String printable(char c) {
    return c < 0x20 || c >= 0x7f ? String.format("U+%04X", (int) c) : String.valueOf(c);
  }
}
