package dev.stele.client.protocol;

import dev.stele.merkle.Hash;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The body of a c2sp.org/tlog-witness {@code add-checkpoint} request, and the two answers a log
 * reads from a witness; one home for both sides (the log asks, the monitor's witness answers).
 *
 * <pre>
 * old &lt;size the witness last cosigned, decimal, no leading zeros&gt;\n
 * &lt;consistency proof hash, base64&gt;\n      (0 to 63 lines)
 * \n
 * &lt;the checkpoint: a signed note&gt;
 * </pre>
 *
 * <p>A 200 answer is one or more signature lines (the witness's cosignatures over the checkpoint);
 * a 409 answer is the witness's size, decimal, and a newline, with content type {@value
 * #SIZE_CONTENT_TYPE}.
 *
 * @param oldSize the tree size the client believes the witness cosigned last (0: never)
 * @param proof the RFC 6962 consistency proof from {@code oldSize} to the checkpoint's size
 * @param checkpoint the checkpoint, with the log's signature lines (and any others)
 */
public record AddCheckpoint(long oldSize, List<Hash> proof, SignedNote checkpoint) {
  /** The most proof lines a request may carry (a proof in a tree of 2^63 leaves is shorter). */
  public static final int MAX_PROOF_LINES = 63;
  /** The content type of a 409 answer. */
  public static final String SIZE_CONTENT_TYPE = "text/x.tlog.size";

  public AddCheckpoint {
    if (oldSize < 0) {
      throw new IllegalArgumentException("old size " + oldSize + " is negative");
    }
    proof = List.copyOf(proof);
    if (proof.size() > MAX_PROOF_LINES) {
      throw new IllegalArgumentException("a proof of " + proof.size() + " hashes; at most " + MAX_PROOF_LINES);
    }
    Objects.requireNonNull(checkpoint, "checkpoint");
  }

  /** The request body. */
  public byte[] encode() {
    StringBuilder sb = new StringBuilder(64 + 45 * proof.size());
    sb.append("old ").append(oldSize).append('\n');
    for (Hash h : proof) {
      sb.append(h.base64()).append('\n');
    }
    sb.append('\n').append(checkpoint.format());
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Parses a request body.
   *
   * @throws FormatException naming what is malformed (a witness answers 400)
   */
  public static AddCheckpoint parse(byte[] body) throws FormatException {
    int end = indexOf(body, (byte) '\n', (byte) '\n');
    if (end < 0) {
      throw new FormatException("add-checkpoint: no empty line between the old size and proof lines and the"
          + " checkpoint");
    }
    String head = new String(body, 0, end, StandardCharsets.US_ASCII);
    for (int i = 0; i < end; i++) {
      if (body[i] < 0x20 && body[i] != '\n' || body[i] >= 0x7f || body[i] < 0) {
        throw new FormatException("add-checkpoint: a byte other than printable ASCII before the checkpoint");
      }
    }
    String[] lines = head.split("\n", -1);
    if (!lines[0].startsWith("old ")) {
      throw new FormatException("add-checkpoint: the first line must be 'old <size>', got '" + clip(lines[0]) + "'");
    }
    long old = decimal("the old size", lines[0].substring(4));
    if (lines.length - 1 > MAX_PROOF_LINES) {
      throw new FormatException("add-checkpoint: " + (lines.length - 1) + " proof lines; at most "
          + MAX_PROOF_LINES + " are allowed");
    }
    List<Hash> proof = new ArrayList<>(lines.length - 1);
    for (int i = 1; i < lines.length; i++) {
      try {
        proof.add(Hash.of(Encodings.base64("proof line " + i, lines[i], Hash.SIZE)));
      } catch (FormatException e) {
        throw new FormatException("add-checkpoint: " + e.getMessage(), e);
      }
    }
    SignedNote note;
    try {
      note = SignedNote.parse(Arrays.copyOfRange(body, end + 2, body.length));
    } catch (FormatException e) {
      throw new FormatException("add-checkpoint: the checkpoint: " + e.getMessage(), e);
    }
    return new AddCheckpoint(old, proof, note);
  }

  /**
   * The cosignatures in a 200 answer: one or more signature lines, parsed as the signature block
   * of the checkpoint's note (c2sp.org/tlog-witness suggests exactly that).
   *
   * @throws FormatException if the answer is not signature lines
   */
  public List<NoteSignature> cosignatures(byte[] answer) throws FormatException {
    if (answer.length == 0) {
      throw new FormatException("the witness answered no signature lines");
    }
    String lines = new String(answer, StandardCharsets.UTF_8);
    try {
      return SignedNote.parse(checkpoint.text() + "\n" + lines).signatures();
    } catch (FormatException e) {
      throw new FormatException("the witness's answer is not signature lines: " + e.getMessage(), e);
    }
  }

  /** The body of a 409 answer: the witness's size and a newline. */
  public static byte[] encodeSize(long size) {
    return (size + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The witness's size in a 409 answer.
   *
   * @throws FormatException unless the body is a decimal size and a newline
   */
  public static long parseSize(byte[] answer) throws FormatException {
    String s = new String(answer, StandardCharsets.US_ASCII);
    if (!s.endsWith("\n")) {
      throw new FormatException("the witness's size does not end with a newline");
    }
    return decimal("the witness's size", s.substring(0, s.length() - 1));
  }

  private static long decimal(String what, String s) throws FormatException {
    if (!s.matches("0|[1-9][0-9]{0,18}")) {
      throw new FormatException("add-checkpoint: " + what + " must be decimal without leading zeros, got '"
          + clip(s) + "'");
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new FormatException("add-checkpoint: " + what + " " + s + " is larger than " + Long.MAX_VALUE);
    }
  }

  private static int indexOf(byte[] b, byte x, byte y) {
    for (int i = 0; i + 1 < b.length; i++) {
      if (b[i] == x && b[i + 1] == y) {
        return i;
      }
    }
    return -1;
  }

  private static String clip(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
