package dev.stele.client.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PemTest {
  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 7 + 3);
    }
    return b;
  }

  @Test
  void encode_goLayout() {
    // 48 bytes = 64 base64 characters: exactly one full line.
    String one = Pem.encode("TEST", bytes(48));
    assertEquals("-----BEGIN TEST-----\n" + java.util.Base64.getEncoder().encodeToString(bytes(48))
        + "\n-----END TEST-----\n", one);
    // 49 bytes: a full line and a short one.
    String two = Pem.encode("PUBLIC KEY", bytes(49));
    String[] lines = two.split("\n", -1);
    assertEquals(5, lines.length);
    assertEquals(64, lines[1].length());
    assertEquals(4, lines[2].length());
    assertEquals("", lines[4]);
    assertEquals("-----BEGIN TEST-----\n-----END TEST-----\n", Pem.encode("TEST", new byte[0]));
  }

  /** The stored production key file is in the canonical layout: decoding and encoding are exact. */
  @Test
  void decodeEncode_productionRekorKey_roundTrips() throws Exception {
    String text = Vectors.text("rekor-public-good/trust/rekor.sigstore.dev.pub.pem");
    Pem.Block block = Pem.decodeSingle(text, "PUBLIC KEY");
    assertEquals(91, block.bytes().length);
    assertEquals(text, block.encode());
  }

  @Test
  void decode_chainWithCrlfAndOddWrapping() throws Exception {
    byte[] a = bytes(100);
    byte[] b = bytes(10);
    String b64 = java.util.Base64.getEncoder().encodeToString(a);
    String text = "\r\n-----BEGIN CERTIFICATE-----\r\n" + b64.substring(0, 10) + "\r\n" + b64.substring(10)
        + "\r\n-----END CERTIFICATE-----\r\n\n" + Pem.encode("CERTIFICATE", b) + "  \n";
    List<Pem.Block> blocks = Pem.decode(text);
    assertEquals(2, blocks.size());
    assertArrayEquals(a, blocks.get(0).bytes());
    assertArrayEquals(b, blocks.get(1).bytes());
    assertEquals(Pem.encode("CERTIFICATE", a) + Pem.encode("CERTIFICATE", b), Pem.encode(blocks));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "empty|''|no -----BEGIN <type>----- block found",
      "junk before|hello\\n-----BEGIN X-----\\nAAAA\\n-----END X-----\\n|unexpected text outside a block at line 1",
      "junk after|-----BEGIN X-----\\nAAAA\\n-----END X-----\\nbye\\n|unexpected text outside a block at line 4",
      "no end|-----BEGIN X-----\\nAAAA\\n|block 'X' opened at line 1 has no END line",
      "wrong end|-----BEGIN X-----\\nAAAA\\n-----END Y-----\\n|is closed by END 'Y' at line 3",
      "headers|-----BEGIN X-----\\nProc-Type: 4,ENCRYPTED\\nAAAA\\n-----END X-----\\n|headers are not supported (line 2)",
      "bad base64|-----BEGIN X-----\\nAA*A\\n-----END X-----\\n|not standard base64",
      "unpadded|-----BEGIN X-----\\nAAA\\n-----END X-----\\n|not a multiple of 4",
      "empty block|-----BEGIN X-----\\n-----END X-----\\n|block 'X' at line 1 is empty",
      "bad label|-----BEGIN x--y-----\\nAAAA\\n-----END x--y-----\\n|malformed type label",
  })
  void decode_malformed_throwsWithLocation(String name, String text, String expected) {
    FormatException e = assertThrows(FormatException.class, () -> Pem.decode(text.replace("\\n", "\n")));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(e.getMessage().startsWith("PEM: "), e.getMessage());
  }

  @Test
  void decodeSingle_wrongTypeOrCount_throws() {
    String two = Pem.encode("A", bytes(3)) + Pem.encode("A", bytes(3));
    assertTrue(assertThrows(FormatException.class, () -> Pem.decodeSingle(two, "A"))
        .getMessage().contains("expected one A block, found 2"));
    assertTrue(assertThrows(FormatException.class, () -> Pem.decodeSingle(Pem.encode("B", bytes(3)), "A"))
        .getMessage().contains("expected a A block, found B"));
  }
}
