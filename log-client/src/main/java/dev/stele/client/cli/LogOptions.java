package dev.stele.client.cli;

import dev.stele.client.http.HttpTransport;
import dev.stele.client.keys.KeyFileException;
import dev.stele.client.keys.TlsPair;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.KeyMaterial;
import dev.stele.client.rekor.RekorClient;
import dev.stele.client.trust.SigningConfig;
import dev.stele.client.trust.TrustRoot;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Where the log is and what to trust about it. */
final class LogOptions {
  /** The bearer token itself, when it does not come from a file. */
  static final String TOKEN_ENV = "STELE_LOG_TOKEN";

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--log-url", paramLabel = "URL", defaultValue = "${env:STELE_LOG_URL}",
      description = "Base URL of the Rekor v1 log, e.g. http://127.0.0.1:3000 (default: $STELE_LOG_URL).")
  String url;

  @Option(names = "--log-key", paramLabel = "FILE",
      description = "The log's public key (PEM, as GET /api/v1/log/publicKey serves it); the log is then"
          + " the one at --log-url, trusted at all times.")
  Path logKey;

  @Option(names = "--trusted-root", paramLabel = "FILE",
      description = "A Sigstore trusted_root.json: trusted logs (keys, log IDs, validity) and certificate"
          + " authorities.")
  Path trustedRoot;

  @Option(names = "--rekor-api", paramLabel = "1|2",
      description = "Record through the Rekor v1 REST API or the Rekor v2 API (default: the version the"
          + " signing config selects, else 1).")
  Integer rekorApi;

  @Option(names = "--signing-config", paramLabel = "FILE",
      description = "A Sigstore signing_config.json (v0.2): the log to record in (the valid one with the"
          + " highest API version this client speaks) when --log-url is not given.")
  Path signingConfig;

  @Option(names = "--log-token-file", paramLabel = "FILE", defaultValue = "${env:STELE_LOG_TOKEN_FILE}",
      description = "A file holding the bearer token for a log that restricts writes (or reads); sent as"
          + " Authorization: Bearer to the log's origin only, over HTTPS (or plain HTTP to a loopback IP"
          + " literal). Without it, the token in $" + TOKEN_ENV + ", if set (default: $STELE_LOG_TOKEN_FILE).")
  Path tokenFile;

  @Option(names = "--log-ca", paramLabel = "FILE", defaultValue = "${env:STELE_LOG_CA}",
      description = "PEM certificates to trust as TLS roots for the log, besides the system's (a private"
          + " log's CA) (default: $STELE_LOG_CA).")
  Path caFile;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
      description = "Timeout of each request to the log (default: ${DEFAULT-VALUE} s; failed requests are"
          + " retried with backoff).")
  long timeoutSeconds;

  /** The log the signing config selects now, if one was given. */
  private java.util.Optional<SigningConfig.Tlog> selected() throws CliException {
    if (signingConfig == null) {
      return java.util.Optional.empty();
    }
    SigningConfig config;
    try {
      config = SigningConfig.parse(Files.readAllBytes(signingConfig));
    } catch (IOException e) {
      throw new CliException(ExitCode.INPUT, "cannot read the signing config " + signingConfig + ": " + e);
    } catch (FormatException e) {
      throw new CliException(ExitCode.INPUT, "the signing config " + signingConfig + " is malformed: " + e.getMessage());
    }
    return java.util.Optional.of(config.select(java.time.Instant.now(), 2).orElseThrow(() -> new CliException(
        ExitCode.INPUT, "the signing config " + signingConfig + " names no log valid now with API version 1 or 2")));
  }

  /** The Rekor API to record through: --rekor-api, else the signing config's choice, else 1. */
  int rekorApi() throws CliException {
    if (rekorApi != null) {
      if (rekorApi != 1 && rekorApi != 2) {
        throw new CliException(ExitCode.USAGE, "--rekor-api must be 1 or 2, got " + rekorApi);
      }
      return rekorApi;
    }
    return selected().map(SigningConfig.Tlog::majorApiVersion).orElse(1);
  }

  URI url() throws CliException {
    if ((url == null || url.isBlank()) && signingConfig != null) {
      url = selected().orElseThrow().url().toString();
    }
    if (url == null || url.isBlank()) {
      throw new CliException(ExitCode.USAGE, "no log URL: give --log-url (or set STELE_LOG_URL)");
    }
    try {
      URI u = new URI(url);
      if (u.getHost() == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
        throw new CliException(ExitCode.USAGE, "--log-url must be http(s)://host[:port], got " + url);
      }
      return u;
    } catch (URISyntaxException e) {
      throw new CliException(ExitCode.USAGE, "--log-url is not a URL: " + e.getMessage());
    }
  }

  RekorClient client() throws CliException {
    if (timeoutSeconds <= 0) {
      throw new CliException(ExitCode.USAGE, "--timeout must be positive");
    }
    RekorClient.Builder b = RekorClient.builder(url()).timeout(Duration.ofSeconds(timeoutSeconds));
    String token = token();
    try {
      if (token != null) {
        b.bearerToken(token);
      }
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, "the log token: " + e.getMessage());
    }
    List<X509Certificate> roots = trustRoots();
    if (!roots.isEmpty()) {
      b.trustRoots(roots);
    }
    return b.build();
  }

  /** A transport for the log's tiles, with the same token and TLS roots as {@link #client()}. */
  HttpTransport tilesTransport() throws CliException {
    Duration t = Duration.ofSeconds(timeoutSeconds);
    HttpTransport.Builder b = HttpTransport.builder().connectTimeout(t).timeout(t).bodyTimeout(t)
        .userAgent("stele-client");
    String token = token();
    try {
      if (token != null) {
        b.bearerToken(url(), token);
      }
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, "the log token: " + e.getMessage());
    }
    List<X509Certificate> roots = trustRoots();
    if (!roots.isEmpty()) {
      b.trustRoots(roots);
    }
    return b.build();
  }

  /** The token from --log-token-file, else from the environment; null for none. */
  private String token() throws CliException {
    if (tokenFile != null) {
      try {
        return HttpTransport.Builder.readTokenFile(tokenFile);
      } catch (IOException e) {
        throw new CliException(ExitCode.INPUT, "the log token: " + e.getMessage());
      }
    }
    Object root = mixee == null ? null : mixee.root().userObject();
    return root instanceof SteleCli ? ((SteleCli) root).env(TOKEN_ENV) : null;
  }

  private List<X509Certificate> trustRoots() throws CliException {
    if (caFile == null) {
      return List.of();
    }
    try {
      return TlsPair.certificates(Files.readAllBytes(caFile));
    } catch (IOException e) {
      throw new CliException(ExitCode.INPUT, "cannot read --log-ca " + caFile + ": " + e);
    } catch (KeyFileException e) {
      throw new CliException(ExitCode.INPUT, "--log-ca " + caFile + ": " + e.getMessage());
    }
  }

  boolean hasTrust() {
    return logKey != null || trustedRoot != null;
  }

  /** The trust material: a trusted root, or the log's key for the log at --log-url. */
  TrustRoot trust() throws CliException {
    if (trustedRoot != null && logKey != null) {
      throw new CliException(ExitCode.USAGE, "give either --trusted-root or --log-key, not both");
    }
    if (trustedRoot != null) {
      try {
        return TrustRoot.parse(Files.readAllBytes(trustedRoot));
      } catch (IOException e) {
        throw new CliException(ExitCode.INPUT, "cannot read the trusted root " + trustedRoot + ": " + e);
      } catch (FormatException e) {
        throw new CliException(ExitCode.INPUT, "the trusted root " + trustedRoot + " is malformed: " + e.getMessage());
      }
    }
    if (logKey != null) {
      URI u = url();
      try {
        return TrustRoot.forLogKey(u, KeyMaterial.parsePublicKey(Files.readString(logKey)));
      } catch (IOException e) {
        throw new CliException(ExitCode.INPUT, "cannot read the log key " + logKey + ": " + e);
      } catch (FormatException | InvalidKeyException e) {
        throw new CliException(ExitCode.INPUT, "the log key " + logKey + " is not usable: " + e.getMessage());
      }
    }
    throw new CliException(ExitCode.USAGE, "nothing to trust: give --trusted-root FILE, or --log-key FILE"
        + " with --log-url (the log's public key: GET <log-url>/api/v1/log/publicKey, checked out of band)");
  }
}
