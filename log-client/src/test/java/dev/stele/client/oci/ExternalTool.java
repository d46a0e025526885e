package dev.stele.client.oci;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Debian tools the registry tests use. A missing tool FAILS the test with the command
 * that installs it; nothing is skipped.
 */
final class ExternalTool {
  /** The one line that installs every tool these tests use (also in .ci/run). */
  static final String INSTALL =
      "apt-get install -y --no-install-recommends docker-registry skopeo umoci apache2-utils";

  private ExternalTool() {}

  /** The absolute path of {@code name} on PATH, or an IllegalStateException saying how to install it. */
  static Path require(String name, String debianPackage) {
    String path = System.getenv("PATH");
    for (String dir : (path == null ? "/usr/bin:/bin" : path).split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("`" + name + "` is not installed (Debian package " + debianPackage + ")."
        + " Install it with: apt-get install -y " + debianPackage + "   (all registry test tools: " + INSTALL + ")");
  }

  /** Runs a command, returns its standard output; a non-zero exit fails with the output shown. */
  static byte[] run(Path workDir, List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("stele-tool", ".out");
    Path err = Files.createTempFile("stele-tool", ".err");
    try {
      Process p = new ProcessBuilder(new ArrayList<>(command)).directory(workDir.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out after 120 s: " + String.join(" ", command));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("exit " + p.exitValue() + ": " + String.join(" ", command) + "\n"
            + Files.readString(err, StandardCharsets.UTF_8) + Files.readString(out, StandardCharsets.UTF_8));
      }
      return Files.readAllBytes(out);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
