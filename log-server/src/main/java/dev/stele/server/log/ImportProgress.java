package dev.stele.server.log;

import java.util.Arrays;
import java.util.Objects;

/**
 * Where an import ({@code stele-server import}) of one input stands, kept in the store after
 * every batch it has seen committed, so that an interrupted import resumes where it was.
 *
 * <p>The input is recognized by its name and by its last imported line: on resume that line is
 * read again at {@code lastLineStart} and must have the same SHA-256, and end at {@code
 * bytesDone}. Entries after it that were committed before the interruption are met again and
 * skipped as duplicates, so the record may lag the store but never runs ahead of it.
 *
 * @param source the input's absolute path, or {@code -} for standard input
 * @param linesDone lines read up to and including the last imported one
 * @param lastLineStart byte offset where that line starts
 * @param bytesDone byte offset just after it (and its line end)
 * @param lastLineSha256 SHA-256 of that line's bytes, without its line end
 * @param appended entries of this input appended so far
 * @param duplicates lines skipped because their entry was already in the log
 * @param invalid lines skipped as invalid ({@code --skip-invalid})
 * @param finished whether the whole input has been read
 */
public record ImportProgress(String source, long linesDone, long lastLineStart, long bytesDone,
    byte[] lastLineSha256, long appended, long duplicates, long invalid, boolean finished) {
  public ImportProgress {
    Objects.requireNonNull(source, "source");
    lastLineSha256 = lastLineSha256.clone();
    if (lastLineSha256.length != 32 && lastLineSha256.length != 0) {
      throw new IllegalArgumentException("lastLineSha256 must be 32 bytes (or empty before any line)");
    }
  }

  @Override
  public byte[] lastLineSha256() {
    return lastLineSha256.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImportProgress p && p.source.equals(source) && p.linesDone == linesDone
        && p.lastLineStart == lastLineStart && p.bytesDone == bytesDone
        && Arrays.equals(p.lastLineSha256, lastLineSha256) && p.appended == appended
        && p.duplicates == duplicates && p.invalid == invalid && p.finished == finished;
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, linesDone, bytesDone);
  }
}
