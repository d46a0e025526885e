package dev.stele.client.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The decoding rules of {@link Encodings}: each case is one rule, with the exact message. The
 * expected bytes come from the JDK's own encoders, which are the reference for the alphabets and
 * for the canonical text (RFC 4648 sections 4 and 5).
 */
class EncodingsTest {
  private interface Decoder {
    byte[] decode(String what, String text) throws FormatException;
  }

  /** Runs every case and reports every mismatch at once. */
  private static void check(Decoder decoder, String[][] cases) {
    List<String> failures = new ArrayList<>();
    for (String[] c : cases) {
      String input = c[0];
      String expected = c[1];
      try {
        byte[] out = decoder.decode("x", input);
        failures.add("'" + input + "': accepted as " + out.length + " bytes; expected: " + expected);
      } catch (FormatException e) {
        if (!e.getMessage().equals(expected)) {
          failures.add("'" + input + "': got \"" + e.getMessage() + "\"; expected \"" + expected + "\"");
        }
      }
    }
    if (!failures.isEmpty()) {
      fail(String.join("\n", failures));
    }
  }

  @Test
  void base64_acceptsExactlyWhatTheStandardEncoderWrites() throws Exception {
    Random random = new Random(20261207);
    for (int n = 0; n < 70; n++) {
      byte[] bytes = new byte[n];
      random.nextBytes(bytes);
      String text = Base64.getEncoder().encodeToString(bytes);
      assertArrayEquals(bytes, Encodings.base64("x", text), text);
      assertEquals(text, Encodings.base64(bytes));
    }
  }

  @Test
  void base64_rejectsEverythingElse_namingCharacterAndPosition() {
    check(Encodings::base64, new String[][] {
        {"AA", "x is not padded standard base64 (length 2 is not a multiple of 4)"},
        {"AAA", "x is not padded standard base64 (length 3 is not a multiple of 4)"},
        {"AB==", "x is not canonical base64 (non-zero bits after the last byte, in the character before the padding)"},
        {"AAB=", "x is not canonical base64 (non-zero bits after the last byte, in the character before the padding)"},
        {"AA=A", "x is not standard base64: padding '=' at position 2 is followed by more data"},
        {"A===", "x is not standard base64: it ends in 3 padding characters; base64 has at most 2"},
        {"====", "x is not standard base64: it ends in 4 padding characters; base64 has at most 2"},
        {"==", "x is not standard base64: it is only padding"},
        {"ab-_", "x is not standard base64: '-' at position 2 belongs to the URL-safe (RFC 4648 section 5)"
            + " alphabet, not the standard (RFC 4648 section 4) one"},
        {"AA AA", "x is not standard base64: ' ' at position 2 is not a base64 character"},
        {"AAAA\nAAAA", "x is not standard base64: 'U+000A' at position 4 is not a base64 character"},
        {"AAAA\r", "x is not standard base64: 'U+000D' at position 4 is not a base64 character"},
        {"AAA\u00e9", "x is not standard base64: 'U+00E9' at position 3 is not a base64 character"},
        {"%%%%", "x is not standard base64: '%' at position 0 is not a base64 character"},
    });
  }

  @Test
  void base64_withLength_checksTheDecodedSize() throws Exception {
    String hash = Base64.getEncoder().encodeToString(new byte[32]);
    assertEquals(32, Encodings.base64("root", hash, 32).length);
    FormatException e = assertThrows(FormatException.class, () -> Encodings.base64("root", "AAAA", 32));
    assertEquals("root must be 32 bytes, got 3", e.getMessage());
  }

  @Test
  void protobufBase64_acceptsBothAlphabets_withAndWithoutPadding() throws Exception {
    Random random = new Random(7);
    for (int n = 0; n < 70; n++) {
      byte[] bytes = new byte[n];
      random.nextBytes(bytes);
      for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getEncoder().withoutPadding(),
          Base64.getUrlEncoder(), Base64.getUrlEncoder().withoutPadding())) {
        String text = encoder.encodeToString(bytes);
        assertArrayEquals(bytes, Encodings.protobufBase64("x", text), text);
      }
    }
  }

  @Test
  void protobufBase64_rejectsMixedAlphabets_badLengths_andNonCanonicalText() {
    check(Encodings::protobufBase64, new String[][] {
        {"a+b-", "x is not base64: it mixes the standard ('+', '/') and the URL-safe ('-', '_') alphabet"},
        {"a/b_", "x is not base64: it mixes the standard ('+', '/') and the URL-safe ('-', '_') alphabet"},
        {"AAAAA", "x is not base64: length 5 leaves one character in its last group, which cannot encode a byte"},
        {"AA=", "x is not base64: padded, but its length 3 is not a multiple of 4"},
        {"AB", "x is not canonical base64 (non-zero bits after the last byte, in the character before the end)"},
        {"AB==", "x is not canonical base64 (non-zero bits after the last byte, in the character before the padding)"},
        {"A=AA", "x is not base64: padding '=' at position 1 is followed by more data"},
        {"AA.A", "x is not base64: '.' at position 2 is not a base64 character"},
    });
  }

  @Test
  void hex_acceptsBothCases_exactLengthOnly() throws Exception {
    assertArrayEquals(new byte[] {(byte) 0xab, 0x0c}, Encodings.hex("x", "aB0c"));
    assertArrayEquals(new byte[] {(byte) 0xab, 0x0c}, Encodings.hex("x", "AB0C", 2));
    assertEquals("ab0c", Encodings.hex(new byte[] {(byte) 0xab, 0x0c}));
    check(Encodings::hex, new String[][] {
        {"abc", "x has an odd number of hex digits (3)"},
        {"0g", "x must be hexadecimal, found 'g' at position 1"},
        // Other scripts' digits are digits to Character.digit, not to the protocol.
        {"\uff10\uff10", "x must be hexadecimal, found 'U+FF10' at position 0"},
        {"0x", "x must be hexadecimal, found 'x' at position 1"},
    });
    check((what, text) -> Encodings.hex(what, text, 2), new String[][] {
        {"abc", "x must be 4 hex digits, got 3"},
        {"abcdef", "x must be 4 hex digits, got 6"},
    });
  }

  @Test
  void lowerHex_rejectsUpperCase() throws Exception {
    assertArrayEquals(new byte[] {(byte) 0xab}, Encodings.lowerHex("x", "ab", 1));
    check((what, text) -> Encodings.lowerHex(what, text, 1), new String[][] {
        {"AB", "x must be lower-case hexadecimal, found 'A' at position 0"},
        {"abc", "x must be 2 lower-case hex digits, got 3 characters"},
        {"a ", "x must be lower-case hexadecimal, found ' ' at position 1"},
    });
  }
}
