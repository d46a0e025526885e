package dev.stele.client.oci;

/**
 * The platform of one manifest in an index: {@code os}, {@code architecture} and an optional
 * {@code variant} (e.g. {@code v8} for arm64). A {@code null} variant matches any variant.
 */
public record Platform(String os, String architecture, String variant) {
  public Platform {
    if (os == null || os.isEmpty() || architecture == null || architecture.isEmpty()) {
      throw new IllegalArgumentException("a platform needs an os and an architecture");
    }
  }

  public static Platform of(String os, String architecture) {
    return new Platform(os, architecture, null);
  }

  /** Parses {@code os/architecture[/variant]}, e.g. {@code linux/amd64} or {@code linux/arm64/v8}. */
  public static Platform parse(String text) throws OciException {
    String[] parts = text == null ? new String[0] : text.split("/", -1);
    if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()
        || (parts.length == 3 && parts[2].isEmpty())) {
      throw new OciException("platform \"" + text + "\" is not os/architecture[/variant], e.g. linux/amd64");
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  boolean matches(String otherOs, String otherArchitecture, String otherVariant) {
    return os.equals(otherOs) && architecture.equals(otherArchitecture)
        && (variant == null || variant.equals(otherVariant));
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant != null ? "/" + variant : "");
  }
}
