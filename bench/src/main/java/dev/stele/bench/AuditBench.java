package dev.stele.bench;

import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.Signer;
import dev.stele.client.crypto.Signers;
import dev.stele.client.keys.KeyFiles;
import dev.stele.client.protocol.EntryKinds;
import dev.stele.client.protocol.HashedRekordBody;
import dev.stele.client.protocol.KeyMaterial;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.tiles.TreeIntegrator;
import dev.stele.server.Main;
import dev.stele.server.ServerConfig;
import dev.stele.server.log.LogIdentity;
import dev.stele.server.log.StoredEntry;
import dev.stele.server.log.TreeState;
import dev.stele.server.sequencer.Batch;
import dev.stele.server.sign.LogSigner;
import dev.stele.server.storage.RocksLogStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The full audit's speed (issue 6): entries per second that {@code stele-monitor --once --audit}
 * reads, hashes and checks from the tiles of a real Stele server holding a large log.
 *
 * <p>Building a log of a million entries through {@code POST /api/v1/log/entries} would take
 * far too long here, so the log is written straight into the server's store, the way the
 * sequencer writes it: real hashedrekord 0.0.1 bodies signed with a real ECDSA P-256 key, one
 * SET per entry and one signed checkpoint per batch from the log key, tiles from {@link
 * TreeIntegrator}, each batch one {@link RocksLogStore#commit}. The store is kept in {@code
 * --dir} and reused by later runs. Then the real server serves it (so start-up checks it), and
 * the monitor audits it over HTTP from a fresh state directory, in this process.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp "bench/target/stele-bench.jar:bench/target/lib/*" \
 *     dev.stele.bench.AuditBench [entries (1000000)] [dir (/tmp/stele-audit-bench)] [read threads (4)]
 * </pre>
 */
public final class AuditBench {
  private static final int BATCH = 4096;
  private static final long TREE_ID = 1;

  private AuditBench() {}

  public static void main(String[] args) throws Exception {
    long entries = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    Path dir = Path.of(args.length > 1 ? args[1] : "/tmp/stele-audit-bench");
    String threads = args.length > 2 ? args[2] : "4";
    Path store = dir.resolve("log-" + entries);
    Path key = dir.resolve("log-key-" + entries + ".pem");
    Path pub = dir.resolve("log-" + entries + ".pub");
    if (!Files.exists(pub)) {
      build(store, key, pub, entries);
    } else {
      System.out.println("reusing the log in " + store);
    }
    ServerConfig config = new ServerConfig(0, "127.0.0.1", store, Optional.of(key), Optional.empty(),
        Optional.empty(), 1000, Duration.ofMillis(5), 20000, 1 << 20, 1, 2);
    try (Main.Server server = Main.Server.start(config)) {
      Path state = Files.createTempDirectory(dir, "monitor-state-");
      String before = loadAverage();
      long t0 = System.nanoTime();
      int exit = dev.stele.monitor.Main.run("--once", "--audit", "--log-url", server.publicUrl().toString(),
          "--log-key", pub.toString(), "--state", state.toString(), "--metrics-port", "-1",
          "--read-threads", threads);
      double seconds = (System.nanoTime() - t0) / 1e9;
      String after = loadAverage();
      System.out.printf("%nAUDIT exit %d: %,d entries in %.1f s = %,.0f entries/s (read threads %s)%n", exit,
          entries, seconds, entries / seconds, threads);
      System.out.println("load average before: " + before + "; after: " + after + "; cores "
          + Runtime.getRuntime().availableProcessors() + "; java " + System.getProperty("java.version"));
      if (exit != 0) {
        System.exit(exit);
      }
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Writes {@code entries} entries into a new store, in batches, as the sequencer would. */
  private static void build(Path dir, Path keyFile, Path pubFile, long entries) throws Exception {
    Files.createDirectories(dir.getParent());
    KeyPair logKey = KeyFiles.generateEcdsaP256();
    KeyFiles.writePrivateKeyUnencrypted(keyFile, logKey.getPrivate());
    LogSigner signer = new LogSigner(Signers.forKeyPair(logKey), "127.0.0.1", TREE_ID);
    KeyPair artifactKey = KeyFiles.generateEcdsaP256();
    Signer artifactSigner = Signers.forKeyPair(artifactKey);
    KeyMaterial material = KeyMaterial.parse(KeyFiles.encodePublicKey(artifactKey.getPublic())
        .getBytes(StandardCharsets.US_ASCII));
    long t0 = System.nanoTime();
    try (RocksLogStore store = RocksLogStore.open(dir)) {
      store.createIdentity(new LogIdentity(TREE_ID, PublicKeys.logId(logKey.getPublic())));
      long size = 0;
      long time = System.currentTimeMillis() / 1000;
      while (size < entries) {
        int n = (int) Math.min(BATCH, entries - size);
        long first = size;
        List<Batch.Appended> batch = IntStream.range(0, n).parallel().mapToObj(i -> {
          try {
            byte[] artifact = ("artifact " + (first + i)).getBytes(StandardCharsets.UTF_8);
            byte[] body = EntryKinds.canonicalBody(new HashedRekordBody(HashAlgorithm.SHA256,
                Rfc6962.sha256(artifact).hex(), artifactSigner.sign(artifact), material));
            HashedRekordBody parsed = (HashedRekordBody) EntryKinds.parseBody(body);
            byte[] set = signer.signEntryTimestamp(body, time, first + i);
            return new Batch.Appended(new StoredEntry(first + i, time, set, body), Rfc6962.hashLeaf(body),
                parsed.indexKeys());
          } catch (GeneralSecurityException | dev.stele.client.protocol.FormatException e) {
            throw new IllegalStateException(e);
          }
        }).toList();
        List<Hash> leaves = new ArrayList<>(n);
        batch.forEach(a -> leaves.add(a.leafHash()));
        // The store reads the right edge (a few tiles, cached) written by the previous commit.
        TreeIntegrator.Integration in = TreeIntegrator.integrate(store, size, leaves);
        size = in.newSize();
        String checkpoint = signer.signCheckpoint(size, in.root());
        store.commit(new Batch(batch, in.changedTiles(), new TreeState(size, in.root(), time, checkpoint)));
        if ((size / BATCH) % 25 == 0 || size == entries) {
          System.out.printf("built %,d / %,d entries (%.0f s)%n", size, entries, (System.nanoTime() - t0) / 1e9);
        }
      }
    }
    KeyFiles.writePublicKey(pubFile, logKey.getPublic());
  }
}
