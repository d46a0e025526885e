package dev.stele.client.http;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where credentials may go: the one rule every client in this project applies before it sends a
 * token, a password or a bearer token it holds.
 *
 * <p>Credentials travel over HTTPS, or over plain HTTP only to a loopback address written as an
 * IP literal ({@code 127.0.0.1}, any of {@code 127.0.0.0/8}, {@code [::1]}). A host <em>name</em>
 * never counts as loopback, not even {@code localhost}: a name is resolved by whatever the
 * machine's resolver says, and a prefix test on the text ({@code "127."}) would also accept
 * {@code 127.attacker.example}.
 */
public final class Origins {
  /** Four decimal octets, nothing else: the only IPv4 form treated as a literal here. */
  private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}");
  /** Hex groups, colons and an optional embedded IPv4 tail; no zone. */
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");

  private Origins() {}

  /**
   * True if {@code host} (as in a URI, IPv6 in brackets or not) is an IP literal of a loopback
   * address. Never resolves a name: {@link InetAddress#getByName} is called only on text that
   * is already an address literal, for which it does no lookup.
   */
  public static boolean isLoopbackIpLiteral(String host) {
    if (host == null || host.isEmpty()) {
      return false;
    }
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (!IPV4.matcher(h).matches() && !IPV6.matcher(h).matches()) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException | SecurityException e) {
      return false; // not a well-formed literal after all
    }
  }

  /** True if credentials may be sent to {@code uri}: HTTPS, or HTTP to a loopback IP literal. */
  public static boolean mayCarryCredentials(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return scheme.equals("https") || scheme.equals("http") && isLoopbackIpLiteral(uri.getHost());
  }

  /** Same scheme, host (without case) and port (the scheme's default when absent). */
  public static boolean sameOrigin(URI a, URI b) {
    return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  static int port(URI u) {
    if (u.getPort() != -1) {
      return u.getPort();
    }
    return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }
}
