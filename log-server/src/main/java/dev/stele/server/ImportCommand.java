package dev.stele.server;

import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.Signer;
import dev.stele.server.log.LogIdentity;
import dev.stele.server.log.TreeState;
import dev.stele.server.sign.LogKeys;
import dev.stele.server.sign.LogSigner;
import dev.stele.server.sign.Pkcs11Uri;
import dev.stele.server.storage.RocksLogStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code stele-server import FILE}: appends a file of proposed entries to the log's store while
 * the server is stopped, in large batches through the sequencer's own code ({@link Importer}).
 */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Appends proposed entries (one JSON document a line, as POST /api/v1/log/entries takes them) to the"
            + " log in --data-dir, in file order, while the server is stopped (the store is refused if it is"
            + " open). Each entry is validated and its signature checked as over HTTP, then sequenced in large"
            + " batches: deduplicated against the log, integrated, committed. Entries are stored without their"
            + " SETs: the server signs them in the background when it next starts, and any entry read before"
            + " that on its first read (--imported-sets). Progress goes to standard error; an interrupted import resumes when run again"
            + " on the same input.",
        "To migrate hashedrekord entries from another Rekor v1 log, give each entry's body (the base64"
            + " 'body' of its answer, decoded): a hashedrekord body is a proposal. The entries get new"
            + " indexes, integrated times and SETs in this log."},
    footer = {"", "Example: stele-server import entries.jsonl --data-dir ./data",
        "         generate-entries | stele-server import - --data-dir ./data"})
final class ImportCommand implements Callable<Integer> {
  /** Counted down once the store is closed, for the shutdown hook to wait on. */
  private final CountDownLatch closed = new CountDownLatch(1);

  private interface Closing extends AutoCloseable {
    @Override
    void close();
  }

  @Parameters(index = "0", paramLabel = "FILE",
      description = "The proposed entries, one JSON document a line; - reads standard input.")
  String file;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:STELE_DATA_DIR:-./data}",
      description = "The log's store, as the server's --data-dir; created if it does not exist (env STELE_DATA_DIR, default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--key", paramLabel = "FILE|URI", defaultValue = "${env:STELE_KEY}",
      description = "The log key, as the server's --key: it signs the checkpoints and SETs (env STELE_KEY, default DATA_DIR/log-key.pem, generated for a new log).")
  String key;

  @Option(names = "--pkcs11-module", paramLabel = "FILE", defaultValue = "${env:STELE_PKCS11_MODULE}",
      description = "The PKCS#11 module of a pkcs11: --key (env STELE_PKCS11_MODULE).")
  Path pkcs11Module;

  @Option(names = "--key-password-file", paramLabel = "FILE", defaultValue = "${env:STELE_KEY_PASSWORD_FILE}",
      description = "The password of an encrypted --key, or the PIN of its token (env STELE_KEY_PASSWORD_FILE; else STELE_KEY_PASSWORD).")
  Path keyPasswordFile;

  @Option(names = "--public-url", paramLabel = "URL", defaultValue = "${env:STELE_PUBLIC_URL:-http://127.0.0.1:3000}",
      description = "The server's --public-url: its host names the checkpoint signer, which a log cannot change (env STELE_PUBLIC_URL, default ${DEFAULT-VALUE}).")
  URI publicUrl;

  @Option(names = "--tree-id", paramLabel = "ID", defaultValue = "${env:STELE_TREE_ID}",
      description = "Tree ID of a new log; ignored for an existing one (env STELE_TREE_ID, default random).")
  Long treeId;

  @Option(names = "--trust-input",
      description = "Do not check the signatures of hashedrekord entries: only for a file you produced yourself, or"
          + " exported from a log that checked them. Everything else is still checked; dsse entries are verified.")
  boolean trustSignatures;

  @Option(names = "--skip-invalid",
      description = "Skip invalid lines (each reported with its reason) instead of stopping at the first.")
  boolean skipInvalid;

  @Option(names = "--restart",
      description = "Forget an unfinished import of another input (or of this one, from its first line); entries it"
          + " appended stay in the log, and are skipped as duplicates if met again.")
  boolean restart;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "8192",
      description = "Entries per batch: one synced commit and one checkpoint each (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
      description = "Threads parsing entries and checking signatures; 0 means one per core (default ${DEFAULT-VALUE}).")
  int threads;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    // picocli's error writer: standard error, or what a caller (a test) set on the command line.
    PrintWriter err = spec.commandLine().getErr();
    Importer.Options options;
    try {
      options = new Importer.Options(trustSignatures, skipInvalid, batchSize,
          threads > 0 ? threads : Runtime.getRuntime().availableProcessors(), restart);
      if (publicUrl.getHost() == null) throw new IllegalArgumentException("--public-url needs a host, got " + publicUrl);
    } catch (IllegalArgumentException e) {
      err.println("stele-server import: " + e.getMessage());
      return 2;
    }
    if (trustSignatures) {
      err.println("stele-server import: WARNING: --trust-input: the signatures of hashedrekord entries in "
          + (file.equals("-") ? "standard input" : file) + " are NOT checked. The log will sign SETs for whatever"
          + " the file holds; use this only for entries you produced or that a log already checked.");
    }
    try (Closing ignored = closed::countDown) {
      Signer signingKey = LogKeys.load(key != null && !Pkcs11Uri.isUri(key) ? Path.of(key) : dataDir.resolve("log-key.pem"),
          key == null, new LogKeys.Source(
              key != null && Pkcs11Uri.isUri(key) ? Optional.of(Pkcs11Uri.parse(key)) : Optional.empty(),
              Optional.ofNullable(pkcs11Module), Optional.ofNullable(keyPasswordFile)));
      try (RocksLogStore store = RocksLogStore.open(dataDir)) {
        long newTreeId = treeId != null ? treeId : ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        LogIdentity identity = LogLoader.identity(store, PublicKeys.logId(signingKey.publicKey()), newTreeId);
        LogSigner signer = new LogSigner(signingKey, publicUrl.getHost(), identity.treeId());
        TreeState head = LogLoader.load(store, signer);
        err.printf(Locale.ROOT, "stele-server import: %s into the log in %s (tree size %,d, tree ID %d)%n",
            file.equals("-") ? "standard input" : file, dataDir, head.size(), identity.treeId());
        // Imported entries are stored without their SETs: the server signs them in the background
        // from here on when it next starts (SetFiller), and any entry read before on its first read.
        if (store.setsPendingFrom().isEmpty()) {
          store.putSetsPendingFrom(head.size());
        }
        Importer importer = new Importer(store, signer, head, options, err, System.console() != null);
        // On SIGINT or SIGTERM: finish and record what was read, close the store, then exit.
        Thread hook = new Thread(() -> {
          importer.stop();
          try {
            closed.await(120, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, "stele-import-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Importer.Result r;
        try {
          r = importer.run(Importer.Input.of(file, System.in));
        } finally {
          try {
            Runtime.getRuntime().removeShutdownHook(hook);
          } catch (IllegalStateException e) {
            // Shutting down already: the hook is waiting for this thread, which ends now.
          }
        }
        if (r.alreadyDone()) {
          err.printf(Locale.ROOT, "stele-server import: %s was imported to its end before (%,d lines); nothing to do%n",
              file, r.lines());
        } else {
          err.printf(Locale.ROOT, "stele-server import: done: %,d lines, %,d entries appended, %,d duplicates,"
              + " %,d invalid; tree size %,d; %.1f s%n", r.lines(), r.appended(), r.duplicates(), r.invalid(),
              r.treeSize(), r.seconds());
        }
        return 0;
      }
    } catch (Importer.ImportException | LogLoader.StartupException e) {
      err.println("stele-server import: " + e.getMessage());
      return 1;
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      err.println("stele-server import: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("stele-server import: interrupted; run it again to resume");
      return 1;
    }
  }
}
