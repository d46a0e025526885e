package dev.stele.server;

import dev.stele.server.distributed.DistributedStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engines of the distributed driver's tests, started once per test JVM and stopped at its
 * end: a {@link PostgresCluster} and an {@link S3Proxy}. Each log gets a database and a bucket of
 * its own. Public, with log-server's test jar, for the end-to-end tests in e2e/ (which copy the
 * S3Proxy jar to their own {@code target/s3proxy/}).
 */
public final class Distributed {
  private static final AtomicInteger LOGS = new AtomicInteger();
  private static final Object LOCK = new Object();
  private static PostgresCluster postgres;
  private static S3Proxy s3;

  private Distributed() {}

  static PostgresCluster postgres() throws Exception {
    engines();
    return postgres;
  }

  static S3Proxy s3() throws Exception {
    engines();
    return s3;
  }

  private static void engines() throws Exception {
    synchronized (LOCK) {
      if (postgres == null) {
        postgres = PostgresCluster.start();
        Runtime.getRuntime().addShutdownHook(new Thread(postgres::close));
      }
      if (s3 == null) {
        s3 = S3Proxy.start();
        Runtime.getRuntime().addShutdownHook(new Thread(s3::close));
      }
    }
  }

  /** A new, empty database and bucket; a short lease so takeovers are quick. */
  public static DistributedStorage fresh() throws Exception {
    engines();
    String name = "stele" + ProcessHandle.current().pid() + "x" + LOGS.incrementAndGet();
    postgres.createDatabase(name);
    return new DistributedStorage(postgres.url(name), null, null, s3.endpoint(), name, "us-east-1",
        S3Proxy.ACCESS_KEY, S3Proxy.SECRET_KEY, Duration.ofSeconds(2), Duration.ofSeconds(20));
  }

  /** The options of {@code stele-server} that put a log on {@code storage}. */
  public static List<String> serverArgs(DistributedStorage storage) {
    return List.of("--storage", "postgres", "--db-url", storage.dbUrl(), "--s3-endpoint",
        storage.s3Endpoint().toString(), "--s3-bucket", storage.s3Bucket());
  }

  /** The environment a {@code stele-server} process needs for the object store: its credentials. */
  public static Map<String, String> environment() {
    return Map.of("AWS_ACCESS_KEY_ID", S3Proxy.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3Proxy.SECRET_KEY);
  }

  /** A test server configuration over {@code storage}, with {@code dir} for its key. */
  static ServerConfig config(Path dir, DistributedStorage storage) {
    return TestServer.config(dir).withDistributed(storage);
  }
}
