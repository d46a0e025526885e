package dev.stele.docs;

import dev.stele.client.cli.SteleCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Renders {@code docs/configuration.md} from the command-line models (picocli) of the
 * programs: every option with its default and environment variable, and the other variables the
 * programs and their launchers read.
 *
 * <p>Defaults are read uninterpolated ({@code ${env:STELE_PORT:-3000}}), so the text depends on
 * the code alone, never on the environment of the build.
 */
final class ConfigurationReference {
  /** A default taken from an environment variable: {@code ${env:NAME}} or {@code ${env:NAME:-DEFAULT}}. */
  private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:([A-Za-z0-9_]+)(?::-(.*))?}");
  private static final Pattern VARIABLE = Pattern.compile("\\bSTELE_[A-Z0-9_]*[A-Z0-9]\\b");

  /**
   * Variables that the programs read directly rather than through an option, with their meaning.
   * The test fails when a program or launcher mentions one that is missing here, or when one here
   * is mentioned nowhere any more.
   */
  static final Map<String, String> OTHER_VARIABLES = Map.of(
      "STELE_KEY_PASSWORD", "Password of an encrypted PKCS#8 private key: the log key and checkpoint key of the "
          + "server (or the PIN of its PKCS#11 token; `--key-password-file` wins), the witness key of the monitor, a "
          + "signing key of `stele`. Passwords are never taken "
          + "from arguments; `stele` asks on the terminal when it is unset.",
      "STELE_LOG_TOKEN", "Bearer token for a log that restricts writes (or reads), when `--log-token-file` is not "
          + "given; sent only to the log's origin, over HTTPS or to a loopback IP literal.",
      "STELE_REGISTRY_TOKEN_HOSTS", "Comma-separated hosts trusted as the image registry's token service, as "
          + "`--registry-token-host`.",
      "STELE_REGISTRY_PASSWORD", "Password for `--registry-username`.",
      "STELE_DB_PASSWORD", "Password of the PostgreSQL user of `--storage postgres`, when `--db-password-file` is "
          + "not given; never taken from arguments.",
      "STELE_JAVA_OPTS", "Extra JVM options for the launcher (for example `-Xmx2g`); not used by the images.");

  /** A program as a person starts it: its launcher in bin/, its image if there is one. */
  record Program(String launcher, String image, CommandLine cli) {
    String name() {
      return cli.getCommandName();
    }
  }

  /** One option as documented; an absent default or variable is null. */
  record Row(String option, String defaultValue, String variable, String meaning) {}

  private ConfigurationReference() {}

  static List<Program> programs() {
    return List.of(
        new Program("bin/stele-server", "stele/log-server", uninterpolated(new CommandLine(new dev.stele.server.Main()))),
        new Program("bin/stele-monitor", "stele/monitor", uninterpolated(new CommandLine(new dev.stele.monitor.Main()))),
        new Program("bin/stele-admission", "stele/admission", uninterpolated(new CommandLine(new dev.stele.admission.Main()))),
        new Program("bin/stele", null, uninterpolated(SteleCli.commandLine(new SteleCli(Map.of())))));
  }

  private static CommandLine uninterpolated(CommandLine cli) {
    cli.setInterpolateVariables(false);
    return cli;
  }

  /** The documented options of one command: not --help and --version, not hidden ones. */
  static List<OptionSpec> options(CommandSpec spec) {
    List<OptionSpec> out = new ArrayList<>();
    for (OptionSpec o : spec.options()) {
      if (!o.usageHelp() && !o.versionHelp() && !o.hidden()) out.add(o);
    }
    return out;
  }

  static Row row(OptionSpec o) {
    String raw = o.defaultValue();
    String variable = null;
    String def = raw;
    if (raw != null) {
      Matcher m = ENV_DEFAULT.matcher(raw);
      if (m.matches()) {
        variable = m.group(1);
        def = m.group(2);
      }
    }
    if (def == null && (o.type() == boolean.class || o.type() == Boolean.class)) def = "false";
    String meaning = String.join(" ", o.description())
        .replace("${DEFAULT-VALUE}", def == null ? "none" : def)
        .replace("${COMPLETION-CANDIDATES}", o.completionCandidates() == null ? ""
            : String.join(", ", o.completionCandidates()));
    if (variable != null) {
      // "(env NAME)" and "(env NAME, default D)" only repeat the table's columns.
      meaning = meaning.replace(" (env " + variable + ", default " + def + ")", "")
          .replace(" (env " + variable + ")", "");
    }
    String option = String.join(", ", o.names()) + (o.arity().max() > 0 ? " " + o.paramLabel() : "");
    return new Row(option, def, variable, meaning);
  }

  /** Every STELE_* name in a command's help, its subcommands' and its launcher's text. */
  static TreeSet<String> mentionedVariables(Program p, Path repo) throws IOException {
    TreeSet<String> out = new TreeSet<>();
    collect(p.cli(), out);
    Matcher m = VARIABLE.matcher(Files.readString(repo.resolve(p.launcher())));
    while (m.find()) out.add(m.group());
    return out;
  }

  private static void collect(CommandLine cli, TreeSet<String> out) {
    Matcher m = VARIABLE.matcher(cli.getUsageMessage(CommandLine.Help.Ansi.OFF));
    while (m.find()) out.add(m.group());
    for (CommandLine sub : cli.getSubcommands().values()) collect(sub, out);
  }

  /** The variables a program reads besides its options' own. */
  static TreeSet<String> otherVariables(Program p, Path repo) throws IOException {
    TreeSet<String> out = mentionedVariables(p, repo);
    List<CommandSpec> all = new ArrayList<>();
    commands(p.cli().getCommandSpec(), all);
    for (CommandSpec c : all) {
      for (OptionSpec o : options(c)) {
        String variable = row(o).variable();
        if (variable != null) out.remove(variable);
      }
    }
    return out;
  }

  /** A command and its subcommands, depth first, without picocli's help command. */
  static void commands(CommandSpec spec, List<CommandSpec> out) {
    if (spec.userObject() instanceof CommandLine.HelpCommand) return;
    out.add(spec);
    for (CommandLine sub : spec.subcommands().values()) commands(sub.getCommandSpec(), out);
  }

  /** The whole of configuration.md. {@code repo} is the repository root (for the launchers). */
  static String render(Path repo) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Configuration reference\n\n")
        .append("Every option of the programs, its default and its environment variable. Generated from\n")
        .append("the programs' command-line definitions (picocli) by\n")
        .append("`docs/src/test/java/dev/stele/docs/ConfigurationReference.java`: `ConfigurationReferenceTest`,\n")
        .append("part of `./mvnw -B verify`, fails when this file differs from what the code says, and writes the\n")
        .append("current text to `docs/target/configuration.md`.\n\n")
        .append("An option on the command line wins over its environment variable, which wins over the default.\n")
        .append("Every program and command also has `--help` and `--version`.\n");
    for (Program p : programs()) {
      md.append("\n## ").append(p.name()).append("\n\n");
      CommandSpec root = p.cli().getCommandSpec();
      md.append(cell(String.join(" ", root.usageMessage().description()))).append("\n\n");
      md.append("Run with `").append(p.launcher()).append("`");
      if (p.image() != null) md.append(", or in the container image `").append(p.image()).append("`");
      md.append(".\n");
      List<CommandSpec> commands = new ArrayList<>();
      commands(root, commands);
      if (commands.size() > 1) {
        md.append("\n| command | what it does |\n| --- | --- |\n");
        for (CommandSpec c : commands) {
          if (c.subcommands().isEmpty() || !options(c).isEmpty()) {
            String[] description = c.usageMessage().description();
            md.append("| `").append(synopsis(c)).append("` | ")
                .append(cell(description.length == 0 ? "" : description[0])).append(" |\n");
          }
        }
      }
      optionTable(md, commands);
      TreeSet<String> others = otherVariables(p, repo);
      if (!others.isEmpty()) {
        md.append("\nAlso read from the environment:\n\n| variable | meaning |\n| --- | --- |\n");
        for (String v : others) {
          String meaning = OTHER_VARIABLES.get(v);
          if (meaning == null) {
            throw new IllegalStateException(p.name() + " mentions " + v
                + ", which is no option's variable and not in ConfigurationReference.OTHER_VARIABLES");
          }
          md.append("| `").append(v).append("` | ").append(cell(meaning)).append(" |\n");
        }
      }
    }
    return md.toString();
  }

  /** One table of options; with subcommands, a column says which commands take each. */
  private static void optionTable(StringBuilder md, List<CommandSpec> commands) {
    boolean many = commands.size() > 1;
    Map<Row, List<String>> rows = new LinkedHashMap<>();
    for (CommandSpec c : commands) {
      for (OptionSpec o : options(c)) {
        rows.computeIfAbsent(row(o), r -> new ArrayList<>()).add(path(c));
      }
    }
    md.append("\n| option | default | environment variable |").append(many ? " commands |" : "")
        .append(" meaning |\n| --- | --- | --- |").append(many ? " --- |" : "").append(" --- |\n");
    for (Map.Entry<Row, List<String>> e : rows.entrySet()) {
      Row r = e.getKey();
      md.append("| `").append(cell(r.option())).append("` | ")
          .append(r.defaultValue() == null ? "" : "`" + cell(r.defaultValue()) + "`").append(" | ")
          .append(r.variable() == null ? "" : "`" + r.variable() + "`").append(" |");
      if (many) md.append(" ").append(cell(String.join(", ", e.getValue()))).append(" |");
      md.append(" ").append(cell(r.meaning())).append(" |\n");
    }
  }

  /** The command's name below the program: "sign", "log info". */
  private static String path(CommandSpec c) {
    String q = c.qualifiedName(" ");
    int space = q.indexOf(' ');
    return space < 0 ? q : q.substring(space + 1);
  }

  private static String synopsis(CommandSpec c) {
    StringBuilder s = new StringBuilder(c.qualifiedName(" "));
    if (!c.subcommands().isEmpty() && options(c).isEmpty()) s.append(" COMMAND");
    for (PositionalParamSpec p : c.positionalParameters()) {
      if (p.hidden()) continue;
      boolean optional = p.arity().min() == 0;
      s.append(' ').append(optional ? "[" : "").append(p.paramLabel()).append(optional ? "]" : "");
    }
    return s.toString();
  }

  /** Text safe in a Markdown table cell. */
  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }
}
