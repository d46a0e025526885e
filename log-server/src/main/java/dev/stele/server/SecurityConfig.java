package dev.stele.server;

import dev.stele.server.sign.LogKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How the log is exposed and keyed in production, resolved and checked; the command line is
 * {@link SecurityOptions}. Every part is off by default, and the server then runs as it always
 * has: plain HTTP, open to all, the operator's routes on the public listener.
 *
 * @param tlsCert the server certificate chain (PEM); with {@code tlsKey}, the listener speaks TLS
 *     (HTTP/2 and HTTP/1.1 through ALPN) and nothing else
 * @param tlsKey the certificate's private key (PEM, ECDSA or RSA)
 * @param clientCa CAs of client certificates (PEM): a certificate is requested, and one that
 *     chains to these may write in place of a token
 * @param writeTokens the token file writes need (names and SHA-256 hashes); with {@code
 *     clientCa}, writes need a token or a client certificate; with neither, anyone may write
 * @param readTokens a token file reads need too (write tokens and client certificates also
 *     read); absent, reads are public, as a transparency log's are
 * @param adminBind the address of the operator's listener ({@code /healthz}, {@code /readyz},
 *     {@code /metrics}, {@code POST /backup}); absent, those stay on the public listener
 * @param adminPort its port (0 picks a free one)
 * @param backupDir where {@code POST /backup} writes backups
 * @param keys where the log key is (a PKCS#11 token or a PEM file) and how to unlock it
 * @param reloadInterval how often the TLS and token files are checked for changes
 */
public record SecurityConfig(
    Optional<Path> tlsCert,
    Optional<Path> tlsKey,
    Optional<Path> clientCa,
    Optional<Path> writeTokens,
    Optional<Path> readTokens,
    Optional<String> adminBind,
    int adminPort,
    Optional<Path> backupDir,
    LogKeys.Source keys,
    Duration reloadInterval) {

  /** Nothing of the above: the server as it runs by default. */
  public static final SecurityConfig NONE = new SecurityConfig(Optional.empty(), Optional.empty(), Optional.empty(),
      Optional.empty(), Optional.empty(), Optional.empty(), 3001, Optional.empty(), LogKeys.Source.PEM,
      Duration.ofSeconds(10));

  public SecurityConfig {
    if (tlsCert.isPresent() != tlsKey.isPresent()) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together");
    }
    if (clientCa.isPresent() && tlsCert.isEmpty()) {
      throw new IllegalArgumentException("--client-ca needs TLS (--tls-cert and --tls-key)");
    }
    if (adminPort < 0 || adminPort > 65535) {
      throw new IllegalArgumentException("--admin-port must be 0..65535, got " + adminPort);
    }
    if (backupDir.isPresent() && adminBind.isEmpty()) {
      throw new IllegalArgumentException("--backup-dir needs the admin listener (--admin-bind), which serves POST /backup");
    }
    if (reloadInterval.isNegative() || reloadInterval.isZero()) {
      throw new IllegalArgumentException("the reload interval must be positive");
    }
  }

  public boolean tls() {
    return tlsCert.isPresent();
  }

  /** True if writes need credentials. */
  public boolean writesRestricted() {
    return writeTokens.isPresent() || clientCa.isPresent();
  }
}
