package dev.stele.client.oci;

import dev.stele.client.protocol.Encodings;
import java.nio.charset.StandardCharsets;

/**
 * A user name and password (or token) for a registry. Used for HTTP Basic authentication and
 * to authenticate to a bearer-token service. {@link #toString()} never shows the password.
 */
public record Credentials(String username, String password) {
  public Credentials {
    if (username == null || username.isEmpty() || username.indexOf(':') >= 0) {
      throw new IllegalArgumentException("a registry user name must be non-empty and contain no ':'");
    }
    if (password == null) {
      throw new IllegalArgumentException("password is required (may be empty)");
    }
  }

  /** The value of an {@code Authorization} header for HTTP Basic (RFC 7617). */
  String basicAuthorization() {
    return "Basic " + Encodings.base64((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "Credentials[username=" + username + ", password=***]";
  }
}
