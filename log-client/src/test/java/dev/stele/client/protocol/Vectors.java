package dev.stele.client.protocol;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The shared test vectors ({@code ../shared/vectors} beside the checkout, or the folder named by
 * the system property {@code stele.vectors}). A missing file fails the test: nothing is skipped.
 */
public final class Vectors {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Vectors() {}

  public static Path root() {
    String configured = System.getProperty("stele.vectors");
    if (configured != null) {
      return Paths.get(configured);
    }
    for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared").resolve("vectors");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return fail("test vectors not found: no shared/vectors beside any parent of "
        + Paths.get("").toAbsolutePath() + " (set -Dstele.vectors=...)");
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
