package dev.stele.server.rekor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stele.client.bundle.Bundle;
import dev.stele.client.protocol.CanonicalEntry;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.Inclusion;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.ProtocolJson;
import dev.stele.client.protocol.SignedNote;
import dev.stele.server.http.LogServices;
import dev.stele.server.log.Admission;
import dev.stele.server.log.TreeState;
import dev.stele.server.sequencer.Sequenced;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.Optional;

/**
 * The Rekor v2 API (docs/protocol.md 9.1) on the same tree as the v1 API: {@code POST
 * /api/v2/log/entries} and {@code GET /api/v2/checkpoint}; the tiles under {@code /api/v2/tile/}
 * are {@link dev.stele.server.tiles.TileRoutes}'.
 *
 * <p>An appended {@code hashedrekord} 0.0.2 entry goes through the same admission limits, the same
 * sequencer (dedupe, batch, one synced commit) and the same read side as a v1 entry; the answer
 * differs only in form: a protobuf JSON {@code TransparencyLogEntry} with the inclusion proof
 * against the batch's tree head, under the v2 checkpoint (origin = the bare host), integrated
 * time 0 and no SET (Rekor v2 clients take signed time from a timestamp authority). A duplicate
 * is 409, as in v1, with the {@code Location} of the v1 entry and {@code X-Log-Index}.
 */
public final class RekorV2Routes {
  private final LogServices log;

  public RekorV2Routes(LogServices log) {
    this.log = log;
  }

  public void create(RoutingContext ctx) {
    byte[] request = Replies.body(ctx);
    if (request == null) return;
    // With fail-closed witnessing the answer waits, as a v1 answer does, for a cosigned head that
    // covers the entry; the v2 note itself is the log's own signature of that head.
    Appends.append(ctx, log, "the Rekor v2 request", () -> Admission.canonicalizeV2(request, log.verifierCache()),
        (entry, s, head) -> created(entry, s), false);
  }

  private Appends.Created created(CanonicalEntry entry, Sequenced s) throws IOException {
    LoggedEntry v1 = log.reader().created(entry, s);
    Inclusion proof = v1.inclusion().orElseThrow();
    SignedNote note;
    try {
      note = SignedNote.parse(log.reader().checkpointV2(s.state()));
    } catch (FormatException e) {
      throw new IOException("the log's own v2 checkpoint does not parse: " + e.getMessage(), e);
    }
    // The v2 answer: no SET, integrated time 0 (docs/protocol.md 9.1), the v2 checkpoint.
    LoggedEntry v2 = new LoggedEntry(v1.id(), v1.body(), 0, v1.logId(), v1.logIndex(), Optional.empty(),
        Optional.of(new Inclusion(proof.proof(), proof.rootHash(), note)), Optional.empty());
    ObjectNode json = Bundle.entryJson(new Bundle.TlogEntry(v2, entry.kind(), entry.apiVersion()));
    // Protobuf JSON may leave zero values out; Rekor v2 writes these two, and so does this log.
    json.put("logIndex", Long.toString(v2.logIndex()));
    json.put("integratedTime", "0");
    ((ObjectNode) json.get("inclusionProof")).put("logIndex", Long.toString(v2.logIndex()));
    try {
      return new Appends.Created(v1.id().toString(), v1.logIndex(), Buffer.buffer(ProtocolJson.mapper().writeValueAsBytes(json)));
    } catch (JsonProcessingException e) {
      throw new IOException("encoding the answer failed", e);
    }
  }

  /** {@code GET /api/v2/checkpoint}: the newest tree head under the v2 origin. */
  public void checkpoint(RoutingContext ctx) {
    TreeState head = log.reader().head();
    log.readPool()
        .executeBlocking(() -> log.reader().checkpointV2(head), false)
        .onSuccess(note -> ctx.response()
            .putHeader("Content-Type", "text/plain; charset=utf-8")
            .putHeader("Cache-Control", "no-cache")
            .end(note))
        .onFailure(ctx::fail);
  }
}
