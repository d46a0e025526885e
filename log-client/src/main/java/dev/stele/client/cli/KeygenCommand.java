package dev.stele.client.cli;

import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.keys.KeyFileException;
import dev.stele.client.keys.KeyFiles;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = {"Generate a signing key pair: PREFIX.key (PKCS#8 PEM, encrypted with a password from"
        + " $STELE_KEY_PASSWORD or a prompt) and PREFIX.pub (PEM public key).",
        "Existing files are never overwritten."})
final class KeygenCommand extends BaseCommand {
  enum Type { ecdsa_p256, ed25519 }

  @Option(names = "--type", paramLabel = "TYPE", defaultValue = "ecdsa_p256",
      description = "Key type: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). Artifact and image"
          + " signatures need ecdsa_p256.")
  Type type;

  @Option(names = "--output-key-prefix", paramLabel = "PREFIX", defaultValue = "stele",
      description = "Write PREFIX.key and PREFIX.pub (default: ${DEFAULT-VALUE}).")
  String prefix;

  @Option(names = "--no-password", description = "Write the private key unencrypted (only for tests and"
      + " keys kept in a secret store).")
  boolean noPassword;

  @Override
  public Integer call() throws CliException {
    Path priv = Path.of(prefix + ".key");
    Path pub = Path.of(prefix + ".pub");
    for (Path p : new Path[] {priv, pub}) {
      if (Files.exists(p)) {
        throw new CliException(ExitCode.INPUT, p + " exists; choose another --output-key-prefix or move it away");
      }
    }
    KeyPair pair = type == Type.ed25519 ? KeyFiles.generateEd25519() : KeyFiles.generateEcdsaP256();
    char[] password = noPassword ? null : Keys.password(root(), "Password for the new key: ", true);
    try {
      if (password == null) {
        KeyFiles.writePrivateKeyUnencrypted(priv, pair.getPrivate());
      } else {
        KeyFiles.writePrivateKey(priv, pair.getPrivate(), password);
      }
      KeyFiles.writePublicKey(pub, pair.getPublic());
    } catch (FileAlreadyExistsException e) {
      throw new CliException(ExitCode.INPUT, e.getFile() + " exists");
    } catch (IOException e) {
      throw new CliException(ExitCode.INPUT, "cannot write the key files: " + e);
    } catch (KeyFileException e) {
      throw new CliException(ExitCode.INTERNAL, "cannot encode the key: " + e.getMessage());
    } finally {
      if (password != null) {
        Arrays.fill(password, '\0');
      }
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("ok", true);
    r.put("privateKey", priv.toString());
    r.put("publicKey", pub.toString());
    r.put("keyType", PublicKeys.describe(pair.getPublic()));
    r.put("encrypted", password != null);
    print(r);
    return ExitCode.OK.code;
  }
}
