package dev.stele.client.track;

import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.SignedNote;
import dev.stele.merkle.proof.ConsistencyProof;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileFormatException;
import dev.stele.merkle.tiles.TileId;
import dev.stele.merkle.tiles.TileProofBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checkpoints and consistency proofs from a log's C2SP tlog-tiles face: {@code <prefix>/checkpoint}
 * and the hash tiles {@code <prefix>/tile/<L>/<N>[.p/<W>]}, from which the proof is computed here
 * (RFC 6962; merkle's {@link TileProofBuilder}). A log or cache that serves wrong tiles yields a
 * proof that does not verify, which the tracker reports as a fork.
 *
 * <p>One request per tile, each with a timeout; no retries (a monitor retries the whole update).
 */
final class TileCheckpointSource implements CheckpointSource {
  private static final int MAX_CHECKPOINT_BYTES = 64 * 1024;

  private final String prefix;
  private final HttpClient http;
  private final Duration timeout;

  TileCheckpointSource(URI prefix, Duration timeout) {
    String s = prefix.toString();
    this.prefix = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    this.timeout = timeout;
    // HTTP/1.1: see RekorClient (the JDK 17 client mishandles HTTP/2 GOAWAY).
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
  }

  @Override
  public SignedNote latestCheckpoint() throws IOException {
    byte[] body = get("/checkpoint", MAX_CHECKPOINT_BYTES);
    try {
      return SignedNote.parse(body);
    } catch (FormatException e) {
      throw new IOException(prefix + "/checkpoint is not a signed note: " + e.getMessage(), e);
    }
  }

  @Override
  public ConsistencyProof consistencyProof(long size1, long size2) throws IOException {
    return TileProofBuilder.consistency(ids -> {
      List<HashTile> out = new ArrayList<>(ids.size());
      for (TileId id : ids) {
        byte[] bytes = get("/" + id.path(), id.width() * 32);
        try {
          out.add(HashTile.decode(id, bytes));
        } catch (TileFormatException e) {
          throw new IOException(prefix + "/" + id.path() + ": " + e.getMessage(), e);
        }
      }
      return out;
    }, size1, size2);
  }

  private byte[] get(String path, int maxBytes) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(prefix + path)).timeout(timeout).GET().build();
    HttpResponse<InputStream> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + prefix + path, e);
    }
    try (InputStream in = r.body()) {
      byte[] body = in.readNBytes(maxBytes + 1);
      if (r.statusCode() != 200) {
        throw new IOException(prefix + path + " answered " + r.statusCode());
      }
      if (body.length > maxBytes) {
        throw new IOException(prefix + path + " is larger than " + maxBytes + " bytes");
      }
      return body;
    }
  }

  @Override
  public String toString() {
    return "tlog-tiles at " + prefix;
  }
}
