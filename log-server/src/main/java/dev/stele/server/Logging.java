package dev.stele.server;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One line per record on standard error: time, level, logger, message (and a stack trace). */
final class Logging {
  private Logging() {}

  static void configure() {
    if (System.getProperty("java.util.logging.config.file") != null) return; // the operator's choice
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    ConsoleHandler h = new ConsoleHandler();
    h.setFormatter(new Formatter() {
      @Override
      public String format(LogRecord r) {
        StringBuilder sb = new StringBuilder(128)
            .append(r.getInstant()).append(' ').append(r.getLevel().getName()).append(' ')
            .append(shortName(r.getLoggerName())).append(": ").append(formatMessage(r)).append('\n');
        if (r.getThrown() != null) {
          java.io.StringWriter w = new java.io.StringWriter();
          r.getThrown().printStackTrace(new java.io.PrintWriter(w));
          sb.append(w);
        }
        return sb.toString();
      }
    });
    h.setLevel(Level.ALL);
    root.addHandler(h);
    root.setLevel(Level.INFO);
  }

  /**
   * Writes one line in the log format straight to standard error. For shutdown hooks: the JDK's
   * own shutdown hook may already have closed the logging handlers.
   */
  static void direct(Class<?> source, String message) {
    System.err.println(java.time.Instant.now() + " INFO " + source.getSimpleName() + ": " + message);
    System.err.flush();
  }

  private static String shortName(String name) {
    if (name == null) return "-";
    int dot = name.lastIndexOf('.');
    return dot < 0 ? name : name.substring(dot + 1);
  }
}
