package dev.stele.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.External;
import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.protocol.KeyMaterial;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.server.sign.LogKeys;
import dev.stele.server.sign.Pkcs11Uri;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The log key in an HSM: SoftHSM2 with a token made fresh for the test ({@code softhsm2-util}),
 * the key generated inside it by {@code stele-server hsm-keygen}, and checkpoints and SETs signed
 * there that verify with the client's code. SoftHSM2 reads SOFTHSM2_CONF, which the build
 * points at {@code target/softhsm/softhsm2.conf} (log-server/pom.xml).
 */
@External
class HsmTest {
  private static final String MODULE = "/usr/lib/softhsm/libsofthsm2.so";

  private static String run(List<String> command, Path conf) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("SOFTHSM2_CONF", conf.toString());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new AssertionError(command.get(0) + " is missing: install it with sudo apt-get install softhsm2", e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    return out;
  }

  @Test
  void theKeyIsMadeInTheToken_andSignsCheckpointsAndSetsThatVerify() throws Exception {
    Path conf = Path.of(System.getenv().getOrDefault("SOFTHSM2_CONF", ""));
    assertTrue(conf.isAbsolute(), "SOFTHSM2_CONF is set by the build (log-server/pom.xml): " + conf);
    assertTrue(Files.isReadable(Path.of(MODULE)), MODULE + " is missing: sudo apt-get install softhsm2");
    Path home = conf.getParent();
    if (Files.exists(home)) {
      try (Stream<Path> old = Files.walk(home)) {
        old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(home.resolve("tokens"));
    Files.writeString(conf, "directories.tokendir = " + home.resolve("tokens") + "\nobjectstore.backend = file\n"
        + "log.level = ERROR\nslots.removable = false\n");
    String label = "stele-" + Long.toHexString(System.nanoTime());
    run(List.of("softhsm2-util", "--init-token", "--free", "--label", label, "--pin", "4321", "--so-pin", "8765"), conf);
    Path pin = home.resolve("pin.txt");
    Files.writeString(pin, "4321\n");
    String uri = "pkcs11:token=" + label + ";object=log-key";

    // hsm-keygen, as an operator runs it.
    Path pub = home.resolve("log.pub");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      code = new CommandLine(new Main()).execute("hsm-keygen", "--key", uri, "--pkcs11-module", MODULE,
          "--key-password-file", pin.toString(), "--public-key-file", pub.toString());
    } finally {
      System.setOut(saved);
    }
    assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
    PublicKey logKey = KeyMaterial.parsePublicKey(Files.readString(pub));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("log ID " + PublicKeys.logId(logKey).hex()));
    // A second keygen under the same label is refused: a log cannot change its key.
    assertEquals(1, new CommandLine(new Main()).execute("hsm-keygen", "--key", uri, "--pkcs11-module", MODULE,
        "--key-password-file", pin.toString()));

    // The key never leaves the token: the provider hands out a handle without an encoding.
    Provider p11 = Security.getProviders()[0];
    for (Provider candidate : Security.getProviders()) {
      if (candidate.getName().startsWith("SunPKCS11-stele-")) p11 = candidate;
    }
    KeyStore ks = KeyStore.getInstance("PKCS11", p11);
    ks.load(null, "4321".toCharArray());
    PrivateKey onToken = (PrivateKey) ks.getKey("log-key", null);
    assertNull(onToken.getEncoded(), "the private key is not extractable");

    // The log, keyed by the token.
    Path data = home.resolve("data");
    SecurityConfig security = new Exposure().keys(new LogKeys.Source(Optional.of(Pkcs11Uri.parse(uri)),
        Optional.of(Path.of(MODULE)), Optional.of(pin))).config();
    try (TestServer log = TestServer.start(TestServer.config(data), security, TestServer.HTTP)) {
      assertEquals(logKey, log.logKey());
      assertTrue(!Files.exists(data.resolve("log-key.pem")), "no key file was generated");
      Proposals signer = new Proposals();
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> r = log.post("/api/v1/log/entries", signer.hashedRekord(Proposals.artifact("hsm " + i)));
        assertEquals(201, r.statusCode(), r.body());
        LoggedEntry e = log.verifiedEntry(r.body()); // SET, inclusion proof, checkpoint under the token's key
        assertEquals(i, e.logIndex());
      }
      assertEquals(5, log.checkpoint().size());
      log.audit();
    }
    // Restarted on the same token: the store's identity is the token key's.
    try (TestServer log = TestServer.start(TestServer.config(data), security, TestServer.HTTP)) {
      assertEquals(5, log.checkpoint().size());
    }
  }
}
