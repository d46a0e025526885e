package dev.stele.client.cli;

/** A failure the CLI reports with a message (what failed, what to do) and an exit code. */
final class CliException extends Exception {
  private static final long serialVersionUID = 1L;

  final ExitCode exitCode;

  CliException(ExitCode exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  CliException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }
}
