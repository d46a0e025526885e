package dev.stele.monitor;

import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.RekorJson;
import dev.stele.merkle.Hash;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileFormatException;
import dev.stele.merkle.tiles.TileId;
import dev.stele.merkle.tiles.TileProofBuilder;
import dev.stele.merkle.tiles.TileReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One URL of a log, read through whichever face it has: the Rekor v1 REST API ({@code
 * /api/v1/log}, {@code /api/v1/log/proof}, {@code /api/v1/log/entries/retrieve}) or C2SP
 * tlog-tiles ({@code /checkpoint}, {@code /tile/...}). Answers are returned as served; nothing is
 * verified here.
 *
 * <p>With {@link Protocol#AUTO} the checkpoint and consistency proofs come from the v1 API when
 * the log has it (the log computes the proof), else from tiles (the monitor computes the proof
 * from the tiles of the new tree); entries come from tiles when the log has them, else from the
 * v1 API. What the log has is probed once and remembered.
 */
final class LogSource {
  /** Which face of the log to use. */
  enum Protocol {
    AUTO, V1, TILES
  }

  /**
   * A checkpoint as served.
   *
   * @param source the URL it came from
   * @param body the whole response body
   * @param note the signed note text (the whole body for tiles, {@code signedTreeHead} for v1)
   * @param claimedSize the tree size the answer states beside the note (v1 {@code treeSize}), or
   *     -1 if it states none
   * @param claimedRoot the root the answer states beside the note (v1 {@code rootHash}), or null
   * @param claimedBy whose statement that is, for messages, e.g. {@code "the log info's"}, or null
   */
  record Served(String source, byte[] body, String note, long claimedSize, Hash claimedRoot, String claimedBy) {
    /** A checkpoint served alone (tlog-tiles, a peer). */
    Served(String source, byte[] body, String note) {
      this(source, body, note, -1, null, null);
    }
  }

  /**
   * A consistency proof as answered.
   *
   * @param request the URL asked, or a description of the tiles it was computed from
   * @param size1 the smaller tree size
   * @param size2 the larger tree size
   * @param hashes the proof
   * @param rootHash the root at the larger size that the v1 answer states, or null for tiles
   * @param body the raw v1 answer, or null for tiles
   */
  record ProofAnswer(String request, long size1, long size2, List<Hash> hashes, Hash rootHash, byte[] body) {}

  private final LogHttp http;
  private final Protocol protocol;
  private volatile Boolean hasV1;
  private volatile Boolean hasTiles;

  LogSource(LogHttp http, Protocol protocol) {
    this.http = http;
    this.protocol = protocol;
  }

  String url() {
    return http.base().toString();
  }

  LogHttp http() {
    return http;
  }

  /** Whether checkpoints and proofs come from the v1 API (else from tiles). */
  boolean followsV1() throws LogUnavailableException {
    if (protocol != Protocol.AUTO) {
      return protocol == Protocol.V1;
    }
    if (hasV1 == null) {
      hasV1 = probe("/api/v1/log");
    }
    return hasV1 || !hasTiles();
  }

  /** Whether entries and tiles can be read through tlog-tiles. */
  boolean hasTiles() throws LogUnavailableException {
    if (protocol != Protocol.AUTO) {
      return protocol == Protocol.TILES;
    }
    if (hasTiles == null) {
      hasTiles = probe("/checkpoint");
    }
    return hasTiles;
  }

  private boolean probe(String path) throws LogUnavailableException {
    try {
      http.get(path);
      return true;
    } catch (LogUnavailableException e) {
      if (LogHttp.isNotFound(e)) {
        return false;
      }
      throw e;
    }
  }

  /** The log's latest checkpoint, as served. */
  Served latest() throws LogUnavailableException {
    if (followsV1()) {
      byte[] body = http.get("/api/v1/log");
      RekorJson.LogInfo info;
      try {
        info = RekorJson.read(body, RekorJson.LogInfo.class);
      } catch (FormatException e) {
        throw new LogUnavailableException(http.url("/api/v1/log") + ": not a log info document: " + e.getMessage());
      }
      if (info.signedTreeHead() == null || info.treeSize() == null || info.rootHash() == null) {
        throw new LogUnavailableException(http.url("/api/v1/log")
            + ": the log info lacks signedTreeHead, treeSize or rootHash");
      }
      Hash claimed;
      try {
        claimed = Hash.fromHex(info.rootHash());
      } catch (IllegalArgumentException e) {
        throw new LogUnavailableException(http.url("/api/v1/log") + ": the log info's rootHash is not a hash: "
            + e.getMessage());
      }
      return new Served(http.url("/api/v1/log"), body, info.signedTreeHead(), info.treeSize(), claimed,
          "the log info's");
    }
    byte[] body = http.get("/checkpoint");
    String text = Evidence.text(body);
    return new Served(http.url("/checkpoint"), body, text == null ? "" : text);
  }

  /** What {@link #consistency} asks: the URL of the v1 request, or the tiles it computes from. */
  String consistencyRequest(long size1, long size2) {
    try {
      return followsV1() ? http.url(proofPath(size1, size2)) : tilesDescription(size2);
    } catch (LogUnavailableException e) {
      return "a consistency proof from " + size1 + " to " + size2 + " at " + url();
    }
  }

  private static String proofPath(long size1, long size2) {
    return "/api/v1/log/proof?firstSize=" + size1 + "&lastSize=" + size2;
  }

  private String tilesDescription(long size2) {
    return "computed from " + http.url("/tile/") + " at tree size " + size2;
  }

  /** The consistency proof from {@code size1} to {@code size2}; requires {@code 0 < size1 < size2}. */
  ProofAnswer consistency(long size1, long size2) throws LogUnavailableException {
    if (followsV1()) {
      String path = proofPath(size1, size2);
      byte[] body = http.get(path);
      Map.Entry<Hash, List<Hash>> p;
      try {
        p = RekorJson.readConsistencyProof(body);
      } catch (FormatException e) {
        throw new LogUnavailableException(http.url(path) + ": not a consistency proof: " + e.getMessage());
      }
      return new ProofAnswer(http.url(path), size1, size2, p.getValue(), p.getKey(), body);
    }
    try {
      List<Hash> hashes = TileProofBuilder.consistency(tiles(), size1, size2).hashes();
      return new ProofAnswer(tilesDescription(size2), size1, size2, hashes, null, null);
    } catch (LogUnavailableException e) {
      throw e;
    } catch (IOException e) {
      throw new LogUnavailableException("proof from tiles " + size1 + " -> " + size2 + ": " + e.getMessage(), 0, e);
    }
  }

  /** Reads hash tiles over HTTP at exactly the widths asked for. */
  TileReader tiles() {
    return ids -> {
      List<HashTile> out = new ArrayList<>(ids.size());
      for (TileId id : ids) {
        out.add(tile(id));
      }
      return out;
    };
  }

  /** One hash tile at exactly the width of {@code id}. */
  HashTile tile(TileId id) throws LogUnavailableException {
    byte[] body = http.get("/" + id.path());
    try {
      return HashTile.decode(id, body);
    } catch (TileFormatException e) {
      throw new LogUnavailableException(http.url("/" + id.path()) + ": " + e.getMessage());
    }
  }

  /** The raw bytes of a hash tile or entry bundle path such as {@code tile/0/001}. */
  byte[] raw(String path) throws LogUnavailableException {
    return http.get("/" + path);
  }

  /** Entries by index through {@code POST /api/v1/log/entries/retrieve} (at most 10 per call). */
  List<LoggedEntry> entries(List<Long> indexes) throws LogUnavailableException {
    byte[] query = RekorJson.write(new RekorJson.SearchLogQuery(null, indexes, null));
    byte[] body = http.postJson("/api/v1/log/entries/retrieve", query);
    try {
      return RekorJson.readEntries(body);
    } catch (FormatException e) {
      throw new LogUnavailableException(http.url("/api/v1/log/entries/retrieve") + " for " + indexes + ": "
          + e.getMessage());
    }
  }
}
