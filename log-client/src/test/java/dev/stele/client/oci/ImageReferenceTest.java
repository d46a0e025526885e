package dev.stele.client.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {
  private static final String HEX = "210405d217c8b3ab14cb3f7943899b07e732e02676280857f8e7ea513a5b40ce";

  @Test
  void parse_hostPortRepoTag() throws Exception {
    ImageReference r = ImageReference.parse("127.0.0.1:15000/demo/hello:v1");
    assertEquals("127.0.0.1:15000", r.repository().registry());
    assertEquals("demo/hello", r.repository().name());
    assertEquals("v1", r.tag());
    assertNull(r.digest());
    assertEquals("v1", r.manifestReference());
    assertEquals("127.0.0.1:15000/demo/hello:v1", r.toString());
    assertTrue(r.repository().isLoopback());
  }

  @Test
  void parse_localhostWithoutTag_defaultsToLatest() throws Exception {
    ImageReference r = ImageReference.parse("localhost:5000/x");
    assertEquals("localhost:5000", r.repository().registry());
    assertEquals("x", r.repository().name());
    assertEquals("latest", r.tag());
    assertTrue(r.repository().isLoopback());
    assertEquals("localhost", ImageReference.parse("localhost/a/b").repository().registry());
  }

  @Test
  void parse_digest_andTagWithDigest() throws Exception {
    ImageReference byDigest = ImageReference.parse("registry.example.com/team/app@sha256:" + HEX);
    assertNull(byDigest.tag());
    assertEquals(HEX, byDigest.digest().hex());
    assertEquals("sha256:" + HEX, byDigest.manifestReference());
    assertTrue(!byDigest.repository().isLoopback());

    ImageReference both = ImageReference.parse("registry.example.com:443/team/app:1.0@sha256:" + HEX);
    assertEquals("1.0", both.tag());
    assertEquals("sha256:" + HEX, both.manifestReference(), "the digest decides");
    assertEquals("registry.example.com:443/team/app:1.0@sha256:" + HEX, both.toString());
  }

  @Test
  void parse_ipv6Host() throws Exception {
    ImageReference r = ImageReference.parse("[::1]:5000/demo/x:v2");
    assertEquals("[::1]:5000", r.repository().registry());
    assertTrue(r.repository().isLoopback());
  }

  @Test
  void parse_rejectsBadReferences_withMessagesThatSayWhy() {
    List<String> failures = new ArrayList<>();
    String[][] cases = {
        {"", "empty"},
        {"ubuntu:22.04", "no registry host"},
        {"library/ubuntu:22.04", "does not start with a registry host"},
        {"example.com/Upper/case:v1", "lower case"},
        {"example.com/a//b:v1", "empty path component"},
        {"example.com/a/:v1", "empty path component"},
        {"example.com/", "missing repository name"},
        {"example.com/a:-bad", "invalid tag"},
        {"example.com/a:" + "t".repeat(129), "invalid tag"},
        {"example.com/a@sha256:abc", "64 lowercase hex"},
        {"example.com/a@sha256:" + HEX.toUpperCase(), "64 lowercase hex"},
        {"example.com/a@sha512:" + HEX + HEX, "only sha256"},
        {"example.com/a@" + HEX, "no algorithm prefix"},
        {"example.com/a@sha256:" + HEX + "@sha256:" + HEX, "more than one '@'"},
        {"example.com:99999/a", "invalid port"},
        {"example.com:/a", "invalid port"},
        {"exa_mple.com/a", "not a valid host name"},
        {"-example.com/a", "not a valid host name"},
        {"[::1/a", "never closes"},
        {" example.com/a", "white space"},
        {"example.com/a--b_c/" + "x".repeat(250), "longer than 255"},
        {"example.com/a$b", "invalid path component"},
    };
    for (String[] c : cases) {
      try {
        ImageReference r = ImageReference.parse(c[0]);
        failures.add("accepted \"" + c[0] + "\" as " + r);
      } catch (OciException e) {
        if (!e.getMessage().contains(c[1])) {
          failures.add("\"" + c[0] + "\": message \"" + e.getMessage() + "\" does not contain \"" + c[1] + "\"");
        }
      }
    }
    assertEquals(List.of(), failures);
  }

  @Test
  void parse_acceptsTheSeparatorsOfTheReferenceGrammar() throws Exception {
    for (String ok : List.of("example.com/a.b/c_d/e__f/g-h/i---j:tag_1.2-x", "a.b/c:latest", "host:1/c:T")) {
      assertEquals(ok, ImageReference.parse(ok).toString());
    }
  }

  @Test
  void digest_parseAndSignatureTag() throws Exception {
    Digest d = Digest.parse("sha256:" + HEX);
    assertEquals("sha256-" + HEX + ".sig", d.signatureTag());
    assertEquals("sha256:" + HEX, d.toString());
    assertEquals(Digest.parse("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        Digest.of(new byte[0]), "sha256 of the empty string");
    assertThrows(OciException.class, () -> Digest.parse(null));
  }

  @Test
  void platform_parse() throws Exception {
    assertEquals(new Platform("linux", "arm64", "v8"), Platform.parse("linux/arm64/v8"));
    assertEquals(Platform.of("linux", "amd64"), Platform.parse("linux/amd64"));
    for (String bad : List.of("linux", "linux/", "/amd64", "a/b/c/d", "linux/arm64/")) {
      assertThrows(OciException.class, () -> Platform.parse(bad), bad);
    }
  }
}
