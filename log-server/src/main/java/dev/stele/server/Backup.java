package dev.stele.server;

import dev.stele.server.http.AdminVerticle;
import dev.stele.server.log.LogIdentity;
import dev.stele.server.log.TreeState;
import dev.stele.server.sign.LogSigner;
import dev.stele.server.storage.RocksLogStore;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Online backups ({@code POST /backup} on the admin listener): a RocksDB checkpoint of the store
 * into {@code --backup-dir}, checked before it is named a backup.
 *
 * <p>Each backup is a directory {@code stele-backup-<UTC time>}, itself a store: restoring is
 * copying it to a new data directory and starting the server there with the log's key. Before
 * the directory gets its name (it is written as {@code .<name>.partial} and renamed), the copy is
 * opened and passes the same self-check as a start-up (identity, signed checkpoint, tiles,
 * entries); so a backup that exists under its name restores. The key is not in it: a PEM key
 * belongs with the operator's secrets, a PKCS#11 key stays in its token.
 */
final class Backup implements AdminVerticle.Backups {
  private static final Logger LOG = Logger.getLogger(Backup.class.getName());
  private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
      .withZone(ZoneOffset.UTC);

  private final RocksLogStore store;
  private final LogSigner signer;
  private final LogIdentity identity;
  private final Path dir;

  Backup(RocksLogStore store, LogSigner signer, LogIdentity identity, Path dir) {
    this.store = store;
    this.signer = signer;
    this.identity = identity;
    this.dir = dir;
  }

  @Override
  public JsonObject take() throws Exception {
    Files.createDirectories(dir);
    String name = "stele-backup-" + NAME.format(Instant.now());
    Path target = dir.resolve(name);
    Path partial = dir.resolve("." + name + ".partial");
    if (Files.exists(target) || Files.exists(partial)) {
      throw new IOException("backup " + target + " exists already");
    }
    long started = System.nanoTime();
    store.checkpoint(partial);
    TreeState head;
    try (RocksLogStore copy = RocksLogStore.open(partial)) {
      Optional<LogIdentity> id = copy.identity();
      if (id.isEmpty() || !id.get().equals(identity)) {
        throw new IOException("the copy in " + partial + " does not carry this log's identity");
      }
      head = LogLoader.load(copy, signer);
    } catch (LogLoader.StartupException e) {
      throw new IOException("the copy in " + partial + " fails the start-up self-check: " + e.getMessage(), e);
    }
    JsonObject info = new JsonObject()
        .put("backup", target.toAbsolutePath().toString())
        .put("treeSize", head.size())
        .put("rootHash", head.root().hex())
        .put("treeID", Long.toString(identity.treeId()))
        .put("logID", identity.logId().hex())
        .put("signedTreeHead", head.checkpoint())
        .put("tookMs", (System.nanoTime() - started) / 1_000_000);
    // A description beside the store's own files (RocksDB leaves other files alone).
    Files.writeString(partial.resolve("stele-backup.json"), info.encodePrettily() + "\n", StandardCharsets.UTF_8);
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    LOG.info("backup " + target + ": tree size " + head.size() + ", root " + head.root().hex()
        + ", checked in " + info.getLong("tookMs") + " ms");
    return info;
  }
}
