package dev.stele.server.sign;

import dev.stele.client.crypto.KeyType;
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
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Loads the log's Ed25519 checkpoint key (the second signature line of every checkpoint, for C2SP
 * consumers and witness networks), or generates it on a log's first start, as {@link LogKeys}
 * does for the log key. Unlike the log key it may be replaced: the store is checked with the log
 * key alone; witnesses that trust the old one then refuse new checkpoints until they are told the
 * new vkey.
 */
public final class CheckpointKeys {
  private static final Logger LOG = Logger.getLogger(CheckpointKeys.class.getName());

  private CheckpointKeys() {}

  /**
   * Reads the PKCS#8 PEM Ed25519 private key in {@code file} (an encrypted one with the password in
   * {@value LogKeys#PASSWORD_ENV}); if the file does not exist and {@code generate} is set,
   * creates a new key there, readable by its owner only.
   *
   * @throws IOException naming the file and what is wrong with it; never its content
   */
  public static Signer loadOrGenerate(Path file, boolean generate) throws IOException {
    return loadOrGenerate(file, generate, Optional.empty());
  }

  /**
   * As {@link #loadOrGenerate(Path, boolean)}, an encrypted key taking its password from {@code
   * passwordFile} when given (the log key's {@code --key-password-file}). The file must be
   * readable by its owner only, as the log key's: whoever reads it can sign checkpoints that
   * witnesses and C2SP clients accept as the log's.
   */
  public static Signer loadOrGenerate(Path file, boolean generate, Optional<Path> passwordFile) throws IOException {
    if (!Files.exists(file)) {
      if (!generate) throw new IOException("checkpoint key file " + file + " does not exist");
      KeyPair pair = KeyFiles.generateEd25519();
      try {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        KeyFiles.writePrivateKeyUnencrypted(file, pair.getPrivate());
        LOG.info("generated a new Ed25519 checkpoint key in " + file);
        return Signers.forKeyPair(pair);
      } catch (KeyFileException | InvalidKeyException e) {
        throw new IOException("cannot create the checkpoint key " + file + ": " + e.getMessage(), e);
      }
    }
    LogKeys.checkPermissions(file, "checkpoint key");
    Optional<char[]> password = LogKeys.password(passwordFile);
    try {
      Signer s = Signers.forKey(KeyFiles.readPrivateKey(file, password.orElse(null)));
      if (PublicKeys.typeOf(s.publicKey()) != KeyType.ED25519) {
        throw new IOException("the checkpoint key " + file + " is a " + PublicKeys.typeOf(s.publicKey())
            + " key; it must be Ed25519");
      }
      return s;
    } catch (KeyFileException | InvalidKeyException e) {
      throw new IOException("cannot use the checkpoint key " + file + ": " + e.getMessage());
    }
  }
}
