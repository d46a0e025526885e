package dev.stele.server.sign;

import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.Signer;
import dev.stele.client.crypto.Signers;
import dev.stele.client.keys.KeyFileException;
import dev.stele.client.keys.KeyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.util.logging.Logger;

/** Loads the log key from its PEM file, or generates it on a log's first start. */
public final class LogKeys {
  private static final Logger LOG = Logger.getLogger(LogKeys.class.getName());
  /** Where an encrypted log key takes its password from. */
  public static final String PASSWORD_ENV = "STELE_KEY_PASSWORD";

  private LogKeys() {}

  /**
   * Reads the PKCS#8 PEM private key in {@code file} (encrypted ones with the password in {@value
   * #PASSWORD_ENV}); if the file does not exist and {@code generate} is set, creates a new ECDSA
   * P-256 key there, readable by its owner only and unencrypted, so that a log starts with no
   * other setup.
   *
   * @throws IOException naming the file and what is wrong with it; never its content
   */
  public static Signer loadOrGenerate(Path file, boolean generate) throws IOException {
    if (!Files.exists(file)) {
      if (!generate) throw new IOException("log key file " + file + " does not exist");
      return generate(file);
    }
    String password = System.getenv(PASSWORD_ENV);
    try {
      return Signers.forKey(KeyFiles.readPrivateKey(file, password == null ? null : password.toCharArray()));
    } catch (KeyFileException | InvalidKeyException e) {
      throw new IOException("cannot use the log key " + file + ": " + e.getMessage());
    }
  }

  private static Signer generate(Path file) throws IOException {
    KeyPair pair = KeyFiles.generateEcdsaP256();
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) Files.createDirectories(dir);
      KeyFiles.writePrivateKeyUnencrypted(file, pair.getPrivate());
      Signer signer = Signers.forKeyPair(pair);
      LOG.info("generated a new ECDSA P-256 log key in " + file + " (log ID "
          + PublicKeys.logId(signer.publicKey()).hex() + "); keep it safe: a log cannot change its key");
      return signer;
    } catch (KeyFileException | InvalidKeyException e) {
      throw new IOException("cannot create the log key " + file + ": " + e.getMessage(), e);
    }
  }
}
