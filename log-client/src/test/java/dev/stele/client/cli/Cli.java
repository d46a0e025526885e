package dev.stele.client.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs the CLI in-process, capturing its output and exit code (also for the end-to-end tests in
 * e2e/, through log-client's test jar).
 */
public final class Cli {
  public record Run(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- out:\n" + out + "--- err:\n" + err;
    }
  }

  private Cli() {}

  public static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = SteleCli.commandLine(new SteleCli(env));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  public static Run run(String... args) {
    return run(Map.of(), args);
  }
}
