package dev.stele.client.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.External;
import dev.stele.client.crypto.SignatureVerifiers;
import dev.stele.client.crypto.Signer;
import dev.stele.client.crypto.Signers;
import dev.stele.client.crypto.TestKeys;
import dev.stele.client.protocol.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
  private static final char[] PASSWORD = "correct horse battery staple".toCharArray();

  @TempDir
  Path dir;

  /** Strings that would reveal the private key if they appeared in a message or toString(). */
  private static List<String> secretForms(PrivateKey key) {
    List<String> forms = new ArrayList<>();
    byte[] pkcs8 = key.getEncoded();
    byte[] secret = key instanceof ECPrivateKey
        ? toFixed(((ECPrivateKey) key).getS())
        : java.util.Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
    forms.add(HexFormat.of().formatHex(secret));
    forms.add(Base64.getEncoder().encodeToString(secret).substring(0, 20));
    forms.add(Base64.getEncoder().encodeToString(pkcs8).substring(20, 40));
    return forms;
  }

  private static byte[] toFixed(BigInteger s) {
    byte[] b = s.toByteArray();
    byte[] out = new byte[32];
    System.arraycopy(b, Math.max(0, b.length - 32), out, Math.max(0, 32 - b.length), Math.min(32, b.length));
    return out;
  }

  private static void assertNoSecret(String text, PrivateKey key) {
    for (String form : secretForms(key)) {
      assertFalse(text.toLowerCase().contains(form.toLowerCase()), "leaks key material: " + text);
    }
  }

  @Test
  void encryptedRoundTrip_bothKeyTypes_signersMatch() throws Exception {
    for (KeyPair pair : List.of(KeyFiles.generateEcdsaP256(), KeyFiles.generateEd25519())) {
      String pem = KeyFiles.encodePrivateKey(pair.getPrivate(), PASSWORD);
      assertTrue(pem.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"), pem);
      assertNoSecret(pem, pair.getPrivate());
      PrivateKey back = KeyFiles.decodePrivateKey(pem, PASSWORD);
      assertArrayEquals(pair.getPrivate().getEncoded(), back.getEncoded());
      Signer signer = Signers.forKey(back);
      assertEquals(pair.getPublic(), signer.publicKey());
      byte[] msg = "m".getBytes(StandardCharsets.UTF_8);
      SignatureVerifiers.forKey(pair.getPublic()).verify(signer.sign(msg), msg);
      assertNoSecret(back.toString(), back);
      assertNoSecret(signer.toString(), back);
      // Two encryptions differ (fresh salt and IV) but both decrypt.
      assertFalse(pem.equals(KeyFiles.encodePrivateKey(pair.getPrivate(), PASSWORD)));
    }
  }

  @Test
  void unencryptedRoundTrip() throws Exception {
    KeyPair pair = TestKeys.ed25519();
    String pem = KeyFiles.encodePrivateKeyUnencrypted(pair.getPrivate());
    assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"));
    assertArrayEquals(pair.getPrivate().getEncoded(), KeyFiles.decodePrivateKey(pem, null).getEncoded());
  }

  @Test
  void decode_wrongOrMissingPassword_clearMessages() throws Exception {
    KeyPair pair = TestKeys.p256();
    String pem = KeyFiles.encodePrivateKey(pair.getPrivate(), PASSWORD);
    KeyFileException wrong = assertThrows(KeyFileException.class,
        () -> KeyFiles.decodePrivateKey(pem, "Correct horse battery staple".toCharArray()));
    assertEquals("wrong password, or the encrypted private key is damaged", wrong.getMessage());
    KeyFileException missing = assertThrows(KeyFileException.class, () -> KeyFiles.decodePrivateKey(pem, null));
    assertEquals("the private key is encrypted: a password is needed", missing.getMessage());
    KeyFileException empty = assertThrows(KeyFileException.class,
        () -> KeyFiles.encodePrivateKey(pair.getPrivate(), new char[0]));
    assertTrue(empty.getMessage().startsWith("an empty password does not protect a key"));
  }

  @Test
  void decode_wrongPemTypes_clearMessagesWithoutKeyMaterial() throws Exception {
    KeyPair pair = TestKeys.p256();
    String publicPem = KeyFiles.encodePublicKey(pair.getPublic());
    KeyFileException e = assertThrows(KeyFileException.class, () -> KeyFiles.decodePrivateKey(publicPem, PASSWORD));
    assertEquals("expected a private key (PEM PRIVATE KEY or ENCRYPTED PRIVATE KEY), found PEM PUBLIC KEY", e.getMessage());

    String privatePem = KeyFiles.encodePrivateKeyUnencrypted(pair.getPrivate());
    KeyFileException p = assertThrows(KeyFileException.class, () -> KeyFiles.decodePublicKey(privatePem));
    assertTrue(p.getMessage().contains("found [PRIVATE KEY]"), p.getMessage());
    assertNoSecret(p.getMessage(), pair.getPrivate());

    KeyFileException junk = assertThrows(KeyFileException.class, () -> KeyFiles.decodePrivateKey("hello", null));
    assertTrue(junk.getMessage().startsWith("expected a private key"), junk.getMessage());
    KeyFileException two = assertThrows(KeyFileException.class, () -> KeyFiles.decodePrivateKey(privatePem + privatePem, null));
    assertTrue(two.getMessage().endsWith("found 2 PEM blocks"), two.getMessage());
    KeyFileException damaged = assertThrows(KeyFileException.class,
        () -> KeyFiles.decodePrivateKey(Pem.encode("PRIVATE KEY", new byte[] {1, 2, 3}), null));
    assertTrue(damaged.getMessage().startsWith("the private key is damaged"), damaged.getMessage());
  }

  @Test
  void unsupportedPrivateKeys_rejectedWithNames() throws Exception {
    KeyFileException p384 = assertThrows(KeyFileException.class,
        () -> KeyFiles.encodePrivateKey(TestKeys.p384().getPrivate(), PASSWORD));
    assertEquals("unsupported EC private key curve 1.3.132.0.34; supported: ECDSA P-256, Ed25519", p384.getMessage());
    String rsaPem = Pem.encode("PRIVATE KEY", TestKeys.rsa(2048).getPrivate().getEncoded());
    KeyFileException rsa = assertThrows(KeyFileException.class, () -> KeyFiles.decodePrivateKey(rsaPem, null));
    assertEquals("unsupported private key algorithm 1.2.840.113549.1.1.1; supported: ECDSA P-256, Ed25519", rsa.getMessage());
    assertNoSecret(rsa.getMessage(), TestKeys.rsa(2048).getPrivate());
  }

  @Test
  void publicKeys_fromPem() throws Exception {
    KeyPair pair = TestKeys.p256();
    assertEquals(pair.getPublic(), KeyFiles.decodePublicKey(KeyFiles.encodePublicKey(pair.getPublic())));
  }

  @Test
  @External
  void publicKeys_fromACertificateOpensslMade() throws Exception {
    KeyPair pair = TestKeys.p256();
    String certPem = openssl(null, "req", "-x509", "-new", "-key", write("k.pem",
        KeyFiles.encodePrivateKeyUnencrypted(pair.getPrivate())), "-subj", "/CN=test", "-days", "1");
    assertEquals(pair.getPublic(), KeyFiles.decodePublicKey(certPem));
  }

  @Test
  void files_ownerOnlyAndNeverOverwritten() throws Exception {
    KeyPair pair = KeyFiles.generateEd25519();
    Path key = dir.resolve("key.pem");
    KeyFiles.writePrivateKey(key, pair.getPrivate(), PASSWORD);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    assertArrayEquals(pair.getPrivate().getEncoded(), KeyFiles.readPrivateKey(key, PASSWORD).getEncoded());
    assertThrows(FileAlreadyExistsException.class, () -> KeyFiles.writePrivateKey(key, pair.getPrivate(), PASSWORD));
    assertThrows(FileAlreadyExistsException.class, () -> KeyFiles.writePrivateKeyUnencrypted(key, pair.getPrivate()));
    Path pub = dir.resolve("key.pub");
    KeyFiles.writePublicKey(pub, pair.getPublic());
    assertEquals(pair.getPublic(), KeyFiles.readPublicKey(pub));
    KeyFileException e = assertThrows(KeyFileException.class, () -> KeyFiles.readPrivateKey(pub, PASSWORD));
    assertTrue(e.getMessage().startsWith(pub + ": expected a private key"), e.getMessage());
  }

  // ---- interoperability with OpenSSL (a real, independent implementation) ---------------------

  private String write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.US_ASCII);
    return p.toString();
  }

  /** Runs openssl; the test fails if it is missing (saying how to install it) or fails. */
  private static String openssl(String stdin, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException("`openssl` is not installed (Debian package openssl). Install it with:"
          + " apt-get install -y openssl", e);
    }
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.US_ASCII));
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl timed out");
    assertEquals(0, p.exitValue(), "openssl " + args[0] + " failed: " + out);
    return out;
  }

  @Test
  @External
  void openssl_readsOurEncryptedKeys() throws Exception {
    for (KeyPair pair : List.of(TestKeys.p256(), TestKeys.ed25519())) {
      String file = write("ours-" + pair.getPublic().getAlgorithm() + ".pem",
          KeyFiles.encodePrivateKey(pair.getPrivate(), PASSWORD));
      String pub = openssl(null, "pkey", "-in", file, "-passin", "pass:" + new String(PASSWORD), "-pubout");
      assertEquals(KeyFiles.encodePublicKey(pair.getPublic()), pub);
    }
  }

  @Test
  @External
  void weRead_opensslKeys_scryptPbkdf2AndSec1() throws Exception {
    String ed = dir.resolve("ed.pem").toString();
    openssl(null, "genpkey", "-algorithm", "ed25519", "-out", ed);
    String edPub = openssl(null, "pkey", "-in", ed, "-pubout");
    String scrypt = openssl(null, "pkcs8", "-topk8", "-scrypt", "-in", ed, "-passout", "pass:pw");
    String pbkdf2 = openssl(null, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256", "-in", ed,
        "-passout", "pass:pw");
    for (String pem : List.of(scrypt, pbkdf2)) {
      PrivateKey key = KeyFiles.decodePrivateKey(pem, "pw".toCharArray());
      assertEquals(KeyFiles.decodePublicKey(edPub), Signers.forKey(key).publicKey());
    }
    String sec1 = openssl(null, "ecparam", "-name", "prime256v1", "-genkey", "-noout");
    assertTrue(sec1.startsWith("-----BEGIN EC PRIVATE KEY-----"), sec1.substring(0, 30));
    String sec1Pub = openssl(sec1, "ec", "-pubout");
    PrivateKey ec = KeyFiles.decodePrivateKey(sec1, null);
    assertEquals(KeyFiles.decodePublicKey(sec1Pub.substring(sec1Pub.indexOf("-----BEGIN"))), Signers.forKey(ec).publicKey());
  }
}
