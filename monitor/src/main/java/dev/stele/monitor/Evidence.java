package dev.stele.monitor;

import dev.stele.client.protocol.Encodings;
import dev.stele.merkle.Hash;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an alarm rests on, kept exactly as the log served it: the checkpoint the monitor had
 * verified, the one that contradicts it, and the proof (or tile) involved. Written to a file and
 * sent to the webhook; anyone can re-check it with the log's public key.
 *
 * @param log the log's URL
 * @param verifiedCheckpoint the signed note the monitor had verified before (null if none)
 * @param offendingSource the URL (or file) the offending material came from
 * @param offendingCheckpoint the offending signed note as served (null if there is none)
 * @param offendingResponse the whole response body that carried it, as text, when it is UTF-8
 * @param offendingResponseBase64 the same body in base64, when it is not UTF-8
 * @param proof the consistency proof involved, if any
 * @param details further facts, e.g. a tile path and the hashes that differ
 */
public record Evidence(
    String log,
    String verifiedCheckpoint,
    String offendingSource,
    String offendingCheckpoint,
    String offendingResponse,
    String offendingResponseBase64,
    Proof proof,
    Map<String, String> details) {

  public Evidence {
    details = details == null ? Map.of() : new TreeMap<>(details);
  }

  /**
   * A consistency proof as requested and answered.
   *
   * @param request the URL asked (or a description, for proofs computed from tiles)
   * @param firstSize the verified tree size
   * @param lastSize the new tree size
   * @param hashes the proof hashes, hex
   * @param response the raw response body, when the log sent one
   */
  public record Proof(String request, long firstSize, long lastSize, List<String> hashes, String response) {
    public Proof {
      hashes = List.copyOf(hashes);
    }

    static Proof of(String request, long firstSize, long lastSize, List<Hash> hashes, byte[] response) {
      List<String> hex = new ArrayList<>(hashes.size());
      hashes.forEach(h -> hex.add(h.hex()));
      return new Proof(request, firstSize, lastSize, hex, response == null ? null : text(response));
    }
  }

  /** Evidence of one offending response; the body is kept as text, or base64 if it is not UTF-8. */
  static Evidence of(String log, String verified, String source, String offendingNote, byte[] body,
      Proof proof, Map<String, String> details) {
    String text = body == null ? null : text(body);
    String b64 = body != null && text == null ? Encodings.base64(body) : null;
    return new Evidence(log, verified, source, offendingNote, text, b64, proof, details);
  }

  /** The bytes as UTF-8 text, or null if they are not valid UTF-8. */
  static String text(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
