package dev.stele.server.sign;

import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.Signer;
import dev.stele.client.crypto.Signers;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.logging.Logger;

/** Loads the log key from its PEM file, or generates it on a log's first start. */
public final class LogKeys {
  private static final Logger LOG = Logger.getLogger(LogKeys.class.getName());

  private LogKeys() {}

  /**
   * Reads the PKCS#8 PEM private key in {@code file}; if the file does not exist and {@code
   * generate} is set, creates a new ECDSA P-256 key there (readable by the owner only).
   *
   * @throws IOException naming the file and what is wrong with it; never its content
   */
  public static Signer loadOrGenerate(Path file, boolean generate) throws IOException {
    if (!Files.exists(file)) {
      if (!generate) throw new IOException("log key file " + file + " does not exist");
      return generate(file);
    }
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    try {
      byte[] pkcs8 = Pem.decodeSingle(pem, "PRIVATE KEY").bytes();
      PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      return Signers.forKey(key);
    } catch (FormatException e) {
      throw new IOException("log key file " + file + " is not a PEM PKCS#8 private key: " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new IOException("log key file " + file + " does not hold an ECDSA P-256 private key: "
          + e.getMessage());
    }
  }

  private static Signer generate(Path file) throws IOException {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      PrivateKey key = g.generateKeyPair().getPrivate();
      Signer signer = Signers.forKey(key);
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) Files.createDirectories(dir);
      try {
        // Owner-only from the first byte written.
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(file);
      }
      Files.writeString(file, Pem.encode("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
      LOG.info("generated a new ECDSA P-256 log key in " + file + " (log ID "
          + PublicKeys.logId(signer.publicKey()).hex() + "); keep it safe: a log cannot change its key");
      return signer;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot generate an ECDSA P-256 key: " + e.getMessage(), e);
    }
  }
}
