package dev.stele.monitor;

import dev.stele.client.crypto.Signers;
import dev.stele.client.keys.KeyFiles;
import dev.stele.client.protocol.NoteKeys;
import dev.stele.client.protocol.NoteSigner;
import dev.stele.client.protocol.NoteVerifier;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;

/**
 * One Stele witness in this JVM, as {@code stele-monitor --witness-key} runs it: a {@link Monitor}
 * of the log (for the alarms; its checks are not run here) and the witness's own HTTP server on
 * 127.0.0.1, a real cosignature/v1 key, its state in {@code <state>/witness}.
 */
final class WitnessNode implements AutoCloseable {
  final String name;
  final KeyPair keys;
  final String vkey;
  final TestConfig config;
  final MonitorMetrics metrics = new MonitorMetrics();
  private final Monitor monitor;
  private final WitnessServer server;

  /**
   * @param logUrl the log the monitor would check (the witness does not use it)
   * @param logKey the log's ECDSA key: the witness trusts its Rekor v1 signature line under 127.0.0.1
   * @param more further logs' checkpoint keys, as vkeys
   */
  WitnessNode(String name, URI logUrl, PublicKey logKey, Path state, List<String> more) throws Exception {
    this(name, KeyFiles.generateEd25519(), logUrl, logKey, state, more, 0);
  }

  /** A witness with the given key on the given port (0: any): a restarted one. */
  WitnessNode(String name, KeyPair keys, URI logUrl, PublicKey logKey, Path state, List<String> more, int port)
      throws Exception {
    this.name = name;
    this.keys = keys;
    NoteSigner cosigner = NoteKeys.cosignatureSigner(name, Signers.forKeyPair(keys), () -> System.currentTimeMillis() / 1000);
    this.vkey = NoteKeys.cosignatureVerifierKey(name, keys.getPublic());
    this.config = new TestConfig(logUrl, logKey, state);
    this.monitor = config.monitor(metrics);
    List<NoteVerifier> extra = new java.util.ArrayList<>();
    for (String v : more) {
      extra.add(NoteKeys.parseVerifierKey(v));
    }
    this.server = Main.startWitness(config.build(), new WitnessOptions.Config(cosigner, vkey, extra, "127.0.0.1", port),
        monitor, metrics);
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  /** {@code witness <name> <vkey> <url>}, a line of a log's policy. */
  String policyLine() {
    return "witness " + name + " " + vkey + " " + url();
  }

  /** The evidence files of the witness's alarms, once they are written (alarms are raised on a thread of their own). */
  List<Path> awaitEvidence(int count) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    List<Path> files = config.evidenceFiles();
    while (files.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
      files = config.evidenceFiles();
    }
    return files;
  }

  String scrape() {
    return metrics.scrape();
  }

  @Override
  public void close() {
    server.close();
    monitor.close();
  }
}
