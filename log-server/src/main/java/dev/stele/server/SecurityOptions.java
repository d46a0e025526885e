package dev.stele.server;

import dev.stele.server.sign.LogKeys;
import dev.stele.server.sign.Pkcs11Uri;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The command-line options of {@link SecurityConfig}: TLS, tokens, the admin listener, the key's source. */
final class SecurityOptions {
  @Option(names = "--tls-cert", paramLabel = "FILE", defaultValue = "${env:STELE_TLS_CERT}",
      description = "Serve HTTPS (HTTP/2 and HTTP/1.1 through ALPN) with this PEM certificate chain, the server's first; reloaded when it changes and on SIGHUP (env STELE_TLS_CERT).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", defaultValue = "${env:STELE_TLS_KEY}",
      description = "The PEM private key (ECDSA or RSA; PKCS#8, PKCS#1 or SEC 1, unencrypted) of --tls-cert (env STELE_TLS_KEY).")
  Path tlsKey;

  @Option(names = "--client-ca", paramLabel = "FILE", defaultValue = "${env:STELE_CLIENT_CA}",
      description = "PEM CA certificates of clients: a client certificate is requested (not required), and one that chains to these may write in place of a token (env STELE_CLIENT_CA).")
  Path clientCa;

  @Option(names = "--write-tokens", paramLabel = "FILE", defaultValue = "${env:STELE_WRITE_TOKENS}",
      description = "Writes need a bearer token listed in FILE: one 'NAME SHA256-HEX' per line (the hash of the token, never the token; # comments). Reloaded when it changes and on SIGHUP (env STELE_WRITE_TOKENS).")
  Path writeTokens;

  @Option(names = "--read-tokens", paramLabel = "FILE", defaultValue = "${env:STELE_READ_TOKENS}",
      description = "Reads need a token listed in FILE too (write tokens also read); without it reads are public (env STELE_READ_TOKENS).")
  Path readTokens;

  @Option(names = "--admin-bind", paramLabel = "ADDRESS", defaultValue = "${env:STELE_ADMIN_BIND}",
      description = "Serve /healthz, /readyz, /metrics and POST /backup on a separate plain-HTTP listener at this address, and no longer on the public one (env STELE_ADMIN_BIND, default: on the public listener).")
  String adminBind;

  @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "${env:STELE_ADMIN_PORT:-3001}",
      description = "Port of the --admin-bind listener; 0 picks a free one (env STELE_ADMIN_PORT, default ${DEFAULT-VALUE}).")
  int adminPort;

  @Option(names = "--backup-dir", paramLabel = "DIR", defaultValue = "${env:STELE_BACKUP_DIR}",
      description = "Where POST /backup on the admin listener writes online backups of the store, each checked before it is named (env STELE_BACKUP_DIR).")
  Path backupDir;

  @Option(names = "--pkcs11-module", paramLabel = "FILE", defaultValue = "${env:STELE_PKCS11_MODULE}",
      description = "The PKCS#11 module of the token a pkcs11: --key names, e.g. /usr/lib/softhsm/libsofthsm2.so (env STELE_PKCS11_MODULE).")
  Path pkcs11Module;

  @Option(names = "--key-password-file", paramLabel = "FILE", defaultValue = "${env:STELE_KEY_PASSWORD_FILE}",
      description = "A file holding the password of an encrypted --key, or the PIN of its token; without it, STELE_KEY_PASSWORD (env STELE_KEY_PASSWORD_FILE).")
  Path keyPasswordFile;

  /** The options resolved; {@code key} is the --key text, which may be a PKCS#11 URI. */
  SecurityConfig config(String key) {
    Optional<Pkcs11Uri> pkcs11 = Pkcs11Uri.isUri(key) ? Optional.of(Pkcs11Uri.parse(key)) : Optional.empty();
    if (pkcs11Module != null && pkcs11.isEmpty()) {
      throw new IllegalArgumentException("--pkcs11-module needs a pkcs11: URI in --key");
    }
    return new SecurityConfig(Optional.ofNullable(tlsCert), Optional.ofNullable(tlsKey), Optional.ofNullable(clientCa),
        Optional.ofNullable(writeTokens), Optional.ofNullable(readTokens), Optional.ofNullable(adminBind), adminPort,
        Optional.ofNullable(backupDir),
        new LogKeys.Source(pkcs11, Optional.ofNullable(pkcs11Module), Optional.ofNullable(keyPasswordFile)),
        Duration.ofSeconds(10));
  }
}
