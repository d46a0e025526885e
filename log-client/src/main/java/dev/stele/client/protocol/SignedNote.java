package dev.stele.client.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A C2SP signed note: a UTF-8 text ending in a newline, a blank line, and one or more signature
 * lines {@code "— <name> " + base64(keyId ‖ signature) + "\n"} (c2sp.org/signed-note; a
 * checkpoint is a note whose text is a {@link Checkpoint}).
 *
 * <p>Parsing follows the C2SP and golang.org/x/mod rules: the whole note is valid UTF-8 without
 * control characters other than {@code \n}; the text is everything up to and including the
 * first newline of the <em>last</em> {@code "\n\n"}; the signature block is non-empty, every
 * line in it is a signature line, and it ends with a newline; at most {@value #MAX_SIGNATURES}
 * signatures. (sigstore-js splits at the first blank line instead, which is why checkpoint
 * texts never contain one; see {@link Checkpoint}.)
 *
 * <p>Immutable and thread-safe.
 */
public final class SignedNote {
  /** The most signature lines a note may carry (x/mod's bound; C2SP asks for at least 16). */
  public static final int MAX_SIGNATURES = 100;

  static final String SIGNATURE_PREFIX = "\u2014 ";

  private final String text;
  private final byte[] textBytes;
  private final List<NoteSignature> signatures;

  /**
   * @param text the note text: non-empty, ends with a newline, no control characters other
   *     than newline
   * @param signatures one or more signature lines, in the order they are written
   */
  public SignedNote(String text, List<NoteSignature> signatures) {
    checkText(text);
    if (signatures.isEmpty() || signatures.size() > MAX_SIGNATURES) {
      throw new IllegalArgumentException(
          "a note has 1 to " + MAX_SIGNATURES + " signatures, got " + signatures.size());
    }
    this.text = text;
    this.textBytes = text.getBytes(StandardCharsets.UTF_8);
    this.signatures = List.copyOf(signatures);
  }

  /** The signed text, including its final newline. */
  public String text() {
    return text;
  }

  /** The signed bytes: the UTF-8 encoding of {@link #text()}. */
  public byte[] textBytes() {
    return textBytes.clone();
  }

  /** The signature lines, in note order. */
  public List<NoteSignature> signatures() {
    return signatures;
  }

  /** The whole note: text, blank line, signature lines. */
  public String format() {
    StringBuilder sb = new StringBuilder(text.length() + 1 + 128 * signatures.size());
    sb.append(text).append('\n');
    for (NoteSignature s : signatures) {
      sb.append(s.line());
    }
    return sb.toString();
  }

  /**
   * Signs {@code text} with each signer, in order (a log's own signature comes first: sigstore-java
   * checks only the first line with a matching name).
   *
   * @throws IllegalArgumentException if the text is not a valid note text or no signer is given
   * @throws GeneralSecurityException if a signer fails
   */
  public static SignedNote sign(String text, List<NoteSigner> signers) throws GeneralSecurityException {
    if (signers.isEmpty()) {
      throw new IllegalArgumentException("a note needs at least one signer");
    }
    checkText(text);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    List<NoteSignature> sigs = new ArrayList<>(signers.size());
    for (NoteSigner signer : signers) {
      sigs.add(signer.sign(bytes));
    }
    return new SignedNote(text, sigs);
  }

  /**
   * Parses a note from its bytes.
   *
   * @throws FormatException naming the problem, if the bytes are not a signed note
   */
  public static SignedNote parse(byte[] note) throws FormatException {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(note);
    CharBuffer out = CharBuffer.allocate(note.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      throw new FormatException("malformed note: invalid UTF-8 at byte offset " + in.position());
    }
    decoder.flush(out);
    return parse(out.flip().toString());
  }

  /**
   * Parses a note.
   *
   * @throws FormatException naming the problem, if the text is not a signed note
   */
  public static SignedNote parse(String note) throws FormatException {
    checkCharacters(note);
    int split = note.lastIndexOf("\n\n");
    if (split < 0) {
      throw new FormatException(
          "malformed note: no blank line separates the text from the signature lines");
    }
    String text = note.substring(0, split + 1);
    String block = note.substring(split + 2);
    if (block.isEmpty()) {
      throw new FormatException("malformed note: no signature lines after the blank line");
    }
    if (!block.endsWith("\n")) {
      throw new FormatException("malformed note: the last signature line does not end with a newline");
    }
    String[] lines = block.substring(0, block.length() - 1).split("\n", -1);
    if (lines.length > MAX_SIGNATURES) {
      throw new FormatException("malformed note: " + lines.length + " signature lines, at most "
          + MAX_SIGNATURES + " are allowed");
    }
    List<NoteSignature> sigs = new ArrayList<>(lines.length);
    for (int i = 0; i < lines.length; i++) {
      sigs.add(parseSignatureLine(lines[i], i + 1));
    }
    return new SignedNote(text, sigs);
  }

  private static NoteSignature parseSignatureLine(String line, int number) throws FormatException {
    String where = "malformed note: signature line " + number;
    if (!line.startsWith(SIGNATURE_PREFIX)) {
      throw new FormatException(where + " does not start with '\u2014 ' (U+2014 and a space)");
    }
    String rest = line.substring(SIGNATURE_PREFIX.length());
    int space = rest.indexOf(' ');
    if (space < 0) {
      throw new FormatException(where + " has no space between the key name and the signature");
    }
    String name = rest.substring(0, space);
    String b64 = rest.substring(space + 1);
    if (!isValidName(name)) {
      throw new FormatException(where + " has an invalid key name '" + name
          + "' (must be non-empty, without spaces or '+')");
    }
    byte[] blob;
    try {
      blob = Encodings.base64("the signature", b64);
    } catch (FormatException e) {
      throw new FormatException(where + " (key '" + name + "'): " + e.getMessage());
    }
    if (blob.length < 5) {
      throw new FormatException(where + " (key '" + name + "'): the signature is " + blob.length
          + " bytes; it needs a 4-byte key ID and at least one signature byte");
    }
    int keyId = (blob[0] & 0xff) << 24 | (blob[1] & 0xff) << 16 | (blob[2] & 0xff) << 8 | (blob[3] & 0xff);
    return new NoteSignature(name, keyId, java.util.Arrays.copyOfRange(blob, 4, blob.length));
  }

  /**
   * Verifies the note against trusted keys, with the C2SP rules: signatures from keys that are
   * not trusted (no verifier with the same name and key ID) are ignored; a signature from a
   * trusted key that does not verify is an error; at least one trusted signature must verify.
   * Repeated signatures by one key are checked once.
   *
   * @return the signatures that verified, in note order
   * @throws SignatureException if a trusted key's signature does not verify, if two trusted
   *     keys share a name and key ID (ambiguous), or if no trusted signature is present
   */
  public List<NoteSignature> verify(Collection<NoteVerifier> trusted) throws SignatureException {
    List<NoteSignature> verified = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<String> untrusted = new ArrayList<>();
    for (NoteSignature sig : signatures) {
      NoteVerifier match = null;
      for (NoteVerifier v : trusted) {
        if (v.keyId() == sig.keyId() && v.name().equals(sig.name())) {
          if (match != null) {
            throw new SignatureException("ambiguous key " + sig.keyName()
                + ": more than one trusted key has this name and key ID");
          }
          match = v;
        }
      }
      if (match == null) {
        untrusted.add(sig.keyName());
        continue;
      }
      if (!seen.add(sig.keyName())) {
        continue;
      }
      try {
        match.verifier().verify(sig.signatureNoCopy(), textBytes);
      } catch (GeneralSecurityException e) {
        throw new SignatureException(
            "invalid signature for key " + sig.keyName() + ": " + e.getMessage(), e);
      }
      verified.add(sig);
    }
    if (verified.isEmpty()) {
      List<String> names = new ArrayList<>();
      for (NoteVerifier v : trusted) {
        names.add(v.keyName());
      }
      throw new SignatureException("note has no verifiable signatures: signed by "
          + untrusted + ", trusted keys are " + names);
    }
    return List.copyOf(verified);
  }

  /** C2SP key names: non-empty, no Unicode whitespace, no {@code '+'}. */
  static boolean isValidName(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '+' || Character.isWhitespace(c) || Character.isSpaceChar(c) || c < 0x20) {
        return false;
      }
    }
    return true;
  }

  private static void checkText(String text) {
    try {
      checkCharacters(text);
    } catch (FormatException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException("a note text must end with a newline");
    }
  }

  private static void checkCharacters(String s) throws FormatException {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 && c != '\n') {
        throw new FormatException(String.format(
            "malformed note: control character U+%04X at character offset %d", (int) c, i));
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          throw new FormatException("malformed note: unpaired surrogate at character offset " + i);
        }
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignedNote && text.equals(((SignedNote) o).text)
        && signatures.equals(((SignedNote) o).signatures);
  }

  @Override
  public int hashCode() {
    return text.hashCode() * 31 + signatures.hashCode();
  }

  @Override
  public String toString() {
    return format();
  }
}
