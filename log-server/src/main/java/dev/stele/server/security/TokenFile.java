package dev.stele.server.security;

import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.protocol.Encodings;
import dev.stele.client.protocol.FormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A file of bearer tokens the log accepts, one per line: a name and the SHA-256 of the token in
 * hex, e.g. {@code ci-release 9f86d081...}. {@code #} starts a comment; blank lines are ignored.
 * The file holds no token: a reader of the file (or of a backup of it) cannot write to the log.
 *
 * <p>{@link #match} hashes what a client presents and compares it with every entry in constant
 * time, so that neither the answer's timing nor an early exit tells how much of a hash matched.
 * Names, never tokens, go to logs.
 */
public final class TokenFile {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:+-]{0,63}");
  private static final Pattern HEX = Pattern.compile("[0-9A-Fa-f]{64}");

  private record Entry(String name, byte[] hash) {}

  private final Path file;
  private final List<Entry> entries;

  private TokenFile(Path file, List<Entry> entries) {
    this.file = file;
    this.entries = List.copyOf(entries);
  }

  /**
   * Reads and checks {@code file}.
   *
   * @throws IOException naming the file and the line of any malformed entry (never the line's
   *     content past the name: a pasted token must not end up in a log)
   */
  public static TokenFile read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<Entry> entries = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (content.isEmpty()) {
        continue;
      }
      String[] words = content.split("\\s+");
      String where = file + " line " + (i + 1);
      if (words.length != 2) {
        throw new IOException(where + ": expected a name and the SHA-256 hex of a token, got " + words.length
            + " words (the file holds hashes, never tokens: sha256sum of the token gives the hash)");
      }
      if (!NAME.matcher(words[0]).matches()) {
        throw new IOException(where + ": a token name is 1 to 64 letters, digits and . _ @ : + -, starting with a"
            + " letter or digit");
      }
      if (!HEX.matcher(words[1]).matches()) {
        throw new IOException(where + ": the second word must be 64 hex digits, the SHA-256 of the token of "
            + words[0] + " (not the token itself)");
      }
      if (!names.add(words[0])) {
        throw new IOException(where + ": the name " + words[0] + " is used twice");
      }
      try {
        entries.add(new Entry(words[0], Encodings.hex("the token hash of " + words[0], words[1], 32)));
      } catch (FormatException e) {
        throw new IOException(where + ": " + e.getMessage());
      }
    }
    return new TokenFile(file, entries);
  }

  /** The SHA-256 of {@code token} as the file holds it (lower-case hex). */
  public static String hash(String token) {
    return Encodings.hex(HashAlgorithm.SHA256.digest(token.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The name of the entry whose hash is the SHA-256 of {@code token}, if any. Every entry is
   * compared, each in constant time, whatever matches.
   */
  public Optional<String> match(String token) {
    byte[] presented = HashAlgorithm.SHA256.digest(token.getBytes(StandardCharsets.UTF_8));
    String found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.hash(), presented) && found == null) {
        found = e.name();
      }
    }
    return Optional.ofNullable(found);
  }

  public int size() {
    return entries.size();
  }

  public Path file() {
    return file;
  }

  @Override
  public String toString() {
    return "TokenFile[" + file + ", " + entries.size() + " tokens]";
  }
}
