package dev.stele.client.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code stele} command line: sign and verify container images and files against a Rekor v1
 * transparency log, and inspect the log. Run through {@code bin/stele}; in-process (tests,
 * embedding) with {@code SteleCli.commandLine(new SteleCli(env)).execute(args)}.
 *
 * <p>The environment is injected (default {@link System#getenv()}) so that passwords
 * ({@code STELE_KEY_PASSWORD}, {@code STELE_REGISTRY_PASSWORD}) and defaults
 * ({@code STELE_LOG_URL}) can be given in-process too.
 */
@Command(name = "stele", mixinStandardHelpOptions = true, versionProvider = SteleCli.Version.class,
    description = {"Sign and verify container images and files with a transparency log (Rekor v1 API).",
        "Every command has --help."},
    subcommands = {KeygenCommand.class, SignCommand.class, VerifyCommand.class, SignBlobCommand.class,
        VerifyBlobCommand.class, LogCommand.class, CommandLine.HelpCommand.class},
    footer = {"", "Environment:", "  STELE_LOG_URL            default of --log-url",
        "  STELE_LOG_TOKEN          bearer token for a log that restricts writes (see --log-token-file)",
        "  STELE_KEY_PASSWORD       password of encrypted private keys",
        "  STELE_REGISTRY_PASSWORD  password for --registry-username",
        "  STELE_REGISTRY_TOKEN_HOSTS  token hosts trusted with registry credentials (--registry-token-host)",
        "", "%s"},
    footerHeading = "")
public final class SteleCli implements Runnable {
  private final Map<String, String> env;
  private final Supplier<Console> console;

  @Spec
  CommandSpec spec;

  /** The command line with the process environment. */
  public SteleCli() {
    this(System.getenv());
  }

  /** The command line with the given environment (no terminal: passwords come from it). */
  public SteleCli(Map<String, String> env) {
    this(env, () -> null);
  }

  private SteleCli(Map<String, String> env, Supplier<Console> console) {
    this.env = Map.copyOf(Objects.requireNonNull(env));
    this.console = console;
  }

  /** An environment variable, if set and not empty. */
  String env(String name) {
    String v = env.get(name);
    return v == null || v.isEmpty() ? null : v;
  }

  /** The terminal, for password prompts; null when there is none (or in-process). */
  Console console() {
    return console.get();
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: give one of "
        + spec.subcommands().keySet());
  }

  /** A configured command line: exit codes and messages for every failure. */
  public static CommandLine commandLine(SteleCli cli) {
    CommandLine cl = new CommandLine(cli);
    String table = ExitCode.table();
    cl.getCommandSpec().usageMessage().footer(withTable(cl.getCommandSpec().usageMessage().footer(), table));
    for (CommandLine sub : cl.getSubcommands().values()) {
      addTable(sub, table);
    }
    cl.setExecutionExceptionHandler(SteleCli::handle);
    cl.setExitCodeExceptionMapper(e -> ExitCode.USAGE.code);
    return cl;
  }

  private static void addTable(CommandLine cl, String table) {
    if (!(cl.getCommand() instanceof CommandLine.HelpCommand)) {
      String[] footer = cl.getCommandSpec().usageMessage().footer();
      String[] withTable = new String[footer.length + 2];
      System.arraycopy(footer, 0, withTable, 0, footer.length);
      withTable[footer.length] = "";
      withTable[footer.length + 1] = table;
      cl.getCommandSpec().usageMessage().footer(withTable);
    }
    for (CommandLine sub : cl.getSubcommands().values()) {
      addTable(sub, table);
    }
  }

  private static String[] withTable(String[] footer, String table) {
    String[] out = footer.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i].equals("%s")) {
        out[i] = table;
      }
    }
    return out;
  }

  private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    ExitCode code;
    String message;
    if (e instanceof CliException) {
      code = ((CliException) e).exitCode;
      message = e.getMessage();
    } else {
      code = ExitCode.INTERNAL;
      message = "internal error: " + e;
    }
    Object command = cl.getCommand();
    if (command instanceof BaseCommand && ((BaseCommand) command).json()) {
      ((BaseCommand) command).printFailure(code, message);
    } else {
      PrintWriter err = cl.getErr();
      err.println("stele " + cl.getCommandName() + ": " + message);
      if (code == ExitCode.INTERNAL) {
        e.printStackTrace(err);
      }
      err.flush();
    }
    return code.code;
  }

  public static void main(String[] args) {
    System.exit(commandLine(new SteleCli(System.getenv(), System::console)).execute(args));
  }

  /** The version from the jar manifest, or "development". */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = SteleCli.class.getPackage().getImplementationVersion();
      return new String[] {"stele " + (v == null ? "(development build)" : v)};
    }
  }
}
