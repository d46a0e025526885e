package dev.stele.client.cli;

import dev.stele.client.crypto.KeyType;
import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.Signer;
import dev.stele.client.crypto.Signers;
import dev.stele.client.keys.KeyFileException;
import dev.stele.client.keys.KeyFiles;
import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;

/** Key files for the CLI: passwords from {@value #PASSWORD_ENV} or a prompt, never from arguments. */
final class Keys {
  static final String PASSWORD_ENV = "STELE_KEY_PASSWORD";

  private Keys() {}

  /** A signer from a private key file; an encrypted key needs its password. */
  static Signer signer(SteleCli cli, Path file) throws CliException {
    String pem = read(file, "private key");
    char[] password = null;
    try {
      if (pem.contains("ENCRYPTED PRIVATE KEY")) {
        password = password(cli, "Password for " + file + ": ", false);
      }
      PrivateKey key = KeyFiles.decodePrivateKey(pem, password);
      return Signers.forKey(key);
    } catch (KeyFileException e) {
      throw new CliException(ExitCode.INPUT, "cannot use the private key " + file + ": " + e.getMessage()
          + (password != null ? " (is " + PASSWORD_ENV + " the right password?)" : ""));
    } catch (GeneralSecurityException e) {
      throw new CliException(ExitCode.INPUT, "cannot sign with the key " + file + ": " + e.getMessage());
    } finally {
      if (password != null) {
        Arrays.fill(password, '\0');
      }
    }
  }

  /** A public key from a PEM public key or certificate file. */
  static PublicKey publicKey(Path file) throws CliException {
    String pem = read(file, "public key");
    try {
      PublicKey key = KeyFiles.decodePublicKey(pem);
      PublicKeys.typeOf(key);
      return key;
    } catch (KeyFileException | GeneralSecurityException e) {
      throw new CliException(ExitCode.INPUT, "the public key " + file + " is not usable: " + e.getMessage());
    }
  }

  /** The signer must make ECDSA signatures: hashedrekord entries of Ed25519 keys need Ed25519ph. */
  static void requireEcdsa(Signer signer, Path file) throws CliException {
    try {
      if (PublicKeys.typeOf(signer.publicKey()) != KeyType.ECDSA_P256) {
        throw new CliException(ExitCode.INPUT, "the key " + file + " is " + PublicKeys.typeOf(signer.publicKey())
            + "; signing artifacts (hashedrekord entries) needs an ECDSA P-256 key: run"
            + " 'stele keygen --type ecdsa-p256'");
      }
    } catch (GeneralSecurityException e) {
      throw new CliException(ExitCode.INPUT, "unsupported key " + file + ": " + e.getMessage());
    }
  }

  /**
   * The password from {@value #PASSWORD_ENV}, or asked on the terminal (twice when {@code confirm}).
   */
  static char[] password(SteleCli cli, String prompt, boolean confirm) throws CliException {
    String fromEnv = cli.env(PASSWORD_ENV);
    if (fromEnv != null) {
      return fromEnv.toCharArray();
    }
    Console console = cli.console();
    if (console == null) {
      throw new CliException(ExitCode.USAGE, "a password is needed and there is no terminal to ask for it: set "
          + PASSWORD_ENV);
    }
    char[] first = console.readPassword("%s", prompt);
    if (first == null || first.length == 0) {
      throw new CliException(ExitCode.USAGE, "no password given");
    }
    if (confirm) {
      char[] second = console.readPassword("%s", "Again: ");
      boolean same = Arrays.equals(first, second);
      if (second != null) {
        Arrays.fill(second, '\0');
      }
      if (!same) {
        Arrays.fill(first, '\0');
        throw new CliException(ExitCode.USAGE, "the passwords differ");
      }
    }
    return first;
  }

  static String read(Path file, String what) throws CliException {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCode.INPUT, "no " + what + " file " + file);
    } catch (IOException e) {
      throw new CliException(ExitCode.INPUT, "cannot read the " + what + " file " + file + ": " + e);
    }
  }

  static byte[] readBytes(Path file, String what) throws CliException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCode.INPUT, "no " + what + " file " + file);
    } catch (IOException e) {
      throw new CliException(ExitCode.INPUT, "cannot read the " + what + " file " + file + ": " + e);
    }
  }
}
