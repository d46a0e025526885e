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
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Loads the log key: from a PKCS#11 token ({@link Pkcs11Keys}), or from its PEM file, generated
 * on a log's first start.
 *
 * <p>A PEM key file that its group or others may read or write is refused, with the {@code chmod}
 * that fixes it: whoever can read the file can sign as the log. Its password (or a token's PIN)
 * comes from {@code --key-password-file} or {@value #PASSWORD_ENV}.
 */
public final class LogKeys {
  private static final Logger LOG = Logger.getLogger(LogKeys.class.getName());
  /** Where an encrypted log key takes its password from. */
  public static final String PASSWORD_ENV = "STELE_KEY_PASSWORD";

  private LogKeys() {}

  /**
   * Where the key is and how to unlock it.
   *
   * @param pkcs11 the key on a token, if it is there rather than in a file
   * @param pkcs11Module the token's PKCS#11 module ({@code --pkcs11-module})
   * @param passwordFile a file holding the key's password or the token's PIN
   */
  public record Source(Optional<Pkcs11Uri> pkcs11, Optional<Path> pkcs11Module, Optional<Path> passwordFile) {
    public static final Source PEM = new Source(Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * The log key as {@code source} says: on a token, or in {@code file} (generated there if it
   * does not exist and {@code generate} is set).
   */
  public static Signer load(Path file, boolean generate, Source source) throws IOException {
    Optional<char[]> password = password(source.passwordFile());
    if (source.pkcs11().isPresent()) {
      return Pkcs11Keys.load(source.pkcs11().get(), source.pkcs11Module(), password);
    }
    if (!Files.exists(file)) {
      if (!generate) throw new IOException("log key file " + file + " does not exist");
      return generate(file);
    }
    checkPermissions(file);
    try {
      return Signers.forKey(KeyFiles.readPrivateKey(file, password.orElse(null)));
    } catch (KeyFileException | InvalidKeyException e) {
      throw new IOException("cannot use the log key " + file + ": " + e.getMessage());
    }
  }

  /** The password from the file, else from {@value #PASSWORD_ENV}. */
  static Optional<char[]> password(Optional<Path> file) throws IOException {
    return file.isPresent() ? Optional.of(readPassword(file.get())) : passwordFromEnvironment();
  }

  /** The password in {@value #PASSWORD_ENV}, if set. */
  public static Optional<char[]> passwordFromEnvironment() {
    String env = System.getenv(PASSWORD_ENV);
    return env == null || env.isEmpty() ? Optional.empty() : Optional.of(env.toCharArray());
  }

  /** A password (or PIN) file's content without its line end. */
  public static char[] readPasswordFile(Path file) throws IOException {
    return readPassword(file);
  }

  /** A password file's content without its line end; never in a message. */
  static char[] readPassword(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IOException("cannot read the key password file " + file + ": " + e.getClass().getSimpleName());
    }
    String line = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
        : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    if (line.isEmpty()) {
      throw new IOException("the key password file " + file + " is empty");
    }
    return line.toCharArray();
  }

  /** Refuses a key file its group or others may read or write. */
  static void checkPermissions(Path file) throws IOException {
    checkPermissions(file, "log key");
  }

  /** As {@link #checkPermissions(Path)}, for the log's key of another kind ({@code what}). */
  static void checkPermissions(Path file, String what) throws IOException {
    try {
      KeyFiles.requireOwnerOnly(file, what, "the log");
    } catch (KeyFileException e) {
      throw new IOException(e.getMessage());
    }
  }

  /**
   * Reads the PKCS#8 PEM private key in {@code file} (encrypted ones with the password in {@value
   * #PASSWORD_ENV}); if the file does not exist and {@code generate} is set, creates a new ECDSA
   * P-256 key there, readable by its owner only and unencrypted, so that a log starts with no
   * other setup.
   *
   * @throws IOException naming the file and what is wrong with it; never its content
   */
  public static Signer loadOrGenerate(Path file, boolean generate) throws IOException {
    return load(file, generate, Source.PEM);
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
