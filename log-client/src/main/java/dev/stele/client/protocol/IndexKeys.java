package dev.stele.client.protocol;

import java.util.List;
import java.util.Locale;

/**
 * The search-index key formats (docs/protocol.md 2.4, 3.1, 3.2), for the query side: the keys an
 * index lookup must try so that it finds what {@link EntryKinds} stored.
 *
 * <ul>
 *   <li>artifact hashes are stored as {@code <algorithm>:<hex>}, lower-cased;
 *   <li>a public key or certificate is stored as the hex SHA-256 of its canonical PEM, bare by
 *       hashedrekord entries and prefixed {@code sha256:} by dsse entries.
 * </ul>
 */
public final class IndexKeys {
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
