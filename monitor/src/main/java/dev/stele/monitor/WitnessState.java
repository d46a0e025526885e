package dev.stele.monitor;

import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.SignedNote;
import dev.stele.merkle.Rfc6962;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the witness has cosigned, per log: for each origin, the latest checkpoint it cosigned, as a
 * note carrying the log's signature lines it verified and its own cosignature (what
 * c2sp.org/tlog-witness has a witness serve to monitors). One file per origin, {@code
 * <dir>/<SHA-256 of the origin, hex>.checkpoint}, replaced by writing a temporary file, forcing it
 * to disk, renaming it over the old one and forcing the directory: a crash at any moment, {@code
 * kill -9} included, leaves either the old checkpoint or the new one, and {@link #put} returns
 * only once the new one is durable.
 *
 * <p>This state is the witness's promise: a witness that lost it could cosign a fork of a tree it
 * cosigned before. A file that does not parse, or names another origin than its name, stops the
 * witness from starting.
 *
 * <p>Reads are safe from any thread; {@link #put} is called under the witness's lock.
 */
final class WitnessState {
  static final String SUFFIX = ".checkpoint";

  /**
   * The latest checkpoint cosigned for one origin.
   *
   * @param checkpoint its text, parsed
   * @param note the note as served to monitors: the text, the log's lines, the cosignature
   */
  record Cosigned(Checkpoint checkpoint, SignedNote note) {}

  private final Path dir;
  private final Map<String, Cosigned> byOrigin = new ConcurrentHashMap<>();

  private WitnessState(Path dir) {
    this.dir = dir;
  }

  /**
   * Loads every cosigned checkpoint in {@code dir}, creating the directory if there is none.
   *
   * @throws IOException if a file cannot be read or is not a checkpoint of the origin it is named by
   */
  static WitnessState load(Path dir) throws IOException {
    Files.createDirectories(dir);
    WitnessState s = new WitnessState(dir);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path f : files) {
        Cosigned c;
        try {
          SignedNote note = SignedNote.parse(Files.readAllBytes(f));
          c = new Cosigned(Checkpoint.parse(note.text()), note);
        } catch (FormatException e) {
          throw new IOException("witness state " + f + " is not a checkpoint (" + e.getMessage() + "); a witness"
              + " must not start without what it cosigned before", e);
        }
        String expected = fileName(c.checkpoint().origin());
        if (!f.getFileName().toString().equals(expected)) {
          throw new IOException("witness state " + f + " holds a checkpoint of '" + c.checkpoint().origin()
              + "', whose file is " + expected);
        }
        s.byOrigin.put(c.checkpoint().origin(), c);
      }
    }
    return s;
  }

  /** The file name of an origin's state: the origin's SHA-256, lower-case hex. */
  static String fileName(String origin) {
    return originHash(origin) + SUFFIX;
  }

  /** SHA-256 of the origin line, lower-case hex: the origin's path in tlog-witness's monitoring API. */
  static String originHash(String origin) {
    return Rfc6962.sha256(origin.getBytes(StandardCharsets.UTF_8)).hex();
  }

  /** The latest cosigned checkpoint of {@code origin}, if any. */
  Optional<Cosigned> get(String origin) {
    return Optional.ofNullable(byOrigin.get(origin));
  }

  /** The latest cosigned checkpoint of the origin whose SHA-256 is {@code hash} (hex), if any. */
  Optional<Cosigned> byOriginHash(String hash) {
    for (Cosigned c : byOrigin.values()) {
      if (originHash(c.checkpoint().origin()).equals(hash)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** How many logs have a cosigned checkpoint. */
  int size() {
    return byOrigin.size();
  }

  /** Makes {@code c} the origin's latest cosigned checkpoint, durably, before returning. */
  void put(Cosigned c) throws IOException {
    String origin = c.checkpoint().origin();
    MonitorState.writeAtomically(dir.resolve(fileName(origin)), c.note().format().getBytes(StandardCharsets.UTF_8));
    byOrigin.put(origin, c);
  }
}
