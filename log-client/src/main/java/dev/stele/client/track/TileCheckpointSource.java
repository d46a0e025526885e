package dev.stele.client.track;

import dev.stele.client.http.HttpException;
import dev.stele.client.http.HttpTransport;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.rekor.LogClientException;
import dev.stele.merkle.proof.ConsistencyProof;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileFormatException;
import dev.stele.merkle.tiles.TileId;
import dev.stele.merkle.tiles.TileProofBuilder;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Checkpoints and consistency proofs from a log's C2SP tlog-tiles face: {@code <prefix>/checkpoint}
 * and the hash tiles {@code <prefix>/tile/<L>/<N>[.p/<W>]}, from which the proof is computed here
 * (RFC 6962; merkle's {@link TileProofBuilder}). A log or cache that serves wrong tiles yields a
 * proof that does not verify, which the tracker reports as a fork.
 *
 * <p>Reads go through the {@link HttpTransport} (deadlines, retries, same-origin redirects), each
 * capped at what the answer can be: a checkpoint at {@value #MAX_CHECKPOINT_BYTES} bytes, a tile
 * at 32 bytes per hash of its width. Failures are {@link LogClientException}s, as the Rekor
 * client's are.
 */
final class TileCheckpointSource implements CheckpointSource {
  private static final int MAX_CHECKPOINT_BYTES = 64 * 1024;

  private final String prefix;
  private final HttpTransport http;

  TileCheckpointSource(URI prefix, HttpTransport http) {
    String s = prefix.toString();
    this.prefix = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    this.http = http;
  }

  @Override
  public SignedNote latestCheckpoint() throws IOException {
    byte[] body = get("get the checkpoint", "/checkpoint", MAX_CHECKPOINT_BYTES);
    try {
      return SignedNote.parse(body);
    } catch (FormatException e) {
      throw LogClientException.malformed("the checkpoint at " + prefix + "/checkpoint", 200, e);
    }
  }

  @Override
  public ConsistencyProof consistencyProof(long size1, long size2) throws IOException {
    return TileProofBuilder.consistency(ids -> {
      List<HashTile> out = new ArrayList<>(ids.size());
      for (TileId id : ids) {
        byte[] bytes = get("get tile " + id.path(), "/" + id.path(), id.width() * 32);
        try {
          out.add(HashTile.decode(id, bytes));
        } catch (TileFormatException e) {
          throw LogClientException.malformed("tile " + prefix + "/" + id.path(), 200, e);
        }
      }
      return out;
    }, size1, size2);
  }

  /** The body of a 200 answer; anything else fails as the Rekor client's calls fail. */
  private byte[] get(String what, String path, int maxBytes) throws LogClientException {
    HttpTransport.Response r;
    try {
      r = http.send(HttpTransport.Request.get(URI.create(prefix + path)).maxBytes(maxBytes));
    } catch (HttpException e) {
      throw LogClientException.of(what, URI.create(prefix), e);
    }
    if (r.status() != 200) {
      throw LogClientException.status(what + " (" + prefix + path + ")", r);
    }
    return r.body();
  }

  @Override
  public String toString() {
    return "tlog-tiles at " + prefix;
  }
}
