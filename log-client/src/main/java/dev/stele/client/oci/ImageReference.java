package dev.stele.client.oci;

import java.util.regex.Pattern;

/**
 * A reference to an image: repository plus a tag, a digest, or both. When both are given the
 * digest decides which manifest is meant (the tag is informational only), as with every
 * registry client.
 *
 * <p>Accepted forms: {@code host[:port]/path[:tag]}, {@code host[:port]/path@sha256:<hex>} and
 * {@code host[:port]/path:tag@sha256:<hex>}. The registry host is required: the first path
 * component is taken as a host only when it contains a '.' or a ':', is {@code localhost}, or is
 * a bracketed IPv6 address. With neither tag nor digest the tag is {@code latest}.
 */
public record ImageReference(Repository repository, String tag, Digest digest) {
  public static final String DEFAULT_TAG = "latest";

  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

  public ImageReference {
    if (repository == null) {
      throw new IllegalArgumentException("repository is required");
    }
    if (tag == null && digest == null) {
      throw new IllegalArgumentException("an image reference needs a tag or a digest");
    }
    if (tag != null && !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException("invalid tag \"" + tag + "\"");
    }
  }

  public static ImageReference of(Repository repository, String tag) throws OciException {
    checkTag(tag);
    return new ImageReference(repository, tag, null);
  }

  public static ImageReference of(Repository repository, Digest digest) {
    return new ImageReference(repository, null, digest);
  }

  /** Parses a reference given by a person or a file; every problem is reported by name. */
  public static ImageReference parse(String text) throws OciException {
    if (text == null || text.isBlank()) {
      throw new OciException("empty image reference");
    }
    if (!text.equals(text.strip())) {
      throw new OciException("image reference \"" + text + "\" has leading or trailing white space");
    }
    String rest = text;
    Digest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      if (rest.indexOf('@', at + 1) >= 0) {
        throw new OciException("image reference \"" + text + "\" has more than one '@'");
      }
      try {
        digest = Digest.parse(rest.substring(at + 1));
      } catch (OciException e) {
        throw new OciException("image reference \"" + text + "\": " + e.getMessage(), e);
      }
      rest = rest.substring(0, at);
    }
    int slash = rest.indexOf('/');
    if (slash < 0) {
      throw new OciException("image reference \"" + text + "\" has no registry host; write it as host[:port]/repository[:tag],"
          + " e.g. registry.example.com/team/app:1.0 or 127.0.0.1:5000/app:1.0");
    }
    String registry = rest.substring(0, slash);
    if (!looksLikeHost(registry)) {
      throw new OciException("image reference \"" + text + "\" does not start with a registry host (\"" + registry
          + "\" has no '.' or ':' and is not localhost); write it as host[:port]/repository[:tag]");
    }
    String path = rest.substring(slash + 1);
    String tag = null;
    int colon = path.lastIndexOf(':');
    if (colon >= 0) {
      tag = path.substring(colon + 1);
      path = path.substring(0, colon);
      checkTag(tag);
    }
    Repository.checkRegistry(registry);
    Repository.checkName(registry, path);
    if (tag == null && digest == null) {
      tag = DEFAULT_TAG;
    }
    return new ImageReference(new Repository(registry, path), tag, digest);
  }

  /** What goes into {@code /v2/<name>/manifests/<reference>}: the digest if known, else the tag. */
  public String manifestReference() {
    return digest != null ? digest.toString() : tag;
  }

  /** The same image pinned to a digest (the tag is kept for display). */
  public ImageReference withDigest(Digest pinned) {
    return new ImageReference(repository, tag, pinned);
  }

  @Override
  public String toString() {
    return repository + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
  }

  private static boolean looksLikeHost(String first) {
    return first.contains(".") || first.contains(":") || first.equals("localhost") || first.startsWith("[");
  }

  private static void checkTag(String tag) throws OciException {
    if (tag == null || !TAG.matcher(tag).matches()) {
      throw new OciException("invalid tag \"" + tag + "\": a tag is 1 to 128 characters of letters, digits, '_', '.', '-',"
          + " not starting with '.' or '-'");
    }
  }
}
