package dev.stele.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster on 127.0.0.1, from Debian's {@code postgresql} package:
 * {@code initdb} into a temp directory and {@code pg_ctl start} on a free port, trust
 * authentication, user {@code stele}. PostgreSQL refuses to run as root, so under root the
 * programs run as the package's {@code postgres} user. Fails (never skips) when the package is
 * missing.
 */
final class PostgresCluster implements AutoCloseable {
  private final Path bin;
  private final Path dir;
  private final Path data;
  final int port;
  private final boolean asPostgres;

  private PostgresCluster(Path bin, Path dir, int port, boolean asPostgres) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.port = port;
    this.asPostgres = asPostgres;
  }

  static PostgresCluster start() throws Exception {
    Path bin = findBin();
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("stele-pg");
    if (root) {
      UserPrincipal pg = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
      Files.setOwner(dir, pg);
    }
    PostgresCluster c = new PostgresCluster(bin, dir, freePort(), root);
    c.run(120, "initdb", "-D", c.data.toString(), "-U", "stele", "--auth=trust", "-E", "UTF8", "--no-sync");
    c.startServer();
    return c;
  }

  private static Path findBin() throws IOException {
    Path lib = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(lib)) {
      try (Stream<Path> versions = Files.list(lib)) {
        List<Path> found = versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
            .sorted(Comparator.reverseOrder()).toList();
        if (!found.isEmpty()) return found.get(0);
      }
    }
    throw new AssertionError("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): the distributed"
        + " driver's tests need it; apt-get install postgresql");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  void startServer() throws Exception {
    run(180, "pg_ctl", "-D", data.toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "170",
        "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=300", "start");
  }

  void stopServer() throws Exception {
    run(120, "pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "-t", "110", "stop");
  }

  /** The JDBC URL of database {@code db}, as user {@code stele}. */
  String url(String db) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + db + "?user=stele";
  }

  void createDatabase(String name) throws SQLException {
    try (Connection c = DriverManager.getConnection(url("postgres")); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
  }

  private void run(int timeoutSeconds, String program, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    if (asPostgres) cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    cmd.add(bin.resolve(program).toString());
    cmd.addAll(List.of(args));
    Path log = Files.createTempFile("stele-pg-" + program, ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(program + " did not finish in " + timeoutSeconds + " s: " + Files.readString(log));
    }
    if (p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " exited with " + p.exitValue() + ": " + Files.readString(log));
    }
    Files.deleteIfExists(log);
  }

  @Override
  public void close() {
    try {
      stopServer();
    } catch (Exception | AssertionError e) {
      System.err.println("stopping PostgreSQL: " + e);
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A temp directory left behind.
    }
  }
}
