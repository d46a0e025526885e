package dev.stele.merkle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Rfc6962Test {
  @Test
  void emptyRoot_isSha256OfEmptyString() {
    // printf '' | sha256sum
    assertEquals(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        Rfc6962.EMPTY_ROOT.hex());
  }

  @Test
  void hashLeaf_emptyLeaf() {
    // printf '\x00' | sha256sum
    assertEquals(
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        Rfc6962.hashLeaf(new byte[0]).hex());
  }

  @Test
  void hashLeaf_isPrefixedWithZero() {
    // printf '\x00L123456' | sha256sum
    assertEquals(
        "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56",
        Rfc6962.hashLeaf("L123456".getBytes(StandardCharsets.US_ASCII)).hex());
  }

  @Test
  void hashChildren_isPrefixedWithOne() {
    // printf '\x01N123N456' | sha256sum
    Hash left = Hash.of(pad("N123"));
    Hash right = Hash.of(pad("N456"));
    Hash expected = Rfc6962.sha256(concat(new byte[] {1}, pad("N123"), pad("N456")));
    assertEquals(expected, Rfc6962.hashChildren(left, right));
  }

  @Test
  void hashChildren_orderMatters() {
    Hash a = Rfc6962.hashLeaf(new byte[] {1});
    Hash b = Rfc6962.hashLeaf(new byte[] {2});
    assertNotEquals(Rfc6962.hashChildren(a, b), Rfc6962.hashChildren(b, a));
  }

  private static byte[] pad(String s) {
    byte[] out = new byte[Hash.SIZE];
    byte[] in = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(in, 0, out, 0, in.length);
    return out;
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) n += p.length;
    byte[] out = new byte[n];
    int off = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, off, p.length);
      off += p.length;
    }
    return out;
  }
}
