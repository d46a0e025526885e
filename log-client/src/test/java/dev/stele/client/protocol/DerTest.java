package dev.stele.client.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.TestCa;
import dev.stele.client.crypto.KeyType;
import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.TestKeys;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;

class DerTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void certificate_exactDer_parses() throws Exception {
    X509Certificate root = new TestCa("der test", NOW.minusSeconds(3600), NOW.plusSeconds(3600)).root();
    X509Certificate parsed = Der.certificate("c", root.getEncoded());
    assertEquals(root, parsed);
  }

  @Test
  void certificate_trailingBytes_areRefused_withBothLengths() throws Exception {
    byte[] der = new TestCa("der test", NOW.minusSeconds(3600), NOW.plusSeconds(3600)).root().getEncoded();
    byte[] longer = Arrays.copyOf(der, der.length + 1);
    FormatException e = assertThrows(FormatException.class, () -> Der.certificate("chain[0]", longer));
    assertEquals("chain[0] is " + longer.length + " bytes, but its DER certificate is " + der.length
        + ": the bytes are not exactly one DER certificate", e.getMessage());
  }

  @Test
  void certificate_garbage_isRefused_namingTheValue() {
    FormatException e = assertThrows(FormatException.class, () -> Der.certificate("chain[1]", new byte[] {1, 2, 3}));
    assertTrue(e.getMessage().startsWith("chain[1] is not a DER X.509 certificate"), e.getMessage());
  }

  @Test
  void publicKey_unsupportedType_namesTheValue() throws Exception {
    byte[] rsa1024 = TestKeys.rsa(1024).getPublic().getEncoded();
    FormatException e = assertThrows(FormatException.class, () -> Der.publicKey("key.rawBytes", rsa1024));
    assertEquals("key.rawBytes: unsupported RSA key size 1024 bits; supported: 2048, 3072, 4096", e.getMessage());
  }

  @Test
  void pkcs1RsaPublicKey_isTheSameKeyAsItsSpki() throws Exception {
    PublicKey rsa = TestKeys.rsa(2048).getPublic();
    byte[] pkcs1 = SubjectPublicKeyInfo.getInstance(rsa.getEncoded()).getPublicKeyData().getOctets();
    PublicKey parsed = Der.pkcs1RsaPublicKey("k", pkcs1);
    assertArrayEquals(rsa.getEncoded(), parsed.getEncoded());
    assertEquals(KeyType.RSA_2048, PublicKeys.typeOf(parsed));
    FormatException e = assertThrows(FormatException.class, () -> Der.pkcs1RsaPublicKey("k", new byte[] {0x30, 0}));
    assertEquals("k is not a DER PKCS#1 RSA public key", e.getMessage());
  }
}
