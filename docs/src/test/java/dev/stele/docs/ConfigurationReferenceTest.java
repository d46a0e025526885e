package dev.stele.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** docs/configuration.md says what the code says (the test runs in docs/). */
class ConfigurationReferenceTest {
  private static final Path REPO = Path.of("..");

  @Test
  void configurationMd_isWhatTheCodeSays() throws IOException {
    String current = ConfigurationReference.render(REPO);
    Path fresh = Path.of("target", "configuration.md");
    Files.createDirectories(fresh.getParent());
    Files.writeString(fresh, current);
    String committed = Files.readString(Path.of("configuration.md"));
    if (!committed.equals(current)) {
      String[] a = committed.split("\n", -1);
      String[] b = current.split("\n", -1);
      int line = 0;
      while (line < a.length && line < b.length && a[line].equals(b[line])) line++;
      fail("docs/configuration.md is stale from line " + (line + 1) + ":\n  committed: "
          + (line < a.length ? a[line] : "(end)") + "\n  from code: " + (line < b.length ? b[line] : "(end)")
          + "\nThe current text is in docs/target/configuration.md:"
          + " cp docs/target/configuration.md docs/configuration.md");
    }
  }

  @Test
  void serverAndMonitorOptions_eachHaveTheirVariable() {
    // The README promises it: --data-dir is also STELE_DATA_DIR, --log-url STELE_MONITOR_LOG_URL.
    for (ConfigurationReference.Program p : ConfigurationReference.programs()) {
      String prefix;
      if (p.name().equals("stele-server")) {
        prefix = "STELE_";
      } else if (p.name().equals("stele-monitor")) {
        prefix = "STELE_MONITOR_";
      } else {
        continue;
      }
      List<OptionSpec> options = ConfigurationReference.options(p.cli().getCommandSpec());
      assertFalse(options.isEmpty(), p.name());
      for (OptionSpec o : options) {
        String expected = prefix + o.longestName().substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
        assertEquals(expected, ConfigurationReference.row(o).variable(), p.name() + " " + o.longestName());
      }
    }
  }

  @Test
  void otherVariables_eachStillReadSomewhere() throws IOException {
    TreeSet<String> mentioned = new TreeSet<>();
    for (ConfigurationReference.Program p : ConfigurationReference.programs()) {
      mentioned.addAll(ConfigurationReference.otherVariables(p, REPO));
    }
    assertEquals(new TreeSet<>(ConfigurationReference.OTHER_VARIABLES.keySet()), mentioned);
  }

  @Test
  void everyOption_isInTheReference() throws IOException {
    String md = ConfigurationReference.render(REPO);
    int count = 0;
    for (ConfigurationReference.Program p : ConfigurationReference.programs()) {
      List<CommandSpec> commands = new ArrayList<>();
      ConfigurationReference.commands(p.cli().getCommandSpec(), commands);
      for (CommandSpec c : commands) {
        for (OptionSpec o : ConfigurationReference.options(c)) {
          assertTrue(md.contains("| `" + ConfigurationReference.row(o).option().replace("|", "\\|") + "` |"),
              c.qualifiedName() + " " + o.longestName());
          count++;
        }
      }
    }
    assertTrue(count > 40, "only " + count + " options found");
  }
}
