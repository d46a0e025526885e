package dev.stele.merkle;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HexFormat;

/**
 * Finds the shared test vectors: the system property {@code stele.vectors} if set, otherwise
 * {@code <repository root>/../shared/vectors}, where the repository root is the nearest directory
 * above the working directory that holds {@code mvnw}. Anything missing fails the test.
 */
public final class TestVectors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestVectors() {}

  /** The vectors directory. */
  public static Path dir() {
    String override = System.getProperty("stele.vectors");
    Path dir;
    if (override != null && !override.isEmpty()) {
      dir = Paths.get(override).toAbsolutePath();
    } else {
      Path root = Paths.get("").toAbsolutePath();
      while (root != null && !Files.isRegularFile(root.resolve("mvnw"))) {
        root = root.getParent();
      }
      if (root == null) {
        fail("no directory holding mvnw above " + Paths.get("").toAbsolutePath()
            + "; set -Dstele.vectors=<path to shared/vectors>");
      }
      dir = root.getParent().resolve("shared").resolve("vectors").normalize();
    }
    if (!Files.isDirectory(dir)) {
      fail("test vector directory " + dir + " is missing; set -Dstele.vectors=<path>");
    }
    return dir;
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
