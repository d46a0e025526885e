package dev.stele.e2e;

import dev.stele.client.cli.Cli;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The Stele CLI, run in-process (fast) or as {@code bin/stele} (the launcher users run). */
final class Stele {
  /** The exit codes of the CLI's table (log-client README), as the tests expect them. */
  static final int OK = 0;
  static final int NO_SIGNATURE = 6;
  static final int ARTIFACT_SIGNATURE = 10;
  static final int INCLUSION = 12;
  static final int CHECKPOINT = 13;
  static final int TIMESTAMP = 14;

  private Stele() {}

  /** The CLI in-process (log-client's test helper). */
  static Cli.Run inProcess(Map<String, String> env, String... args) {
    return Cli.run(env, args);
  }

  /** {@code bin/stele ARGS} from the repository root, with {@code env} added. */
  static Cli.Run launcher(Map<String, String> env, String... args) throws IOException, InterruptedException {
    Path root = repositoryRoot();
    List<String> command = new ArrayList<>();
    command.add(root.resolve("bin/stele").toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile("stele-out", ".txt");
    Path err = Files.createTempFile("stele-err", ".txt");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("bin/stele did not finish within 120 s");
      }
      return new Cli.Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** The checkout this module sits in (e2e/ is one level below the root). */
  static Path repositoryRoot() {
    Path here = Path.of("").toAbsolutePath();
    Path root = here.getFileName().toString().equals("e2e") ? here.getParent() : here;
    if (!root.resolve("bin/stele").toFile().canExecute()) {
      throw new IllegalStateException("bin/stele not found from " + here);
    }
    return root;
  }
}
