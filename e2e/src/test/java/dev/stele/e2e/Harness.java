package dev.stele.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The shared conformance harness ({@code ../shared/conformance}: real sigstore-js clients),
 * copied into {@code target/} and installed with {@code npm ci}, and node to run it and this
 * module's scripts. Node and npm are required: without them the tests fail, they do not skip.
 */
final class Harness {
  record Result(int code, String output) {
    @Override
    public String toString() {
      return "exit " + code + "\n" + output;
    }
  }

  private final Path dir;

  private Harness(Path dir) {
    this.dir = dir;
  }

  /** Copies the harness to {@code target/conformance-harness} and runs {@code npm ci} there. */
  static Harness install() throws IOException, InterruptedException {
    Path source = Stele.repositoryRoot().resolve("../shared/conformance").normalize();
    if (!Files.isRegularFile(source.resolve("harness.mjs")) || !Files.isRegularFile(source.resolve("package-lock.json"))) {
      throw new IllegalStateException("the conformance harness is missing: expected " + source
          + "/harness.mjs and package-lock.json (../shared beside the checkout)");
    }
    Path target = Path.of("target/conformance-harness").toAbsolutePath();
    if (!Files.isDirectory(target.resolve("node_modules/@sigstore/verify"))) {
      copy(source, target);
      Result npm = run(target, 300, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
      if (npm.code() != 0) throw new IllegalStateException("npm ci of the conformance harness failed: " + npm);
    }
    return new Harness(target);
  }

  Path dir() {
    return dir;
  }

  /** {@code node ARGS} in the harness directory. */
  Result node(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("node");
    command.addAll(List.of(args));
    return run(dir, 300, command.toArray(String[]::new));
  }

  /** This module's scripts (src/test/js). */
  static Path script(String name) {
    Path p = Path.of("src/test/js", name).toAbsolutePath();
    if (!Files.isRegularFile(p)) throw new IllegalStateException("missing script " + p);
    return p;
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      files.filter(p -> !from.relativize(p).startsWith("node_modules")).forEach(p -> {
        try {
          Path dest = to.resolve(from.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(dest);
          } else {
            Files.copy(p, dest, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            dest.toFile().setWritable(true, true);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  private static Result run(Path cwd, int timeoutSeconds, String... command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("harness", ".txt");
    try {
      Process p;
      try {
        p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
            .redirectOutput(out.toFile()).start();
      } catch (IOException e) {
        throw new IllegalStateException("cannot run " + command[0] + " (Node 20 and npm are required for the"
            + " cross-client tests): " + e.getMessage(), e);
      }
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeoutSeconds
            + " s:\n" + Files.readString(out, StandardCharsets.UTF_8));
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
