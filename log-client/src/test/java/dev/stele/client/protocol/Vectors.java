package dev.stele.client.protocol;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The test vectors of this module: {@code src/test/resources/vectors/} (each set's origin, license
 * and checks in its {@code PROVENANCE.md}), read from the test class path as files, because some
 * tests walk a directory of them or hand a path to the CLI. A missing file fails the test:
 * nothing is skipped.
 */
public final class Vectors {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Vectors() {}

  /** The vectors directory ({@code target/test-classes/vectors} in a Maven build). */
  public static Path root() {
    URL url = Vectors.class.getResource("/vectors/rekor-public-good/PROVENANCE.md");
    if (url == null) {
      return fail("the test vectors are not on the test class path: expected"
          + " vectors/rekor-public-good/PROVENANCE.md from log-client/src/test/resources");
    }
    if (!"file".equals(url.getProtocol())) {
      return fail("the test vectors must be files on disk (tests walk their directories), not " + url);
    }
    try {
      return Paths.get(url.toURI()).getParent().getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("bad test vector URL " + url, e);
    }
  }

  public static Path path(String relative) {
    Path p = root().resolve(relative);
    if (!Files.exists(p)) {
      fail("missing test vector " + p);
    }
    return p;
  }

  public static byte[] bytes(String relative) {
    try {
      return Files.readAllBytes(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String text(String relative) {
    return new String(bytes(relative), StandardCharsets.UTF_8);
  }

  public static JsonNode json(String relative) {
    try {
      return JSON.readTree(bytes(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
