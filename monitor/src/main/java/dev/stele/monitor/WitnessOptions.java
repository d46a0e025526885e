package dev.stele.monitor;

import dev.stele.client.crypto.KeyType;
import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.Signer;
import dev.stele.client.crypto.Signers;
import dev.stele.client.keys.KeyFileException;
import dev.stele.client.keys.KeyFiles;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.NoteKeys;
import dev.stele.client.protocol.NoteSigner;
import dev.stele.client.protocol.NoteVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The witness's options (c2sp.org/tlog-witness): the monitor is also a witness when given a name.
 * A {@code @Mixin} of {@link Main}; {@link #config} checks them.
 */
final class WitnessOptions {
  /** Where an encrypted witness key takes its password from, as the log's key does. */
  static final String PASSWORD_ENV = "STELE_KEY_PASSWORD";
  /** The generated witness key, in the state directory. */
  static final String KEY_FILE = "witness-key.pem";
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(WitnessOptions.class.getName());

  @Option(names = "--witness-name", paramLabel = "NAME", defaultValue = "${env:STELE_MONITOR_WITNESS_NAME}",
      description = "Also be a witness under this name: cosign the checkpoints of the logs this monitor trusts (the"
          + " monitored log, and --witness-log), serving tlog-witness on --witness-listen. The name is on its"
          + " cosignature lines and in its vkey; a schema-less URL that identifies it, e.g. witness.example.com/w1"
          + " (env STELE_MONITOR_WITNESS_NAME).")
  String name;

  @Option(names = "--witness-key", paramLabel = "FILE", defaultValue = "${env:STELE_MONITOR_WITNESS_KEY}",
      description = "The witness's Ed25519 private key (PKCS#8 PEM, as 'stele keygen --type ed25519' writes it; an"
          + " encrypted one takes its password from STELE_KEY_PASSWORD). Without it, STATE/witness-key.pem is used,"
          + " and generated on first start (env STELE_MONITOR_WITNESS_KEY).")
  Path key;

  @Option(names = "--witness-listen", paramLabel = "HOST:PORT",
      defaultValue = "${env:STELE_MONITOR_WITNESS_LISTEN:-127.0.0.1:9465}",
      description = "Address of the witness's add-checkpoint and checkpoint endpoints; port 0 picks a free one; not"
          + " served with --once (env STELE_MONITOR_WITNESS_LISTEN, default ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--witness-log", paramLabel = "VKEY", split = ",", defaultValue = "${env:STELE_MONITOR_WITNESS_LOG}",
      description = "Another log to witness, by its checkpoint key as a vkey (type 0x01 Ed25519 or 0x02 ECDSA); its"
          + " origin is the key's name or '<name> - <tree ID>'; repeatable (env STELE_MONITOR_WITNESS_LOG,"
          + " comma-separated).")
  List<String> logs = new ArrayList<>();

  @Option(names = "--print-witness-vkey", defaultValue = "${env:STELE_MONITOR_PRINT_WITNESS_VKEY:-false}",
      description = "Print the witness's vkey (type 0x04, for the policies of logs and verifiers) and exit (env"
          + " STELE_MONITOR_PRINT_WITNESS_VKEY=true).")
  boolean printVkey;

  /**
   * What the witness needs.
   *
   * @param cosigner the witness's cosignature/v1 signer
   * @param vkey its verifier key
   * @param logs the checkpoint keys of the extra logs it witnesses
   * @param bind the address to listen on
   * @param port the port (0: any)
   */
  record Config(NoteSigner cosigner, String vkey, List<NoteVerifier> logs, String bind, int port) {}

  /**
   * The witness's configuration, or empty if no key is given.
   *
   * @throws IllegalArgumentException for a bad option (exit 2)
   * @throws IOException if the key file cannot be read
   */
  Optional<Config> config(Path stateDir) throws IOException {
    if (name == null || name.isEmpty()) {
      if (key != null || printVkey || !logs.isEmpty()) {
        throw new IllegalArgumentException("--witness-key, --witness-log and --print-witness-vkey go with --witness-name");
      }
      return Optional.empty();
    }
    Signer signer;
    try {
      Path file = key != null ? key : stateDir.resolve(KEY_FILE);
      if (key == null && !Files.exists(file)) {
        generate(file);
      }
      KeyFiles.requireOwnerOnly(file, "witness key", "the witness");
      String password = System.getenv(PASSWORD_ENV);
      signer = Signers.forKey(KeyFiles.readPrivateKey(file, password == null ? null : password.toCharArray()));
      if (PublicKeys.typeOf(signer.publicKey()) != KeyType.ED25519) {
        throw new IllegalArgumentException("the witness key " + file + " is a " + PublicKeys.typeOf(signer.publicKey())
            + " key; cosignature/v1 needs Ed25519 ('stele keygen --type ed25519')");
      }
    } catch (KeyFileException | GeneralSecurityException e) {
      throw new IllegalArgumentException("--witness-key " + (key != null ? key : stateDir.resolve(KEY_FILE)) + ": "
          + e.getMessage());
    }
    NoteSigner cosigner;
    String vkey;
    try {
      cosigner = NoteKeys.cosignatureSigner(name, signer, () -> System.currentTimeMillis() / 1000);
      vkey = NoteKeys.cosignatureVerifierKey(name, signer.publicKey());
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("--witness-name '" + name + "': " + e.getMessage());
    }
    List<NoteVerifier> extra = new ArrayList<>();
    for (String l : logs) {
      try {
        NoteVerifier v = NoteKeys.parseVerifierKey(l.strip());
        if (isCosignatureKey(l.strip())) {
          throw new IllegalArgumentException("--witness-log " + l + ": a witness key (type 0x04), not a log's");
        }
        extra.add(v);
      } catch (FormatException e) {
        throw new IllegalArgumentException("--witness-log " + l + ": " + e.getMessage());
      }
    }
    int colon = listen.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("--witness-listen must be HOST:PORT, got '" + listen + "'");
    }
    int port;
    try {
      port = Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--witness-listen: bad port in '" + listen + "'");
    }
    return Optional.of(new Config(cosigner, vkey, extra, listen.substring(0, colon), port));
  }

  /** A new Ed25519 key, readable by its owner only, as the log generates its key. */
  private static void generate(Path file) throws IOException {
    KeyPair pair = KeyFiles.generateEd25519();
    Files.createDirectories(file.toAbsolutePath().getParent());
    try {
      KeyFiles.writePrivateKeyUnencrypted(file, pair.getPrivate());
    } catch (KeyFileException e) {
      throw new IOException("cannot write the witness key " + file + ": " + e.getMessage(), e);
    }
    LOG.info("generated a new Ed25519 witness key in " + file + "; keep it, and the state beside it: a witness"
        + " that loses its state must be given a new key and name");
  }

  private static boolean isCosignatureKey(String vkey) throws FormatException {
    byte[] material = dev.stele.client.protocol.Encodings.base64("vkey", vkey.split("\\+", 3)[2]);
    return (material[0] & 0xff) == NoteKeys.TYPE_COSIGNATURE_V1;
  }
}
