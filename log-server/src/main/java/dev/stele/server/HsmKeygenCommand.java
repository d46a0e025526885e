package dev.stele.server;

import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.protocol.Pem;
import dev.stele.server.sign.LogKeys;
import dev.stele.server.sign.Pkcs11Keys;
import dev.stele.server.sign.Pkcs11Uri;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stele-server hsm-keygen}: creates the log key inside a PKCS#11 token, where it stays
 * (sensitive, not extractable), with the certificate beside it that SunPKCS11 needs to find it.
 */
@Command(name = "hsm-keygen", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Generates a new ECDSA P-256 log key inside a PKCS#11 token (an HSM) and prints its public key"
        + " and log ID. The private key never leaves the token. Refuses a label that is taken: a log cannot"
        + " change its key."},
    footer = {"", "Example: stele-server hsm-keygen --key 'pkcs11:token=stele;object=log-key'"
        + " --pkcs11-module /usr/lib/softhsm/libsofthsm2.so --key-password-file pin.txt --public-key-file log.pub"})
final class HsmKeygenCommand implements Callable<Integer> {
  @Option(names = "--key", paramLabel = "URI", required = true, defaultValue = "${env:STELE_KEY}",
      description = "PKCS#11 URI (RFC 7512) of the new key: token (token=, serial= or slot-id=) and label (object=) (env STELE_KEY).")
  String key;

  @Option(names = "--pkcs11-module", paramLabel = "FILE", defaultValue = "${env:STELE_PKCS11_MODULE}",
      description = "The token's PKCS#11 module (env STELE_PKCS11_MODULE).")
  Path module;

  @Option(names = "--key-password-file", paramLabel = "FILE", defaultValue = "${env:STELE_KEY_PASSWORD_FILE}",
      description = "A file holding the token's user PIN; without it, STELE_KEY_PASSWORD (env STELE_KEY_PASSWORD_FILE).")
  Path pinFile;

  @Option(names = "--public-key-file", paramLabel = "FILE",
      description = "Also write the new public key (PEM) to FILE.")
  Path publicKeyFile;

  @Override
  public Integer call() {
    Pkcs11Uri uri;
    try {
      uri = Pkcs11Uri.parse(key);
    } catch (IllegalArgumentException e) {
      System.err.println("stele-server hsm-keygen: --key: " + e.getMessage());
      return 2;
    }
    try {
      PublicKey pub = Pkcs11Keys.generate(uri, Optional.ofNullable(module),
          pinFile != null ? Optional.of(LogKeys.readPasswordFile(pinFile)) : LogKeys.passwordFromEnvironment());
      String pem = Pem.encode("PUBLIC KEY", pub.getEncoded());
      if (publicKeyFile != null) {
        Files.writeString(publicKeyFile, pem, StandardCharsets.US_ASCII);
      }
      System.out.print(pem);
      System.out.println("log ID " + PublicKeys.logId(pub).hex() + " (" + uri + ")");
      return 0;
    } catch (IOException e) {
      System.err.println("stele-server hsm-keygen: " + e.getMessage());
      return 1;
    }
  }
}
