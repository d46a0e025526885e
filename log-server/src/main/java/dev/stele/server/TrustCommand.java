package dev.stele.server;

import dev.stele.client.ValidityPeriod;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.KeyMaterial;
import dev.stele.client.trust.SigningConfig;
import dev.stele.client.trust.TrustRoot;
import dev.stele.server.sign.LogKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stele-server trust --out DIR}: writes the Sigstore files that point clients at this log
 * (docs/protocol.md 9.2): {@code trusted_root.json} (the log's key, log ID and base URL, valid from
 * {@code --valid-from}) and {@code signing_config.json} (the log twice, as a Rekor v2 and a Rekor v1
 * service under the same URL; clients take the highest version they speak). Reads the public half
 * of the log key only; the store is not opened, so it runs beside a running log. A key on a
 * PKCS#11 token or one unlocked by a password file is given as its public half ({@code
 * --public-key}, as {@code --public-key-file} of the server or {@code GET /api/v1/log/publicKey}
 * writes it): this command has no business holding the token's PIN.
 */
@Command(name = "trust", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Writes trusted_root.json and signing_config.json describing this log (Rekor v1 and v2"
        + " under one URL and one key), for cosign and the Sigstore clients.")
final class TrustCommand implements Callable<Integer> {
  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory to write the two files to.")
  Path out;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:STELE_DATA_DIR:-./data}",
      description = "The log's data directory, where its key is unless --key is given (env STELE_DATA_DIR, default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--key", paramLabel = "FILE", defaultValue = "${env:STELE_KEY}",
      description = "The log's PEM private key (only its public key is written) (env STELE_KEY).")
  Path key;

  @Option(names = "--public-key", paramLabel = "FILE",
      description = "The log's PEM public key instead of its private key file (a key on a PKCS#11 token,"
          + " or one unlocked by a password file).")
  Path publicKey;

  @Option(names = "--public-url", paramLabel = "URL", defaultValue = "${env:STELE_PUBLIC_URL:-http://127.0.0.1:3000}",
      description = "The URL clients reach the log at (env STELE_PUBLIC_URL, default ${DEFAULT-VALUE}).")
  URI publicUrl;

  @Option(names = "--valid-from", paramLabel = "INSTANT",
      description = "Start of the key's validity, ISO-8601 (default: when the key file was last written).")
  Instant validFrom;

  @Option(names = "--operator", paramLabel = "NAME",
      description = "Who runs the log, for the signing config (default: the URL's host).")
  String operator;

  @Override
  public Integer call() throws Exception {
    if (publicUrl.getHost() == null || !("http".equals(publicUrl.getScheme()) || "https".equals(publicUrl.getScheme()))) {
      System.err.println("stele-server trust: --public-url must be an http(s) URL with a host, got " + publicUrl);
      return 2;
    }
    Path keyFile = publicKey != null ? publicKey : key != null ? key : dataDir.resolve("log-key.pem");
    PublicKey logKey;
    try {
      logKey = publicKey != null ? readPublicKey(publicKey) : LogKeys.loadOrGenerate(keyFile, false).publicKey();
    } catch (IOException e) {
      System.err.println("stele-server trust: " + e.getMessage());
      return 1;
    }
    Instant start = validFrom != null ? validFrom : Files.getLastModifiedTime(keyFile).toInstant();
    // Whole seconds: the protobuf JSON Timestamp readers all take that form.
    start = Instant.ofEpochSecond(start.getEpochSecond());
    String url = publicUrl.toString().replaceAll("/+$", "");
    URI base = URI.create(url);
    String op = operator != null ? operator : base.getHost();
    ValidityPeriod validity = ValidityPeriod.from(start);
    SigningConfig config = new SigningConfig(List.of(
        new SigningConfig.Tlog(base, 2, validity, op), new SigningConfig.Tlog(base, 1, validity, op)));
    Files.createDirectories(out);
    Path root = out.resolve("trusted_root.json");
    Path signing = out.resolve("signing_config.json");
    Files.writeString(root, TrustRoot.trustedRootJson(base, logKey, start), StandardCharsets.UTF_8);
    Files.writeString(signing, config.toJson(), StandardCharsets.UTF_8);
    System.out.println("wrote " + root + " and " + signing + " for " + url + " (log key valid from " + start + ")");
    return 0;
  }

  private static PublicKey readPublicKey(Path file) throws IOException {
    try {
      return KeyMaterial.parsePublicKey(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (FormatException e) {
      throw new IOException("the public key " + file + ": " + e.getMessage());
    }
  }
}
