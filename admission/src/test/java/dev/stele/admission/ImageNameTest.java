package dev.stele.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.oci.Digest;
import dev.stele.client.oci.OciException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageNameTest {
  private static final String HEX = "2104f5a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c40ce";

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "nginx, docker.io/library/nginx, latest",
      "nginx:1.25, docker.io/library/nginx, 1.25",
      "team/app:v2, docker.io/team/app, v2",
      "docker.io/nginx, docker.io/library/nginx, latest",
      "index.docker.io/team/app, docker.io/team/app, latest",
      "registry.example.com/team/app:1.0, registry.example.com/team/app, 1.0",
      "127.0.0.1:5000/demo/hello:v1, 127.0.0.1:5000/demo/hello, v1",
      "localhost/app, localhost/app, latest",
      "ghcr.io/org/tool, ghcr.io/org/tool, latest",
  })
  void parse_normalizesAsTheRuntimePulls(String image, String name, String tag) throws Exception {
    ImageName n = ImageName.parse(image);
    assertEquals(name, n.name());
    assertEquals(tag, n.reference().tag());
    assertNull(n.digest());
  }

  @Test
  void parse_digestAndTagAndDigest() throws Exception {
    ImageName d = ImageName.parse("nginx@sha256:" + HEX);
    assertEquals("docker.io/library/nginx", d.name());
    assertEquals(new Digest(HEX), d.digest());
    ImageName both = ImageName.parse("127.0.0.1:5000/demo/app:v1@sha256:" + HEX);
    assertEquals("v1", both.reference().tag());
    assertEquals(new Digest(HEX), both.digest());
  }

  @Test
  void pullReference_dockerHubUsesItsApiHost() throws Exception {
    assertEquals("registry-1.docker.io/library/nginx:1.25", ImageName.parse("nginx:1.25").pullReference().toString());
    assertEquals("127.0.0.1:5000/demo/app:v1", ImageName.parse("127.0.0.1:5000/demo/app:v1").pullReference().toString());
  }

  @Test
  void pinned_keepsTheSpecsTextAndAddsTheDigest() throws Exception {
    assertEquals("nginx:1.25@sha256:" + HEX, ImageName.parse("nginx:1.25").pinned(new Digest(HEX)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "Nginx|upper-case",
      "nginx@sha512:abcd|only sha256",
      "nginx:bad tag|invalid tag",
      "registry.example.com//app|empty path component",
  })
  void parse_refusesWhatIsNoImage(String image, String why) {
    String m = assertThrows(OciException.class, () -> ImageName.parse(image)).getMessage();
    assertTrue(m.contains(why), m);
  }
}
