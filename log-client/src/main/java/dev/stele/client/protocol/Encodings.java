package dev.stele.client.protocol;

import java.util.Base64;
import java.util.HexFormat;

/** Strict decoders for the two byte encodings of the Rekor API (PROTOCOL.md section 1). */
final class Encodings {
  private static final HexFormat HEX = HexFormat.of();

  private Encodings() {}

  /**
   * Decodes standard base64 with padding, accepting only the canonical encoding (the one
   * {@link Base64.Encoder} would produce), so that one byte string has one text form.
   */
  static byte[] base64(String what, String text) throws FormatException {
    if (text.length() % 4 != 0) {
      throw new FormatException(what + " is not padded standard base64 (length " + text.length()
          + " is not a multiple of 4)");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new FormatException(what + " is not standard base64: " + e.getMessage());
    }
    if (!Base64.getEncoder().encodeToString(bytes).equals(text)) {
      throw new FormatException(what + " is not canonical base64 (non-zero padding bits)");
    }
    return bytes;
  }

  static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** Decodes lower- or upper-case hexadecimal of exactly {@code bytes} bytes. */
  static byte[] hex(String what, String text, int bytes) throws FormatException {
    if (text.length() != 2 * bytes) {
      throw new FormatException(
          what + " must be " + (2 * bytes) + " hex digits, got " + text.length());
    }
    return hex(what, text);
  }

  static byte[] hex(String what, String text) throws FormatException {
    if (text.length() % 2 != 0) {
      throw new FormatException(what + " has an odd number of hex digits (" + text.length() + ")");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      // ASCII only: Character.digit also takes the digits of other scripts, which HexFormat refuses.
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
        throw new FormatException(what + " must be hexadecimal, found '" + printable(c) + "' at position " + i);
      }
    }
    return HEX.parseHex(text);
  }

  static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  /** A character as it can be shown in a message: control characters as U+XXXX. */
  static String printable(char c) {
    return c < 0x20 || c == 0x7f ? String.format("U+%04X", (int) c) : String.valueOf(c);
  }
}
