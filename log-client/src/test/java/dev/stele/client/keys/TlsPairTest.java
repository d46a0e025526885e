package dev.stele.client.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.protocol.Pem;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * The TLS pair as listeners read it: the three private key encodings servers and Kubernetes
 * secrets use, a combined file, and everything that must be refused with a message that holds no
 * key material.
 */
class TlsPairTest {
  private static KeyPair pair(String algorithm) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
    if (algorithm.equals("RSA")) {
      g.initialize(2048);
    } else if (algorithm.equals("EC")) {
      g.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
    }
    return g.generateKeyPair();
  }

  private static X509Certificate selfSigned(KeyPair key, String cn) throws Exception {
    String alg = switch (key.getPrivate().getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> "Ed25519";
    };
    Instant now = Instant.now();
    X500Name name = new X500Name("CN=" + cn);
    return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.TEN,
        Date.from(now.minus(Duration.ofMinutes(1))), Date.from(now.plus(Duration.ofDays(1))), name, key.getPublic())
        .build(new JcaContentSignerBuilder(alg).build(key.getPrivate())));
  }

  private static byte[] pem(String type, byte[] der) {
    return Pem.encode(type, der).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[]... parts) {
    StringBuilder s = new StringBuilder();
    for (byte[] p : parts) {
      s.append(new String(p, StandardCharsets.US_ASCII));
    }
    return s.toString().getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void pkcs8_pkcs1AndSec1Keys_areRead_andMatchTheirCertificates() throws Exception {
    KeyPair rsa = pair("RSA");
    KeyPair ec = pair("EC");
    KeyPair ed = pair("Ed25519");
    PrivateKeyInfo rsaInfo = PrivateKeyInfo.getInstance(rsa.getPrivate().getEncoded());
    PrivateKeyInfo ecInfo = PrivateKeyInfo.getInstance(ec.getPrivate().getEncoded());

    TlsPair p = TlsPair.parse(pem("CERTIFICATE", selfSigned(rsa, "rsa").getEncoded()),
        pem("RSA PRIVATE KEY", rsaInfo.parsePrivateKey().toASN1Primitive().getEncoded()));
    assertEquals("RSA", p.key().getAlgorithm());
    // SEC 1 as OpenSSL writes it: the curve inside the key.
    org.bouncycastle.asn1.sec.ECPrivateKey inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(
        ecInfo.parsePrivateKey());
    byte[] sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(384, inner.getKey(),
        ecInfo.getPrivateKeyAlgorithm().getParameters()).getEncoded();
    p = TlsPair.parse(pem("CERTIFICATE", selfSigned(ec, "ec").getEncoded()), pem("EC PRIVATE KEY", sec1));
    assertEquals("EC", p.key().getAlgorithm());
    p = TlsPair.parse(pem("CERTIFICATE", selfSigned(ed, "ed").getEncoded()), pem("PRIVATE KEY",
        ed.getPrivate().getEncoded()));
    assertTrue(p.describe().startsWith("CN=ed (serial a, valid until "), p.describe());
  }

  @Test
  void aCombinedFile_servesAsBoth_andTheChainKeepsItsOrder() throws Exception {
    KeyPair leaf = pair("EC");
    KeyPair other = pair("EC");
    byte[] file = concat(pem("PRIVATE KEY", leaf.getPrivate().getEncoded()),
        pem("CERTIFICATE", selfSigned(leaf, "leaf").getEncoded()), pem("CERTIFICATE", selfSigned(other, "ca").getEncoded()));
    TlsPair p = TlsPair.parse(file, file);
    assertEquals(2, p.chain().size());
    assertEquals("CN=leaf", p.certificate().getSubjectX500Principal().getName());
  }

  @Test
  void theWrongKey_anEncryptedKey_noCertificate_andDamagedBlocks_areRefused_withoutKeyMaterial() throws Exception {
    KeyPair a = pair("EC");
    KeyPair b = pair("EC");
    byte[] certA = pem("CERTIFICATE", selfSigned(a, "a").getEncoded());
    byte[] keyB = pem("PRIVATE KEY", b.getPrivate().getEncoded());
    String keyText = Base64.getEncoder().encodeToString(b.getPrivate().getEncoded()).substring(0, 40);

    KeyFileException e = assertThrows(KeyFileException.class, () -> TlsPair.parse(certA, keyB));
    assertTrue(e.getMessage().startsWith("the private key does not belong to the first certificate, CN=a"), e.getMessage());
    // A key of another algorithm than the certificate's is not its key either.
    KeyPair rsa = pair("RSA");
    e = assertThrows(KeyFileException.class,
        () -> TlsPair.parse(certA, pem("PRIVATE KEY", rsa.getPrivate().getEncoded())));
    assertTrue(e.getMessage().contains("does not belong"), e.getMessage());

    KeyPair p256 = KeyFiles.generateEcdsaP256();
    String encrypted = KeyFiles.encodePrivateKey(p256.getPrivate(), "pw".toCharArray());
    byte[] certP256 = pem("CERTIFICATE", selfSigned(p256, "p256").getEncoded());
    e = assertThrows(KeyFileException.class,
        () -> TlsPair.parse(certP256, encrypted.getBytes(StandardCharsets.US_ASCII)));
    assertTrue(e.getMessage().contains("is encrypted"), e.getMessage());

    e = assertThrows(KeyFileException.class, () -> TlsPair.parse(keyB, keyB));
    assertEquals("holds no PEM CERTIFICATE", e.getMessage());
    e = assertThrows(KeyFileException.class, () -> TlsPair.parse(certA, certA));
    assertEquals("holds no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY", e.getMessage());

    byte[] damaged = pem("PRIVATE KEY", new byte[] {0x30, 0x03, 0x02, 0x01, 0x00});
    e = assertThrows(KeyFileException.class, () -> TlsPair.parse(certA, damaged));
    assertTrue(e.getMessage().startsWith("the PRIVATE KEY is damaged"), e.getMessage());
    e = assertThrows(KeyFileException.class, () -> TlsPair.parse("not pem".getBytes(StandardCharsets.US_ASCII), keyB));
    assertFalse(e.getMessage().contains(keyText));

    TlsPair ok = TlsPair.parse(certA, pem("PRIVATE KEY", a.getPrivate().getEncoded()));
    assertFalse(ok.toString().contains(Base64.getEncoder().encodeToString(a.getPrivate().getEncoded()).substring(0, 40)),
        ok.toString());
    assertTrue(ok.toString().startsWith("TlsPair[CN=a"), ok.toString());
  }
}
