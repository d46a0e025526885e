package dev.stele.client.witness;

import dev.stele.client.http.HttpException;
import dev.stele.client.http.HttpTransport;
import dev.stele.client.protocol.AddCheckpoint;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.NoteSignature;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Asks one witness to cosign checkpoints: {@code POST <submission prefix>/add-checkpoint}
 * (c2sp.org/tlog-witness). The answer is returned as the witness gave it, read: the cosignature
 * lines of a 200, the witness's size of a 409; what to do next is the caller's.
 *
 * <p>Repeating a request is harmless (a witness that already cosigned answers 409 with the new
 * size, and cosigns again when asked with that size), so the transport may retry it after a
 * network error or a 5xx. Thread-safe.
 */
public final class WitnessClient {
  /** A 200 answer holds a few signature lines; more than this is not a witness. */
  private static final int MAX_ANSWER_BYTES = 64 * 1024;

  private final URI endpoint;
  private final HttpTransport http;
  private final String name;

  /**
   * @param submissionPrefix the witness's submission prefix, e.g. {@code https://witness.example/w1}
   * @param name what to call the witness in messages (its policy name)
   */
  public WitnessClient(URI submissionPrefix, String name, HttpTransport http) {
    String p = submissionPrefix.toString();
    this.endpoint = URI.create((p.endsWith("/") ? p.substring(0, p.length() - 1) : p) + "/add-checkpoint");
    this.name = Objects.requireNonNull(name, "name");
    this.http = Objects.requireNonNull(http, "http");
  }

  /**
   * What a witness answered.
   *
   * @param status the HTTP status
   * @param cosignatures the signature lines of a 200 (empty otherwise)
   * @param witnessSize the size the witness holds, from a 409 with a well-formed body
   * @param message the body of any other answer, as text, cut short
   */
  public record Answer(int status, List<NoteSignature> cosignatures, OptionalLong witnessSize, String message) {
    public Answer {
      cosignatures = List.copyOf(cosignatures);
    }
  }

  /**
   * Sends {@code request}.
   *
   * @throws IOException if no answer came (an {@link HttpException}), or a 200 or 409 answer is
   *     malformed
   */
  public Answer addCheckpoint(AddCheckpoint request) throws IOException {
    HttpTransport.Response r = http.send(HttpTransport.Request.post(endpoint, "text/plain; charset=utf-8",
            request.encode()).retrySafe().maxBytes(MAX_ANSWER_BYTES)
        .describedAs("POST add-checkpoint to witness " + name));
    byte[] body = r.body();
    if (r.status() == 200) {
      try {
        return new Answer(200, request.cosignatures(body), OptionalLong.empty(), "");
      } catch (FormatException e) {
        throw new IOException("witness " + name + " answered 200 with " + e.getMessage(), e);
      }
    }
    if (r.status() == 409) {
      String type = r.header("Content-Type").orElse("");
      try {
        if (!type.startsWith(AddCheckpoint.SIZE_CONTENT_TYPE)) {
          throw new FormatException("content type '" + type + "', not " + AddCheckpoint.SIZE_CONTENT_TYPE);
        }
        return new Answer(409, List.of(), OptionalLong.of(AddCheckpoint.parseSize(body)), "");
      } catch (FormatException e) {
        throw new IOException("witness " + name + " answered 409 without its size: " + e.getMessage(), e);
      }
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    return new Answer(r.status(), List.of(), OptionalLong.empty(), text.length() > 200 ? text.substring(0, 200) + "..." : text);
  }

  @Override
  public String toString() {
    return "WitnessClient[" + name + ", " + endpoint + "]";
  }
}
