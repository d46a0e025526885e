package dev.stele.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Sigstore JavaScript clients, through this module's script {@code src/test/node/sigstore-js.mjs}
 * (its commands: record, trusted-root, verify) at the versions {@code src/test/node/package-lock.json}
 * pins.
 *
 * <p>The test installs them itself, so that {@code ./mvnw verify -Pe2e}, CI and an IDE run all get
 * the same clients, and a missing Node fails the test that needs it with how to get it: the first
 * use copies the script and the npm files to {@code target/sigstore-js} and runs {@code npm ci}
 * there (again only when the lock file changed). {@code npm ci} installs exactly what the lock file
 * names, or fails; node_modules never lands in the source tree, and {@code clean} removes it.
 */
final class SigstoreJs {
  /** The oldest Node the pinned clients support (their package.json "engines"). */
  private static final int[] MIN_NODE = {20, 17};
  private static final String HOW_TO_INSTALL = "the cross-client tests need Node.js "
      + MIN_NODE[0] + "." + MIN_NODE[1] + " or newer and npm on PATH (Debian 12's nodejs package is 18, too"
      + " old: install Node.js 20 or 22 with npm from the Node.js project's packages)";
  private static final List<String> FILES = List.of("package.json", "package-lock.json", ".npmrc", "sigstore-js.mjs");

  record Result(int code, String output) {
    @Override
    public String toString() {
      return "exit " + code + "\n" + output;
    }
  }

  private final Path dir;

  private SigstoreJs(Path dir) {
    this.dir = dir;
  }

  /** Node checked, the script and its locked clients in {@code target/sigstore-js}. */
  static SigstoreJs install() throws IOException, InterruptedException {
    Path node = onPath("node");
    onPath("npm");
    Result version = run(Path.of("."), 60, Map.of(), node.toString(), "--version");
    Matcher m = Pattern.compile("v(\\d+)\\.(\\d+)").matcher(version.output());
    if (version.code() != 0 || !m.find()) {
      throw new IllegalStateException("`node --version` failed (" + version + "); " + HOW_TO_INSTALL);
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    if (major < MIN_NODE[0] || (major == MIN_NODE[0] && minor < MIN_NODE[1])) {
      throw new IllegalStateException("Node.js " + version.output().strip() + " is too old; " + HOW_TO_INSTALL);
    }

    Path source = Path.of("src/test/node").toAbsolutePath();
    Path target = Path.of("target/sigstore-js").toAbsolutePath();
    boolean installed = Files.isDirectory(target.resolve("node_modules/@sigstore/verify"))
        && sameBytes(source.resolve("package-lock.json"), target.resolve("package-lock.json"));
    Files.createDirectories(target);
    for (String name : FILES) {
      Path from = source.resolve(name);
      if (!Files.isRegularFile(from)) throw new IllegalStateException("missing " + from);
      Files.copy(from, target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
    if (!installed) {
      Result npm = run(target, 600, Map.of(), "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
      if (npm.code() != 0) {
        throw new IllegalStateException("npm ci in " + target + " failed (it needs the npm registry, or the"
            + " packages in npm's cache): " + npm);
      }
    }
    return new SigstoreJs(target);
  }

  /** {@code node sigstore-js.mjs ARGS} with {@code env} added (STELE_KEY_PASSWORD opens an encrypted key). */
  Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("node", dir.resolve("sigstore-js.mjs").toString()));
    command.addAll(List.of(args));
    return run(dir, 300, env, command.toArray(String[]::new));
  }

  private static Path onPath(String name) {
    String path = System.getenv("PATH");
    for (String d : (path == null ? "" : path).split(File.pathSeparator)) {
      Path candidate = Path.of(d.isEmpty() ? "." : d, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return candidate;
    }
    throw new IllegalStateException("`" + name + "` is not on PATH: " + HOW_TO_INSTALL);
  }

  private static boolean sameBytes(Path a, Path b) throws IOException {
    return Files.isRegularFile(a) && Files.isRegularFile(b) && Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b));
  }

  private static Result run(Path cwd, int timeoutSeconds, Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("sigstore-js", ".txt");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
          .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().putAll(env);
      Process p = pb.start();
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
