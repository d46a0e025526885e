package dev.stele.client.oci;

import dev.stele.client.http.Origins;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A repository in a registry: {@code registry} is {@code host[:port]} (an IPv6 host in
 * brackets), {@code name} the path inside it, e.g. {@code demo/hello}. {@link #toString()}
 * gives {@code registry/name}, which is also the {@code docker-reference} of a simple-signing
 * payload.
 */
public record Repository(String registry, String name) {
  /** One path component of a repository name (distribution's reference grammar). */
  private static final Pattern COMPONENT =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern HOST_LABEL =
      Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?");
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]+(?:%[A-Za-z0-9]+)?]");
  private static final int MAX_LENGTH = 255;

  public Repository {
    try {
      checkRegistry(registry);
      checkName(registry, name);
    } catch (OciException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Validating factory for values that come from outside (arguments, files, the network). */
  public static Repository of(String registry, String name) throws OciException {
    checkRegistry(registry);
    checkName(registry, name);
    return new Repository(registry, name);
  }

  /** The host without the port (brackets kept for IPv6), lower case. */
  public String host() {
    int close = registry.lastIndexOf(']');
    int colon = registry.lastIndexOf(':');
    String host = colon > close ? registry.substring(0, colon) : registry;
    return host.toLowerCase(Locale.ROOT);
  }

  /**
   * True for {@code localhost} and loopback IP literals ({@code 127.0.0.0/8}, {@code [::1]}):
   * plain HTTP is the default there. Whether credentials may go along is decided apart, by
   * {@link Origins}: to a name, {@code localhost} included, only over HTTPS.
   */
  public boolean isLoopback() {
    String host = host();
    return host.equals("localhost") || Origins.isLoopbackIpLiteral(host);
  }

  @Override
  public String toString() {
    return registry + "/" + name;
  }

  static void checkRegistry(String registry) throws OciException {
    if (registry == null || registry.isEmpty()) {
      throw new OciException("missing registry host (expected host[:port], e.g. registry.example.com or 127.0.0.1:5000)");
    }
    String host = registry;
    String port = null;
    if (registry.startsWith("[")) {
      int close = registry.indexOf(']');
      if (close < 0) {
        throw new OciException("registry \"" + registry + "\" opens an IPv6 bracket but never closes it");
      }
      host = registry.substring(0, close + 1);
      if (close + 1 < registry.length()) {
        if (registry.charAt(close + 1) != ':') {
          throw new OciException("registry \"" + registry + "\": only :port may follow the IPv6 address");
        }
        port = registry.substring(close + 2);
      }
      if (!IPV6.matcher(host).matches()) {
        throw new OciException("registry \"" + registry + "\" is not a valid bracketed IPv6 address");
      }
    } else {
      int colon = registry.indexOf(':');
      if (colon >= 0) {
        host = registry.substring(0, colon);
        port = registry.substring(colon + 1);
      }
      if (host.isEmpty()) {
        throw new OciException("registry \"" + registry + "\" has an empty host name");
      }
      for (String label : host.split("\\.", -1)) {
        if (!HOST_LABEL.matcher(label).matches()) {
          throw new OciException("registry \"" + registry + "\" is not a valid host name (bad label \"" + label + "\")");
        }
      }
    }
    if (port != null) {
      if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
        throw new OciException("registry \"" + registry + "\" has an invalid port \"" + port + "\" (expected 1 to 65535)");
      }
    }
  }

  static void checkName(String registry, String name) throws OciException {
    if (name == null || name.isEmpty()) {
      throw new OciException("missing repository name after registry \"" + registry + "\"");
    }
    if (registry.length() + 1 + name.length() > MAX_LENGTH) {
      throw new OciException("repository \"" + registry + "/" + name + "\" is longer than " + MAX_LENGTH + " characters");
    }
    for (String component : name.split("/", -1)) {
      if (!COMPONENT.matcher(component).matches()) {
        String why = component.isEmpty()
            ? "an empty path component (double or trailing slash)"
            : !component.equals(component.toLowerCase(Locale.ROOT))
                ? "upper-case letters in \"" + component + "\" (repository names are lower case)"
                : "an invalid path component \"" + component
                    + "\" (allowed: a-z, 0-9, separated by '.', '_', '__' or dashes)";
        throw new OciException("repository name \"" + name + "\" has " + why);
      }
    }
  }
}
