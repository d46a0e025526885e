package dev.stele.admission.policy;

import java.util.regex.Pattern;

/**
 * A pattern over image names written {@code registry/repository}, after Kubernetes' normalization
 * ({@code nginx} is {@code docker.io/library/nginx}); tags and digests are not part of the name.
 *
 * <ul>
 *   <li>{@code *} matches any characters within one path component (not {@code /});
 *   <li>{@code **} matches any characters, {@code /} included (so {@code reg.example.com/team/**}
 *       covers every repository under {@code team/}, and {@code **} alone every image);
 *   <li>{@code ?} matches one character other than {@code /};
 *   <li>every other character matches itself.
 * </ul>
 *
 * <p>The whole name must match. Immutable.
 */
public final class ImageGlob {
  private final String text;
  private final Pattern pattern;

  private ImageGlob(String text, Pattern pattern) {
    this.text = text;
    this.pattern = pattern;
  }

  /**
   * Compiles a pattern.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static ImageGlob compile(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("an image pattern must not be empty");
    }
    if (!text.equals(text.strip())) {
      throw new IllegalArgumentException("the image pattern '" + text + "' has leading or trailing white space");
    }
    if (text.indexOf('@') >= 0) {
      throw new IllegalArgumentException("the image pattern '" + text + "' names a digest; patterns match"
          + " registry/repository only");
    }
    int slash = text.indexOf('/');
    String first = slash < 0 ? text : text.substring(0, slash);
    String rest = slash < 0 ? "" : text.substring(slash + 1);
    if (rest.indexOf(':') >= 0) {
      throw new IllegalArgumentException("the image pattern '" + text + "' names a tag; patterns match"
          + " registry/repository only (tags can move: the digest is what is verified)");
    }
    boolean glob = first.contains("*") || first.contains("?");
    boolean host = first.contains(".") || first.contains(":") || first.equals("localhost");
    if (!glob && (slash < 0 || !host)) {
      throw new IllegalArgumentException("the image pattern '" + text + "' does not start with a registry host;"
          + " images are matched after normalization, e.g. docker.io/library/nginx for 'nginx', or"
          + " registry.example.com/team/* ");
    }
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '*') {
        if (i + 1 < text.length() && text.charAt(i + 1) == '*') {
          re.append(".*");
          i++;
        } else {
          re.append("[^/]*");
        }
      } else if (c == '?') {
        re.append("[^/]");
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return new ImageGlob(text, Pattern.compile(re.toString()));
  }

  /** Whether {@code name} ({@code registry/repository}) matches the whole pattern. */
  public boolean matches(String name) {
    return pattern.matcher(name).matches();
  }

  @Override
  public String toString() {
    return text;
  }
}
