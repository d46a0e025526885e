package dev.stele.server.http;

import dev.stele.client.crypto.VerifierCache;
import dev.stele.client.protocol.EntryId;
import dev.stele.merkle.Hash;
import dev.stele.server.log.LogIdentity;
import dev.stele.server.metrics.ServerMetrics;
import dev.stele.server.sequencer.Sequencer;
import dev.stele.server.sign.LogSigner;
import dev.stele.server.storage.RocksLogStore;
import dev.stele.server.log.TileCache;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;

/**
 * What the HTTP handlers work with: the store (reads), the sequencer (writes and the current
 * head), the log's signing identity, the worker pools and the meters. Built once by the server
 * and shared by every HTTP verticle instance.
 *
 * @param verifyPool runs entry validation and signature checks, unordered, one thread per core
 * @param verifierCache the parsed signer keys entry validation reuses (bounded; see its class)
 * @param readPool runs store reads and proof building, unordered
 */
public record LogServices(
    RocksLogStore store,
    Sequencer sequencer,
    LogSigner signer,
    LogIdentity identity,
    ServerMetrics metrics,
    WorkerExecutor verifyPool,
    VerifierCache verifierCache,
    WorkerExecutor readPool,
    TileCache<Buffer> tileCache,
    TileCache<Buffer> bundleCache,
    long bodyLimit) {

  /** The 80-hex entry ID (tree ID and UUID) of the entry with this leaf hash. */
  public EntryId entryId(Hash leafHash) {
    return EntryId.of(identity.treeId(), leafHash);
  }

  /** The relative URL of the entry with this leaf hash, as Rekor v1 gives it in {@code Location}. */
  public String entryLocation(Hash leafHash) {
    return "/api/v1/log/entries/" + entryId(leafHash);
  }
}
