package dev.stele.client.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Command-line durations for every Stele program: {@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 2h}, or ISO-8601 ({@code PT30S}). Negative and absurdly long values are refused with
 * the same message as unreadable ones.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  private static final Pattern SIMPLE = Pattern.compile("(\\d{1,12})(ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    String text = value.trim();
    Matcher m = SIMPLE.matcher(text);
    Duration d;
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms":
          d = Duration.ofMillis(n);
          break;
        case "s":
          d = Duration.ofSeconds(n);
          break;
        case "m":
          d = Duration.ofMinutes(n);
          break;
        default:
          d = Duration.ofHours(n);
          break;
      }
    } else {
      try {
        d = Duration.parse(text);
      } catch (RuntimeException e) {
        throw refused(value);
      }
    }
    if (d.isNegative()) {
      throw refused(value);
    }
    return d;
  }

  private static CommandLine.TypeConversionException refused(String value) {
    return new CommandLine.TypeConversionException("'" + value
        + "' is not a duration such as 500ms, 30s, 5m, 2h or PT1M");
  }
}
