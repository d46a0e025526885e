package dev.stele.client.protocol;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The search-index key formats (docs/protocol.md section 10), for both sides: what {@link
 * EntryKinds} files an entry under, and the keys an index lookup must try so that it finds it.
 *
 * <ul>
 *   <li>artifact hashes are stored as {@code <algorithm>:<hex>}, lower-cased, for sha1, sha256,
 *       sha384 and sha512 with exactly that algorithm's number of digits: the forms a lookup can
 *       ask for;
 *   <li>a public key or certificate is stored as the hex SHA-256 of its canonical PEM, bare by
 *       hashedrekord entries and prefixed {@code sha256:} by dsse entries;
 *   <li>identities (subject alternative names) as they are, lower-cased, up to {@value
 *       #MAX_KEY_LENGTH} characters.
 * </ul>
 *
 * <p>An entry is filed under at most {@value #MAX_PER_ENTRY} keys: each key is a row the log
 * keeps forever, and an in-toto statement may name any number of subjects.
 */
public final class IndexKeys {
  /** The most keys one entry is filed under; the first ones in {@link #bound}'s order are kept. */
  public static final int MAX_PER_ENTRY = 256;
  /** The longest key, in characters: longer identities are not indexed, nor searched for. */
  public static final int MAX_KEY_LENGTH = 512;
  /** The longest e-mail address (RFC 5321 section 4.5.3.1.3: a path is at most 256 octets). */
  static final int MAX_EMAIL_LENGTH = 254;

  private IndexKeys() {}

  /**
   * The index key for a searched hash: {@code <algorithm>:<hex>} is lower-cased; bare hex gets
   * its prefix from its length (40 sha1, 64 sha256, 96 sha384, 128 sha512).
   *
   * @throws FormatException if the text is neither form
   */
  public static String forHash(String hash) throws FormatException {
    String lower = hash.toLowerCase(Locale.ROOT);
    int colon = lower.indexOf(':');
    String algorithm;
    String hex;
    if (colon >= 0) {
      algorithm = lower.substring(0, colon);
      hex = lower.substring(colon + 1);
      int want = digestHexLength(algorithm);
      if (want < 0) {
        throw new FormatException("unsupported hash algorithm '" + JsonFields.shorten(algorithm)
            + "'; supported: sha1, sha256, sha384, sha512");
      }
      if (hex.length() != want) {
        throw new FormatException("a " + algorithm + " hash is " + want + " hex digits, got " + hex.length());
      }
    } else {
      hex = lower;
      switch (hex.length()) {
        case 40:
          algorithm = "sha1";
          break;
        case 64:
          algorithm = "sha256";
          break;
        case 96:
          algorithm = "sha384";
          break;
        case 128:
          algorithm = "sha512";
          break;
        default:
          throw new FormatException("a bare hash must be 40, 64, 96 or 128 hex digits, got " + hex.length());
      }
    }
    Encodings.hex("hash", hex);
    return algorithm + ":" + hex;
  }

  /** The keys under which entries naming {@code key} are stored: bare (hashedrekord) and {@code sha256:} (dsse). */
  public static List<String> forPublicKey(KeyMaterial key) {
    String hex = key.canonicalPemHash().hex();
    return List.of(hex, "sha256:" + hex);
  }

  /**
   * The index key for a searched e-mail address: lower-cased, as certificates' addresses are
   * filed.
   *
   * @throws FormatException unless it looks like {@code name@example.com}: one {@code @} with
   *     something on both sides, a domain of dot-separated labels, no white space or control
   *     characters, at most {@value #MAX_EMAIL_LENGTH} characters
   */
  public static String forEmail(String email) throws FormatException {
    if (email.length() > MAX_EMAIL_LENGTH) {
      throw new FormatException("email is " + email.length() + " characters; an address has at most "
          + MAX_EMAIL_LENGTH);
    }
    int at = email.lastIndexOf('@');
    if (at <= 0 || at == email.length() - 1 || email.indexOf('@') != at) {
      throw new FormatException("email must be one address like name@example.com");
    }
    for (int i = 0; i < email.length(); i++) {
      char c = email.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new FormatException("email must not contain white space or control characters, found "
            + Encodings.printable(c) + " at position " + i);
      }
    }
    String domain = email.substring(at + 1);
    if (domain.startsWith(".") || domain.endsWith(".") || domain.contains("..")) {
      throw new FormatException("the domain of email must be dot-separated names, like example.com");
    }
    return email.toLowerCase(Locale.ROOT);
  }

  /**
   * The index key for a searched subject (a URI, DNS name or other identity of a certificate):
   * lower-cased.
   *
   * @throws FormatException if it is longer than {@value #MAX_KEY_LENGTH} characters or holds
   *     control characters: no entry is filed under such a key
   */
  public static String forSubject(String subject) throws FormatException {
    if (subject.length() > MAX_KEY_LENGTH) {
      throw new FormatException("subject is " + subject.length() + " characters; this log indexes"
          + " subjects of at most " + MAX_KEY_LENGTH);
    }
    int bad = firstControl(subject);
    if (bad >= 0) {
      throw new FormatException("subject must not contain control characters, found "
          + Encodings.printable(subject.charAt(bad)) + " at position " + bad);
    }
    return subject.toLowerCase(Locale.ROOT);
  }

  /**
   * The key of an artifact digest named inside an entry (an in-toto subject or material), or
   * empty if a lookup could never ask for it: an algorithm other than sha1, sha256, sha384 and
   * sha512, or a value that is not hex of exactly that algorithm's length.
   */
  static Optional<String> digestKey(String algorithm, String value) {
    String alg = algorithm.toLowerCase(Locale.ROOT);
    int want = digestHexLength(alg);
    if (want < 0 || value.length() != want) {
      return Optional.empty();
    }
    try {
      Encodings.hex("digest", value);
    } catch (FormatException e) {
      return Optional.empty();
    }
    return Optional.of(alg + ":" + value.toLowerCase(Locale.ROOT));
  }

  /**
   * The keys an entry is filed under, from its candidate keys in order: without duplicates,
   * without empty ones, ones longer than {@value #MAX_KEY_LENGTH} characters or holding control
   * characters, and at most the first {@value #MAX_PER_ENTRY}.
   */
  static List<String> bound(Collection<String> candidates) {
    Set<String> out = new LinkedHashSet<>();
    for (String k : candidates) {
      if (out.size() == MAX_PER_ENTRY) {
        break;
      }
      if (!k.isEmpty() && k.length() <= MAX_KEY_LENGTH && firstControl(k) < 0) {
        out.add(k);
      }
    }
    return new ArrayList<>(out);
  }

  private static int firstControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static int digestHexLength(String algorithm) {
    switch (algorithm) {
      case "sha1":
        return 40;
      case "sha256":
        return 64;
      case "sha384":
        return 96;
      case "sha512":
        return 128;
      default:
        return -1;
    }
  }
}
