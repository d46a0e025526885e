package dev.stele.server;

import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.Signer;
import dev.stele.server.distributed.DistributedStorage;
import dev.stele.server.distributed.Migration;
import dev.stele.server.distributed.PgLogStore;
import dev.stele.server.log.LogIdentity;
import dev.stele.server.log.TreeState;
import dev.stele.server.sign.LogKeys;
import dev.stele.server.sign.LogSigner;
import dev.stele.server.storage.RocksLogStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stele-server migrate}: copies an embedded log into the distributed store. */
@Command(name = "migrate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Copies an embedded log (a stopped server's --data-dir) into an empty PostgreSQL database and"
        + " S3-compatible bucket, checks it (the copy's tiles give the same root as the signed checkpoint, which is"
        + " copied as it is) and prints both roots. Frontends then start with --storage postgres and the same key"
        + " and --public-url."},
    footer = {"", "Example: stele-server migrate --from ./data --to postgres --db-url jdbc:postgresql://db:5432/stele"
        + " --s3-endpoint http://minio:9000 --s3-bucket stele"})
final class MigrateCommand implements Callable<Integer> {
  @Option(names = "--from", paramLabel = "DIR", required = true,
      description = "The embedded store's directory; the server using it must be stopped.")
  Path from;

  @Option(names = "--to", paramLabel = "DRIVER", required = true,
      description = "The target driver: postgres (the only one).")
  String to;

  @Option(names = "--key", paramLabel = "FILE", defaultValue = "${env:STELE_KEY}",
      description = "The log's PEM private key, to check the stored checkpoint's signature (env STELE_KEY, default DIR/log-key.pem).")
  Path key;

  @Option(names = "--public-url", paramLabel = "URL", defaultValue = "${env:STELE_PUBLIC_URL:-http://127.0.0.1}",
      description = "The log's public URL, whose host names the checkpoint signer (env STELE_PUBLIC_URL, default ${DEFAULT-VALUE}).")
  URI publicUrl;

  @CommandLine.Mixin
  StorageOptions storage;

  @Override
  public Integer call() throws Exception {
    if (!"postgres".equals(to)) {
      System.err.println("stele-server migrate: --to must be postgres, got '" + to + "'");
      return 2;
    }
    storage.storage = "postgres";
    Optional<DistributedStorage> target;
    try {
      target = storage.distributed();
    } catch (IllegalArgumentException e) {
      System.err.println("stele-server migrate: " + e.getMessage());
      return 2;
    }
    if (!Files.isDirectory(from)) {
      System.err.println("stele-server migrate: --from " + from + " is not a directory");
      return 2;
    }
    Signer k = LogKeys.loadOrGenerate(key != null ? key : from.resolve("log-key.pem"), false);
    try (RocksLogStore source = RocksLogStore.open(from); PgLogStore dest = PgLogStore.open(target.get())) {
      LogIdentity id = source.identity().orElseThrow(() -> new LogLoader.StartupException(from + " holds no log"));
      if (!id.logId().equals(PublicKeys.logId(k.publicKey()))) {
        System.err.println("stele-server migrate: " + from + " belongs to log ID " + id.logId().hex() + ", not to the given key");
        return 1;
      }
      LogSigner signer = new LogSigner(k, publicUrl.getHost(), id.treeId());
      TreeState state = LogLoader.load(source, signer);
      Migration.Result r = Migration.copy(source, id, state, dest);
      System.out.println("migrated " + r.size() + " entries and " + r.searchKeys() + " search keys to " + dest.describe());
      System.out.println("source root " + r.sourceRoot().hex());
      System.out.println("target root " + r.targetRoot().hex());
      return 0;
    } catch (LogLoader.StartupException e) {
      System.err.println("stele-server migrate: the source fails its check: " + e.getMessage());
      return 1;
    }
  }
}
