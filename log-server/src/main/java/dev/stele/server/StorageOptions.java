package dev.stele.server;

import dev.stele.server.distributed.DistributedStorage;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The command-line options of the storage driver: the embedded RocksDB store (the default) or
 * PostgreSQL with an S3-compatible object store ({@link DistributedStorage}).
 */
final class StorageOptions {
  @Option(names = "--storage", paramLabel = "DRIVER", defaultValue = "${env:STELE_STORAGE:-rocksdb}",
      description = "Where the log is kept: rocksdb (embedded, in --data-dir) or postgres (PostgreSQL for sequencing and dedup, an S3-compatible bucket for tiles, bundles and the checkpoint; any number of frontends share them, all with the same --key and --public-url) (env STELE_STORAGE, default ${DEFAULT-VALUE}).")
  String storage;

  @Option(names = "--db-url", paramLabel = "URL", defaultValue = "${env:STELE_DB_URL}",
      description = "With --storage postgres: the JDBC URL of the database, jdbc:postgresql://HOST:PORT/DB (env STELE_DB_URL).")
  String dbUrl;

  @Option(names = "--db-user", paramLabel = "USER", defaultValue = "${env:STELE_DB_USER}",
      description = "With --storage postgres: the database user (env STELE_DB_USER).")
  String dbUser;

  @Option(names = "--db-password-file", paramLabel = "FILE", defaultValue = "${env:STELE_DB_PASSWORD_FILE}",
      description = "With --storage postgres: a file holding the database password (its first line); without it, the variable STELE_DB_PASSWORD is used if set. Never given on the command line (env STELE_DB_PASSWORD_FILE).")
  Path dbPasswordFile;

  @Option(names = "--s3-endpoint", paramLabel = "URL", defaultValue = "${env:STELE_S3_ENDPOINT}",
      description = "With --storage postgres: the S3-compatible store's endpoint, addressed path-style (MinIO, Ceph, AWS); credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or the standard AWS files (env STELE_S3_ENDPOINT).")
  URI s3Endpoint;

  @Option(names = "--s3-bucket", paramLabel = "NAME", defaultValue = "${env:STELE_S3_BUCKET}",
      description = "With --storage postgres: the bucket, created if missing; its keys are the tlog-tiles paths, so it can be served by a CDN as it is (env STELE_S3_BUCKET).")
  String s3Bucket;

  @Option(names = "--s3-region", paramLabel = "REGION", defaultValue = "${env:STELE_S3_REGION:-us-east-1}",
      description = "With --storage postgres: the region requests are signed for (env STELE_S3_REGION, default ${DEFAULT-VALUE}).")
  String s3Region;

  /**
   * The distributed storage the options name, or empty for the embedded store.
   *
   * @throws IllegalArgumentException if the options are incomplete or contradictory
   */
  Optional<DistributedStorage> distributed() {
    switch (storage) {
      case "rocksdb":
        return Optional.empty();
      case "postgres":
        break;
      default:
        throw new IllegalArgumentException("--storage must be rocksdb or postgres, got '" + storage + "'");
    }
    if (dbUrl == null) throw new IllegalArgumentException("--storage postgres needs --db-url");
    if (s3Endpoint == null) throw new IllegalArgumentException("--storage postgres needs --s3-endpoint");
    if (s3Bucket == null) throw new IllegalArgumentException("--storage postgres needs --s3-bucket");
    return Optional.of(new DistributedStorage(dbUrl, dbUser, password(), s3Endpoint, s3Bucket, s3Region, null, null));
  }

  private String password() {
    if (dbPasswordFile != null) {
      try {
        String text = Files.readString(dbPasswordFile, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).strip();
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read --db-password-file " + dbPasswordFile + ": " + e.getMessage());
      }
    }
    return System.getenv("STELE_DB_PASSWORD");
  }
}
