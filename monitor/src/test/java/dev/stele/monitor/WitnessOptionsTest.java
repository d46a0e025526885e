package dev.stele.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.keys.KeyFiles;
import dev.stele.client.protocol.NoteKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.EnumSet;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The witness's options as the command line gives them: the key generated in the state directory
 * on first use and kept, a given key used as it is, and the combinations that make no sense refused.
 */
class WitnessOptionsTest {
  @TempDir
  Path dir;

  private static WitnessOptions parse(String... args) {
    Main main = new Main();
    new CommandLine(main).parseArgs(args);
    return main.witness;
  }

  @Test
  void withoutAName_thereIsNoWitness_andItsOtherOptionsAreRefused() throws Exception {
    assertEquals(Optional.empty(), parse().config(dir));
    assertFalse(Files.exists(dir.resolve(WitnessOptions.KEY_FILE)), "no key is made for a monitor that is no witness");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> parse("--print-witness-vkey").config(dir));
    assertTrue(e.getMessage().contains("go with --witness-name"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> parse("--witness-key", "k.pem").config(dir));
  }

  @Test
  void theKeyIsGeneratedOnFirstUse_ownerOnly_andKeptAcrossStarts() throws Exception {
    Path state = dir.resolve("state");
    WitnessOptions.Config first = parse("--witness-name", "witness.test/w1").config(state).orElseThrow();
    Path key = state.resolve(WitnessOptions.KEY_FILE);
    assertEquals(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(key));
    WitnessOptions.Config again = parse("--witness-name", "witness.test/w1").config(state).orElseThrow();
    assertEquals(first.vkey(), again.vkey(), "a restarted witness keeps its key");
    assertTrue(first.vkey().startsWith("witness.test/w1+"), first.vkey());
    assertEquals(NoteKeys.TYPE_COSIGNATURE_V1,
        dev.stele.client.protocol.Encodings.base64("vkey", first.vkey().split("\\+", 3)[2])[0] & 0xff);
    assertEquals("127.0.0.1", first.bind());
    assertEquals(9465, first.port());
  }

  @Test
  void aGivenKeyIsUsed_andNothingIsGenerated() throws Exception {
    KeyPair pair = KeyFiles.generateEd25519();
    Path file = dir.resolve("w.pem");
    KeyFiles.writePrivateKeyUnencrypted(file, pair.getPrivate());
    WitnessOptions.Config c = parse("--witness-name", "witness.test/w2", "--witness-key", file.toString(),
        "--witness-listen", "127.0.0.1:0").config(dir).orElseThrow();
    assertEquals(NoteKeys.cosignatureVerifierKey("witness.test/w2", pair.getPublic()), c.vkey());
    assertEquals(0, c.port());
    assertFalse(Files.exists(dir.resolve(WitnessOptions.KEY_FILE)));
  }

  @Test
  void aKeyOthersMayRead_isRefused_withTheCommandThatFixesIt() throws Exception {
    Path file = dir.resolve("w.pem");
    KeyFiles.writePrivateKeyUnencrypted(file, KeyFiles.generateEd25519().getPrivate());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> parse("--witness-name", "w", "--witness-key", file.toString()).config(dir));
    assertTrue(e.getMessage().contains("can sign as the witness") && e.getMessage().endsWith("chmod 600 " + file),
        e.getMessage());
    assertFalse(e.getMessage().contains("PRIVATE KEY"), e.getMessage());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertTrue(parse("--witness-name", "w", "--witness-key", file.toString()).config(dir).isPresent());
  }

  @Test
  void anEcdsaKey_aWitnessKeyAsALog_andABadAddress_areRefused() throws Exception {
    Path ecdsa = dir.resolve("ec.pem");
    KeyFiles.writePrivateKeyUnencrypted(ecdsa, KeyFiles.generateEcdsaP256().getPrivate());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> parse("--witness-name", "w", "--witness-key", ecdsa.toString()).config(dir));
    assertTrue(e.getMessage().contains("needs Ed25519"), e.getMessage());

    String witnessVkey = parse("--witness-name", "other").config(dir.resolve("o")).orElseThrow().vkey();
    e = assertThrows(IllegalArgumentException.class,
        () -> parse("--witness-name", "w", "--witness-log", witnessVkey).config(dir.resolve("w")));
    assertTrue(e.getMessage().contains("a witness key (type 0x04)"), e.getMessage());

    e = assertThrows(IllegalArgumentException.class,
        () -> parse("--witness-name", "w", "--witness-listen", "127.0.0.1:70000").config(dir.resolve("w")));
    assertTrue(e.getMessage().contains("bad port"), e.getMessage());
  }
}
