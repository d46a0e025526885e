package dev.stele.server.http;

import dev.stele.client.crypto.VerifierCache;
import dev.stele.merkle.Hash;
import dev.stele.server.log.TileCache;
import dev.stele.server.metrics.ServerMetrics;
import dev.stele.server.read.LogReader;
import dev.stele.server.sequencer.Appender;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;

/**
 * What the HTTP handlers work with: the read side (everything but appends), the write side
 * (appends: the embedded sequencer or the distributed frontend), the worker pools and the meters. Built once by the server and shared by every HTTP
 * verticle instance.
 *
 * @param verifyPool runs entry validation and signature checks, unordered, one thread per core
 * @param verifierCache the parsed signer keys entry validation reuses (bounded; see its class)
 * @param readPool runs store reads, JSON parsing and proof building, unordered
 * @param tileCache encoded full hash tiles, served from the event loop
 * @param bundleCache encoded full entry bundles, served from the event loop
 * @param bodyLimit the largest proposed entry, in bytes
 * @param guards admission control: connections, deadlines, verification slots, body limits
 */
public record LogServices(
    LogReader reader,
    Appender sequencer,
    ServerMetrics metrics,
    WorkerExecutor verifyPool,
    VerifierCache verifierCache,
    WorkerExecutor readPool,
    TileCache<Buffer> tileCache,
    TileCache<Buffer> bundleCache,
    long bodyLimit,
    RequestGuards guards) {

  /** The relative URL of the entry with this leaf hash, as Rekor v1 gives it in {@code Location}. */
  public String entryLocation(Hash leafHash) {
    return "/api/v1/log/entries/" + reader.entryId(leafHash);
  }
}
