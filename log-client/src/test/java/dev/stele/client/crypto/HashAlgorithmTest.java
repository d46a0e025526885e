package dev.stele.client.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HashAlgorithmTest {
  /** The DigestInfo prefixes are the ones RFC 8017 section 9.2, note 1, lists for each digest. */
  @Test
  void digestInfo_isTheRfc8017Prefix_thenTheDigest() {
    String[][] cases = {
        {"SHA256", "3031300d060960864801650304020105000420"},
        {"SHA384", "3041300d060960864801650304020205000430"},
        {"SHA512", "3051300d060960864801650304020305000440"},
    };
    for (String[] c : cases) {
      HashAlgorithm h = HashAlgorithm.valueOf(c[0]);
      byte[] digest = new byte[h.digestLength()];
      digest[0] = 0x5a;
      assertEquals(c[1] + HexFormat.of().formatHex(digest), HexFormat.of().formatHex(h.digestInfo(digest)), c[0]);
    }
  }
}
