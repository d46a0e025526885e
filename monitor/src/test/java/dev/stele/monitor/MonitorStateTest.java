package dev.stele.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.SignedNote;
import dev.stele.merkle.Rfc6962;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonitorStateTest {
  @TempDir Path dir;

  @Test
  void save_thenLoad_givesTheSameState_andLeavesNoTemporaryFile() throws Exception {
    try (MisbehavingLog log = new MisbehavingLog()) {
      log.append(new TestEntries(), "a", 3);
      String note = log.sign(3, log.root(3));
      MonitorState s = MonitorState.load(dir, "http://log");
      s.advance(Checkpoint.parse(SignedNote.parse(note).text()), note);
      s.watch(new MonitorState.Watch(3, List.of(new MonitorState.Match(2, "ab", List.of("why"), "Ym9keQ=="))));
      s.audit(new MonitorState.Audit(0, Rfc6962.EMPTY_ROOT.hex(), Map.of()));
      assertTrue(s.firstReport("x"));
      s.save();
      assertFalse(Files.exists(dir.resolve("state.json.tmp")));

      MonitorState t = MonitorState.load(dir, "http://log");
      assertEquals(note, t.history().get(0).checkpoint());
      assertEquals(3, t.history().get(0).size());
      assertEquals(s.watch(), t.watch());
      assertEquals(1, t.history().size());
      assertFalse(t.firstReport("x"), "fingerprints survive a restart");
    }
  }

  @Test
  void load_otherLogsState_refused() throws Exception {
    MonitorState.load(dir, "http://one").save();
    IOException e = assertThrows(IOException.class, () -> MonitorState.load(dir, "http://two"));
    assertTrue(e.getMessage().contains("belongs to the log at http://one"), e.getMessage());
  }

  @Test
  void load_corruptFile_refusedWithTheFileName() throws Exception {
    Files.writeString(dir.resolve("state.json"), "{\"version\": 1, \"checkpoint\": 5", StandardCharsets.UTF_8);
    IOException e = assertThrows(IOException.class, () -> MonitorState.load(dir, "http://log"));
    assertTrue(e.getMessage().contains("state.json"), e.getMessage());
  }
}
