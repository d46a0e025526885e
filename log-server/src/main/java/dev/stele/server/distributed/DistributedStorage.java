package dev.stele.server.distributed;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the distributed driver keeps the log: a PostgreSQL database (sequencing, dedup, the
 * search index and the tree state) and a bucket of an S3-compatible store (tiles, entry bundles,
 * the checkpoint).
 *
 * @param dbUrl JDBC URL, {@code jdbc:postgresql://host:port/db}
 * @param dbUser database user, or null to use the URL's or the driver's default
 * @param dbPassword database password, or null (from {@code --db-password-file} or {@code
 *     STELE_DB_PASSWORD}; never logged)
 * @param s3Endpoint the store's endpoint URL; objects are addressed path-style
 * @param s3Bucket the bucket; created if missing
 * @param s3Region the region to sign requests for (S3-compatible stores accept any)
 * @param s3AccessKey access key, or null for the standard AWS variables and files
 * @param s3SecretKey secret key matching {@code s3AccessKey} (never logged)
 * @param leaseTtl how long the integrator's lease lasts without renewal: how soon another
 *     frontend takes over from one that died
 * @param integrationTimeout how long a frontend waits for an entry it sequenced to be integrated
 *     before answering 503 (the entry stays in the log; a retry is a 409 pointing at it)
 */
public record DistributedStorage(
    String dbUrl,
    String dbUser,
    String dbPassword,
    URI s3Endpoint,
    String s3Bucket,
    String s3Region,
    String s3AccessKey,
    String s3SecretKey,
    Duration leaseTtl,
    Duration integrationTimeout) {

  public DistributedStorage {
    Objects.requireNonNull(dbUrl, "--db-url");
    Objects.requireNonNull(s3Endpoint, "--s3-endpoint");
    Objects.requireNonNull(s3Bucket, "--s3-bucket");
    Objects.requireNonNull(s3Region, "--s3-region");
    if (!dbUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("--db-url must be a jdbc:postgresql: URL");
    }
    if (s3Endpoint.getHost() == null || !("http".equals(s3Endpoint.getScheme()) || "https".equals(s3Endpoint.getScheme()))) {
      throw new IllegalArgumentException("--s3-endpoint must be an http(s) URL with a host, got " + s3Endpoint);
    }
    if ((s3AccessKey == null) != (s3SecretKey == null)) {
      throw new IllegalArgumentException("an S3 access key needs its secret key, and the other way round");
    }
    if (leaseTtl.toMillis() < 500) throw new IllegalArgumentException("lease TTL must be at least 500 ms");
  }

  /** With the default lease (3 s) and integration timeout (30 s). */
  public DistributedStorage(String dbUrl, String dbUser, String dbPassword, URI s3Endpoint, String s3Bucket,
      String s3Region, String s3AccessKey, String s3SecretKey) {
    this(dbUrl, dbUser, dbPassword, s3Endpoint, s3Bucket, s3Region, s3AccessKey, s3SecretKey,
        Duration.ofSeconds(3), Duration.ofSeconds(30));
  }

  public DistributedStorage withTimeouts(Duration lease, Duration integration) {
    return new DistributedStorage(dbUrl, dbUser, dbPassword, s3Endpoint, s3Bucket, s3Region, s3AccessKey,
        s3SecretKey, lease, integration);
  }

  /** Without the password and the secret key. */
  @Override
  public String toString() {
    return "DistributedStorage[db=" + dbUrl + ", user=" + dbUser + ", s3=" + s3Endpoint + "/" + s3Bucket
        + ", region=" + s3Region + "]";
  }
}
