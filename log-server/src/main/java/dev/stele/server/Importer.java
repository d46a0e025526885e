package dev.stele.server;

import dev.stele.client.crypto.VerifierCache;
import dev.stele.client.protocol.CanonicalEntry;
import dev.stele.merkle.Rfc6962;
import dev.stele.server.log.Admission;
import dev.stele.server.log.ImportProgress;
import dev.stele.server.log.InvalidRequestException;
import dev.stele.server.log.TreeState;
import dev.stele.server.metrics.ServerMetrics;
import dev.stele.server.sequencer.DuplicateEntryException;
import dev.stele.server.sequencer.Sequenced;
import dev.stele.server.sequencer.Sequencer;
import dev.stele.server.sign.LogSigner;
import dev.stele.server.storage.RocksLogStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Appends a file of proposed entries (one JSON document a line, as {@code POST
 * /api/v1/log/entries} takes them) to an offline store: the engine of {@code stele-server
 * import}.
 *
 * <p>Each line goes through the same steps as an entry sent over HTTP, only in large batches:
 * {@link Admission} (parsing, the entry's signature unless the file is trusted, the canonical
 * body), then the {@link Sequencer} itself (dedupe against the log, integration into the tiles,
 * the checkpoint, one synced commit per batch). The entries' SETs are not signed here: the
 * server signs each when the entry is first read ({@link Sequencer.Submission#bulk}). Lines
 * are canonicalized on {@code threads} threads while the sequencer commits the chunk before; they
 * enter the log in the file's order.
 *
 * <p><b>Resuming.</b> After each chunk is committed, the store records where the import stands
 * ({@link ImportProgress}: the input's name, its last imported line, and that line's SHA-256). Run
 * again on the same input, the import checks that line and goes on after it; an input that differs
 * there is refused, and so is another input while one is half-imported (unless {@code restart}).
 * Entries already in the log, from before or from a chunk committed after the last record, are
 * skipped as duplicates, as the log skips them over HTTP.
 */
final class Importer {
  /** Longest line taken: a proposal larger than this is invalid. */
  static final int MAX_LINE = 16 << 20;

  /** The import could not go on; the message says why and what to do. */
  static final class ImportException extends Exception {
    private static final long serialVersionUID = 1L;

    ImportException(String message) {
      super(message);
    }

    ImportException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * @param trustSignatures skip checking hashedrekord signatures (the operator vouches for the file)
   * @param skipInvalid skip invalid lines (reported on {@code log}) instead of stopping at the first
   * @param batchSize entries per chunk and per sequenced batch
   * @param threads threads canonicalizing lines (parsing and verifying signatures)
   * @param restart forget a half-finished import of another input
   */
  record Options(boolean trustSignatures, boolean skipInvalid, int batchSize, int threads, boolean restart) {
    Options {
      if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be at least 1");
      if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1");
    }
  }

  /** What an import did: lines read (including those of an earlier run it resumed), and the log after it. */
  record Result(long lines, long appended, long duplicates, long invalid, long resumedAtLine, long treeSize,
      double seconds, boolean alreadyDone) {}

  /** The input: a file, which can be reopened at an offset, or standard input ({@code -}). */
  interface Input {
    /** What identifies it in the progress record: an absolute path, or {@code -}. */
    String name();

    /** Its size in bytes, or -1 if unknown (a pipe). */
    long size() throws IOException;

    /** The bytes from {@code offset} on. */
    InputStream openAt(long offset) throws IOException;

    static Input of(String arg, InputStream stdin) {
      if (arg.equals("-")) {
        return new Input() {
          @Override
          public String name() {
            return "-";
          }

          @Override
          public long size() {
            return -1;
          }

          @Override
          public InputStream openAt(long offset) throws IOException {
            stdin.skipNBytes(offset);
            return stdin;
          }
        };
      }
      Path file = Path.of(arg).toAbsolutePath().normalize();
      return new Input() {
        @Override
        public String name() {
          return file.toString();
        }

        @Override
        public long size() throws IOException {
          return Files.isRegularFile(file) ? Files.size(file) : -1;
        }

        @Override
        public InputStream openAt(long offset) throws IOException {
          FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
          if (Files.isRegularFile(file)) {
            ch.position(offset);
            return Channels.newInputStream(ch);
          }
          InputStream in = Channels.newInputStream(ch); // a named pipe
          in.skipNBytes(offset);
          return in;
        }
      };
    }
  }

  private final RocksLogStore store;
  private final LogSigner signer;
  private final TreeState head;
  private final Options options;
  private final PrintWriter log;
  private final boolean terminal;
  private final VerifierCache keys = new VerifierCache(VerifierCache.DEFAULT_CAPACITY);
  /** Chunks with the sequencer, oldest first. */
  private final ArrayDeque<Submitted> submitted = new ArrayDeque<>();
  private String inputName;
  private volatile boolean stopRequested;

  // Counters shared with the progress printer.
  private final AtomicLong linesRead = new AtomicLong();
  private final AtomicLong bytesRead = new AtomicLong();
  private final AtomicLong appended = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong invalid = new AtomicLong();
  private volatile long treeSize;

  /**
   * @param head the store's verified head (the start-up self-check has run on it)
   * @param log where progress, warnings and skipped lines are reported
   * @param terminal whether {@code log} is a terminal (progress then rewrites one line)
   */
  Importer(RocksLogStore store, LogSigner signer, TreeState head, Options options, PrintWriter log,
      boolean terminal) {
    this.store = store;
    this.terminal = terminal;
    this.signer = signer;
    this.head = head;
    this.options = options;
    this.log = log;
    this.treeSize = head.size();
  }

  /** One line of the input: where it starts and ends, and its bytes without the line end. */
  private record Line(long number, long start, long end, byte[] bytes) {}

  /** A line made into an entry, or the reason it was refused. */
  private record Canonical(Line line, CanonicalEntry entry, String refusal) {}

  /** A chunk whose entries are with the sequencer: its lines' futures, and where it ends. */
  private record Submitted(List<Canonical> lines, List<CompletableFuture<Sequenced>> results) {}

  Result run(Input input) throws IOException, ImportException, InterruptedException {
    long started = System.nanoTime();
    inputName = input.name();
    Optional<ImportProgress> previous = store.importProgress();
    ImportProgress from = resumePoint(input, previous);
    if (from != null && from.finished()) {
      return new Result(from.linesDone(), 0, 0, 0, from.linesDone(), head.size(), 0, true);
    }
    long firstLine = from == null ? 0 : from.linesDone();
    long offset = from == null ? 0 : from.lastLineStart();
    if (from != null) {
      appended.set(from.appended());
      duplicates.set(from.duplicates());
      invalid.set(from.invalid());
    }
    ServerMetrics metrics = new ServerMetrics();
    // Two chunks may wait for the sequencer while a third is canonicalized.
    Sequencer sequencer = new Sequencer(store, head, signer,
        new Sequencer.Config(options.batchSize(), Duration.ofMillis(50), 3 * options.batchSize()),
        System::currentTimeMillis, metrics);
    ExecutorService workers = Executors.newFixedThreadPool(options.threads(), r -> {
      Thread t = new Thread(r, "stele-import-verify");
      t.setDaemon(true);
      return t;
    });
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "stele-import-progress");
      t.setDaemon(true);
      return t;
    });
    long total = input.size();
    Progress progress = new Progress(total, firstLine);
    ticker.scheduleAtFixedRate(() -> {
      log.print(progress.line(false));
      log.flush();
    }, 2, 2, TimeUnit.SECONDS);
    sequencer.start();
    boolean completed = false;
    try (InputStream in = input.openAt(offset)) {
      LineReader reader = new LineReader(in, offset, firstLine);
      if (from != null) checkResumeLine(reader, from);
      ArrayDeque<Future<List<Canonical>>> canonicalizing = new ArrayDeque<>();
      boolean eof = false;
      while (!eof || !canonicalizing.isEmpty() || !submitted.isEmpty()) {
        if (!eof && stopRequested) {
          eof = true; // what was read is finished and recorded; the rest waits for the next run
          continue;
        }
        if (!eof && canonicalizing.size() < 2) {
          List<Line> chunk = reader.read(options.batchSize());
          if (chunk.isEmpty()) {
            eof = true;
          } else {
            canonicalizing.add(canonicalize(workers, chunk));
          }
          continue;
        }
        if (!canonicalizing.isEmpty() && submitted.size() < 2) {
          List<Canonical> ready = get(canonicalizing.poll());
          Submitted s = submit(sequencer, ready);
          if (s != null) submitted.add(s);
          continue;
        }
        finish(submitted.poll(), sequencer);
      }
      completed = !stopRequested;
    } finally {
      ticker.shutdownNow();
      workers.shutdownNow();
      sequencer.close();
      if (!completed && terminal) log.println();
    }
    if (!completed) {
      throw new ImportException("stopped after line " + linesRead.get() + " (" + appended.get()
          + " entries appended); run the import again on the same input to resume");
    }
    ImportProgress last = store.importProgress().orElse(null);
    if (last != null && last.source().equals(input.name()) && !last.finished()) {
      store.putImportProgress(new ImportProgress(last.source(), last.linesDone(), last.lastLineStart(),
          last.bytesDone(), last.lastLineSha256(), appended.get(), duplicates.get(), invalid.get(), true));
    } else if (last == null || !last.source().equals(input.name())) {
      // Nothing was imported (an empty input): remember it as done all the same.
      store.putImportProgress(new ImportProgress(input.name(), linesRead.get(), 0, bytesRead.get(), new byte[0],
          appended.get(), duplicates.get(), invalid.get(), true));
    }
    treeSize = sequencer.head().size();
    log.print(progress.line(true));
    log.flush();
    return new Result(linesRead.get(), appended.get(), duplicates.get(), invalid.get(), firstLine, treeSize,
        (System.nanoTime() - started) / 1e9, false);
  }

  /**
   * Asks a running import to stop after the chunks it has read (SIGINT, SIGTERM): they are
   * committed and recorded, so that the next run resumes after them.
   */
  void stop() {
    stopRequested = true;
  }

  /**
   * Where to start: null for the first line, a finished record to do nothing, or the record of a
   * half-finished import of this input to resume.
   */
  private ImportProgress resumePoint(Input input, Optional<ImportProgress> previous)
      throws IOException, ImportException {
    if (previous.isEmpty()) return null;
    ImportProgress p = previous.get();
    boolean same = p.source().equals(input.name());
    boolean file = !p.source().equals("-");
    if (same && file && p.lastLineSha256().length > 0 && lineMatches(input, p)) {
      if (p.finished() && input.size() == p.bytesDone()) return p; // nothing new since
      log.println("stele-server import: " + (p.finished() ? "continuing " : "resuming ") + describe(p.source())
          + " after line " + p.linesDone() + " (" + p.appended() + " entries appended so far)");
      return new ImportProgress(p.source(), p.linesDone(), p.lastLineStart(), p.bytesDone(), p.lastLineSha256(),
          p.appended(), p.duplicates(), p.invalid(), false);
    }
    if (p.finished()) return null;
    if (options.restart()) {
      log.println("stele-server import: forgetting the unfinished import of " + describe(p.source())
          + " (stopped after line " + p.linesDone() + "); its entries stay in the log");
      return null;
    }
    if (same && !file) {
      // A stream cannot be read twice: its line is checked as it is read (checkResumeLine).
      log.println("stele-server import: resuming standard input after line " + p.linesDone()
          + " (the same stream is expected again from its first line)");
      return p;
    }
    throw new ImportException("an import of " + describe(p.source()) + " stopped after line " + p.linesDone()
        + " (" + p.appended() + " entries appended)" + (same ? ", and that line now differs" : "")
        + "; run it again on that input to resume, or pass --restart to import " + describe(input.name())
        + " from its first line (entries already in the log are skipped)");
  }

  private static boolean lineMatches(Input input, ImportProgress p) throws IOException {
    try (InputStream in = input.openAt(p.lastLineStart())) {
      Line l = new LineReader(in, p.lastLineStart(), p.linesDone() - 1).next();
      return l != null && l.end() == p.bytesDone() && Arrays.equals(Rfc6962.sha256(l.bytes()).bytes(), p.lastLineSha256());
    }
  }

  /** The line an import stopped after must be the same line, ending at the same byte. */
  private void checkResumeLine(LineReader reader, ImportProgress p) throws IOException, ImportException {
    if (p.lastLineSha256().length == 0) return;
    Line l = reader.next();
    if (l == null || l.end() != p.bytesDone()
        || !Arrays.equals(Rfc6962.sha256(l.bytes()).bytes(), p.lastLineSha256())) {
      throw new ImportException("the input is not the one whose import stopped after line " + p.linesDone()
          + " (that line differs); import the same input to resume, or pass --restart to start this one"
          + " from its first line (entries already in the log are skipped)");
    }
    bytesRead.set(l.end());
    linesRead.set(l.number());
  }

  private static String describe(String source) {
    return source.equals("-") ? "standard input" : source;
  }

  private Future<List<Canonical>> canonicalize(ExecutorService workers, List<Line> chunk) {
    int slices = Math.min(options.threads(), Math.max(1, chunk.size() / 64));
    List<Future<List<Canonical>>> parts = new ArrayList<>(slices);
    for (int k = 0; k < slices; k++) {
      List<Line> part = chunk.subList(chunk.size() * k / slices, chunk.size() * (k + 1) / slices);
      parts.add(workers.submit(() -> {
        List<Canonical> out = new ArrayList<>(part.size());
        for (Line l : part) out.add(canonicalize(l));
        return out;
      }));
    }
    return CompletableFuture.supplyAsync(() -> {
      List<Canonical> all = new ArrayList<>(chunk.size());
      for (Future<List<Canonical>> f : parts) {
        try {
          all.addAll(f.get());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CompletionException(e);
        } catch (ExecutionException e) {
          throw new CompletionException(e.getCause());
        }
      }
      return all;
    }, Runnable::run);
  }

  private Canonical canonicalize(Line l) {
    if (l.bytes().length > MAX_LINE) {
      return new Canonical(l, null, "the line is " + l.bytes().length + " bytes; at most " + MAX_LINE + " are read");
    }
    if (isBlank(l.bytes())) return new Canonical(l, null, null);
    try {
      CanonicalEntry e = options.trustSignatures() ? Admission.canonicalizeTrusted(l.bytes(), keys)
          : Admission.canonicalize(l.bytes(), keys);
      return new Canonical(l, e, null);
    } catch (InvalidRequestException e) {
      return new Canonical(l, null, e.getMessage());
    }
  }

  private static boolean isBlank(byte[] b) {
    for (byte c : b) {
      if (c != ' ' && c != '\t' && c != '\r') return false;
    }
    return true;
  }

  /**
   * Hands a canonicalized chunk to the sequencer, in order. An invalid line stops the import
   * there (unless invalid lines are skipped): the lines before it are submitted and committed,
   * and the record then says the import stands just before it.
   */
  private Submitted submit(Sequencer sequencer, List<Canonical> chunk) throws ImportException, InterruptedException {
    List<Canonical> taken = new ArrayList<>(chunk.size());
    List<CompletableFuture<Sequenced>> results = new ArrayList<>(chunk.size());
    for (Canonical c : chunk) {
      if (c.refusal() != null) {
        if (options.skipInvalid()) {
          invalid.incrementAndGet();
          log.println((terminal ? "\n" : "") + "line " + c.line().number() + ": skipped: " + c.refusal());
        } else {
          while (!submitted.isEmpty()) finish(submitted.poll(), sequencer);
          if (!taken.isEmpty()) finish(new Submitted(taken, results), sequencer);
          throw new ImportException("line " + c.line().number() + ": " + c.refusal() + "; the lines before it are"
              + " in the log. Fix or remove the line and run the import again to resume after line "
              + (c.line().number() - 1) + ", or pass --skip-invalid");
        }
      }
      taken.add(c);
      results.add(c.entry() == null ? null : sequencer.submit(
          new Sequencer.Submission(c.entry().leafHash(), c.entry().body(), c.entry().indexKeys(), true)));
    }
    return taken.isEmpty() ? null : new Submitted(taken, results);
  }

  /** Waits for a submitted chunk's entries to be committed, then records where the import stands. */
  private void finish(Submitted s, Sequencer sequencer) throws ImportException, InterruptedException {
    for (int i = 0; i < s.results().size(); i++) {
      CompletableFuture<Sequenced> f = s.results().get(i);
      if (f == null) continue;
      try {
        f.get();
        appended.incrementAndGet();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof DuplicateEntryException) {
          duplicates.incrementAndGet();
        } else {
          throw new ImportException("line " + s.lines().get(i).line().number() + " could not be appended: "
              + e.getCause().getMessage() + "; the chunks before it are in the log, and running the import again"
              + " resumes", e.getCause());
        }
      }
    }
    Line last = s.lines().get(s.lines().size() - 1).line();
    linesRead.set(last.number());
    bytesRead.set(last.end());
    treeSize = sequencer.head().size();
    try {
      store.putImportProgress(new ImportProgress(inputName, last.number(), last.start(), last.end(),
          Rfc6962.sha256(last.bytes()).bytes(), appended.get(), duplicates.get(), invalid.get(), false));
    } catch (IOException e) {
      throw new ImportException("cannot record the import's progress: " + e.getMessage(), e);
    }
  }

  private static <T> T get(Future<T> f) throws ImportException, InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      throw new ImportException("canonicalizing failed: " + e.getCause(), e.getCause());
    }
  }

  /** Splits the input into lines, counting bytes; {@code \n} ends a line, a {@code \r} before it is dropped. */
  private static final class LineReader {
    private final InputStream in;
    private final byte[] buf = new byte[1 << 20];
    private int pos;
    private int len;
    private long offset;
    private long number;

    LineReader(InputStream in, long offset, long linesBefore) {
      this.in = in;
      this.offset = offset;
      this.number = linesBefore;
    }

    List<Line> read(int n) throws IOException {
      List<Line> out = new ArrayList<>(n);
      Line l;
      while (out.size() < n && (l = next()) != null) out.add(l);
      return out;
    }

    Line next() throws IOException {
      long start = offset;
      java.io.ByteArrayOutputStream acc = null;
      while (true) {
        if (pos == len) {
          len = in.read(buf, 0, buf.length);
          pos = 0;
          if (len <= 0) {
            len = 0;
            if (acc == null || acc.size() == 0) return null;
            return line(start, acc.toByteArray(), 0);
          }
        }
        int nl = -1;
        for (int i = pos; i < len; i++) {
          if (buf[i] == '\n') {
            nl = i;
            break;
          }
        }
        if (nl < 0) {
          if (acc == null) acc = new java.io.ByteArrayOutputStream();
          // Keep at most one byte past the limit: enough to know that the line is too long.
          if (acc.size() <= MAX_LINE) acc.write(buf, pos, Math.min(len - pos, MAX_LINE + 1 - acc.size()));
          offset += len - pos;
          pos = len;
          continue;
        }
        byte[] bytes;
        if (acc == null) {
          bytes = Arrays.copyOfRange(buf, pos, nl);
        } else {
          if (acc.size() <= MAX_LINE) acc.write(buf, pos, Math.min(nl - pos, MAX_LINE + 1 - acc.size()));
          bytes = acc.toByteArray();
        }
        offset += nl + 1 - pos;
        pos = nl + 1;
        return line(start, bytes, 1);
      }
    }

    private Line line(long start, byte[] bytes, int terminator) {
      if (terminator == 0) offset = start + bytes.length;
      int n = bytes.length;
      if (n > 0 && bytes[n - 1] == '\r') bytes = Arrays.copyOf(bytes, n - 1);
      number++;
      return new Line(number, start, offset, bytes);
    }
  }

  /** The progress line: lines, entries, rate, and how far through the input. */
  private final class Progress {
    private final long total;
    private final long firstLine;
    private final long t0 = System.nanoTime();
    private long lastLines;
    private long lastNanos = t0;

    Progress(long total, long firstLine) {
      this.total = total;
      this.firstLine = firstLine;
      this.lastLines = firstLine;
    }

    synchronized String line(boolean end) {
      long now = System.nanoTime();
      long lines = linesRead.get();
      double rate = (lines - lastLines) / Math.max(1e-9, (now - lastNanos) / 1e9);
      double avg = (lines - firstLine) / Math.max(1e-9, (now - t0) / 1e9);
      lastLines = lines;
      lastNanos = now;
      String pct = total > 0 ? String.format(Locale.ROOT, " %5.1f%%", 100.0 * bytesRead.get() / total) : "";
      return String.format(Locale.ROOT, "%sline %,d%s: %,d appended, %,d duplicates, %,d invalid; tree size %,d;"
          + " %,.0f lines/s (%,.0f/s on average)%s", terminal && !end ? "\r" : "", lines, pct, appended.get(),
          duplicates.get(), invalid.get(), treeSize, end ? avg : rate, avg, terminal && !end ? "" : "\n");
    }
  }
}
