package dev.stele.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.protocol.Der;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.KeyMaterial;
import dev.stele.client.protocol.Pem;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** PEM and DER public keys and certificates, wherever an entry, a bundle or a log hands them over. */
class KeyFuzzTest {
  /**
   * The key of an entry (hashedrekord {@code publicKey.content}, dsse verifiers, the search
   * query's key): a PEM public key, certificate or chain. Its canonical PEM reads back the same.
   */
  @FuzzTest
  void keyMaterial(byte[] input) throws FormatException {
    KeyMaterial key;
    try {
      key = KeyMaterial.parse(input);
    } catch (FormatException e) {
      Contract.refused(e);
      return;
    }
    KeyMaterial again = KeyMaterial.parse(key.canonicalPemBytes());
    assertEquals(key.canonicalPem(), again.canonicalPem());
    assertEquals(key.publicKey(), again.publicKey());
    assertEquals(key.subjects(), again.subjects());
  }

  /** PEM blocks; blocks written in the canonical layout read back the same. */
  @FuzzTest
  void pemBlocks(byte[] input) throws FormatException {
    List<Pem.Block> blocks;
    try {
      blocks = Pem.decode(Contract.utf8(input));
    } catch (FormatException e) {
      Contract.refused(e);
      return;
    }
    assertEquals(blocks, Pem.decode(Pem.encode(blocks)));
  }

  /** A DER SubjectPublicKeyInfo (trusted roots, vkeys); a key reads back from its own encoding. */
  @FuzzTest
  void derPublicKey(byte[] input) throws InvalidKeyException {
    PublicKey key;
    try {
      key = PublicKeys.fromDer(input);
    } catch (InvalidKeyException e) {
      Contract.refused(e);
      return;
    }
    PublicKeys.typeOf(key);
    assertArrayEquals(key.getEncoded(), PublicKeys.fromDer(key.getEncoded()).getEncoded());
  }

  /** A DER certificate (bundles, trusted roots): accepted only without trailing bytes. */
  @FuzzTest
  void derCertificate(byte[] input) throws Exception {
    X509Certificate cert;
    try {
      cert = Der.certificate("certificate", input);
    } catch (FormatException e) {
      Contract.refused(e);
      return;
    }
    assertArrayEquals(input, cert.getEncoded());
  }

  /** A log's public key as {@code GET /api/v1/log/publicKey} serves it. */
  @FuzzTest
  void logPublicKey(byte[] input) {
    try {
      KeyMaterial.parsePublicKey(new String(input, StandardCharsets.UTF_8));
    } catch (FormatException e) {
      Contract.refused(e);
    }
  }
}
