package dev.stele.client.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.stele.client.protocol.ProtocolJson;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every command shares: its spec, the environment, and text or JSON output. */
abstract class BaseCommand implements Callable<Integer> {
  enum Format { text, json }

  @Spec
  CommandSpec spec;

  @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). JSON goes to"
          + " standard output, failures included.")
  Format output;

  SteleCli root() {
    return (SteleCli) spec.root().userObject();
  }

  boolean json() {
    return output == Format.json;
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Prints a result: as one JSON object, or as "key: value" lines. */
  void print(Map<String, Object> result) {
    PrintWriter out = out();
    if (json()) {
      out.println(toJson(result));
    } else {
      for (Map.Entry<String, Object> e : result.entrySet()) {
        out.println(e.getKey() + ": " + e.getValue());
      }
    }
    out.flush();
  }

  /** A progress or status line on standard error (text output only). */
  void note(String line) {
    if (!json()) {
      err().println(line);
      err().flush();
    }
  }

  void printFailure(ExitCode code, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", false);
    m.put("exitCode", code.code);
    m.put("error", code.name());
    m.put("message", message);
    out().println(toJson(m));
    out().flush();
  }

  static String toJson(Object value) {
    try {
      return ProtocolJson.mapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
