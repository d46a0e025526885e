package dev.stele.client.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import dev.stele.client.protocol.Pem;
import dev.stele.client.protocol.Vectors;
import java.security.PublicKey;
import org.junit.jupiter.api.Test;

class PublicKeysTest {
  @Test
  void logIdAndKeyHint_productionRekorKey() throws Exception {
    PublicKey key = PublicKeys.fromDer(Pem.decodeSingle(
        Vectors.text("rekor-public-good/trust/rekor.sigstore.dev.pub.pem"), "PUBLIC KEY").bytes());
    // The published log ID of rekor.sigstore.dev (trusted_root.production.json, logId.keyId).
    assertEquals("c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d", PublicKeys.logId(key).hex());
    assertEquals(0xc0d23d6a, PublicKeys.keyHint(key));
    assertEquals("ECDSA P-256 key c0d23d6a", PublicKeys.describe(key));
  }

  /** Parsing is fresh each time here; {@link VerifierCache} is where parsed points are kept. */
  @Test
  void bcParameters_parsesAfreshEachTime() throws Exception {
    PublicKey key = TestKeys.freshP256().getPublic();
    assertNotSame(PublicKeys.bcParameters(key), PublicKeys.bcParameters(key));
  }

  @Test
  void ed25519_rawRoundTrip() throws Exception {
    PublicKey key = TestKeys.freshEd25519().getPublic();
    byte[] raw = PublicKeys.ed25519Raw(key);
    assertEquals(32, raw.length);
    assertArrayEquals(key.getEncoded(), PublicKeys.ed25519(raw).getEncoded());
  }
}
