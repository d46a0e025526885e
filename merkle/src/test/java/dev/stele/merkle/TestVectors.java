package dev.stele.merkle;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HexFormat;

/**
 * The test vectors of this module: {@code src/test/resources/vectors/} (each set's origin, license
 * and checks in its {@code PROVENANCE.md}), read from the test class path as files, because some
 * tests walk a directory of them. Anything missing fails the test; nothing is skipped.
 */
public final class TestVectors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestVectors() {}

  /** The vectors directory ({@code target/test-classes/vectors} in a Maven build). */
  public static Path dir() {
    URL url = TestVectors.class.getResource("/vectors/merkle-rfc6962/PROVENANCE.md");
    if (url == null) {
      fail("the test vectors are not on the test class path: expected vectors/merkle-rfc6962/PROVENANCE.md"
          + " from merkle/src/test/resources");
    }
    if (!"file".equals(url.getProtocol())) {
      fail("the test vectors must be files on disk (the tests walk their directories), not " + url);
    }
    try {
      return Paths.get(url.toURI()).getParent().getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("bad test vector URL " + url, e);
    }
  }

  /** A file or directory under the vectors directory, which must exist. */
  public static Path path(String relative) {
    Path p = dir().resolve(relative);
    if (!Files.exists(p)) {
      fail("test vector " + p + " is missing");
    }
    return p;
  }

  /** A JSON vector file, parsed. */
  public static JsonNode json(String relative) {
    return json(path(relative));
  }

  /** A JSON file, parsed. */
  public static JsonNode json(Path p) {
    try {
      return JSON.readTree(p.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }

  /** The bytes of a file under the vectors directory. */
  public static byte[] bytes(String relative) {
    try {
      return Files.readAllBytes(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] unhex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  public static Hash hash(JsonNode hexNode) {
    return Hash.fromHex(hexNode.asText());
  }

  /** Prints how many vectors of a set ran, for the record in the test output. */
  public static void report(String set, int count) {
    System.out.println("[vectors] " + set + ": " + count);
  }
}
