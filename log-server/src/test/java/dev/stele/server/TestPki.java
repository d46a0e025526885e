package dev.stele.server;

import dev.stele.client.protocol.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made in the test with Bouncy Castle: server certificates for
 * 127.0.0.1 and localhost (ECDSA or RSA), client certificates, PEM files, and JDK HTTP clients
 * that trust it.
 */
final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  final String name;
  final KeyPair key;
  final X509Certificate certificate;

  /** An issued certificate and its key. */
  record Issued(X509Certificate certificate, KeyPair key) {
    /** Writes the certificate (with {@code chain} after it) and the PKCS#8 key as PEM files. */
    void write(Path cert, Path keyFile, X509Certificate... chain) throws Exception {
      StringBuilder pem = new StringBuilder(Pem.encode("CERTIFICATE", certificate.getEncoded()));
      for (X509Certificate c : chain) pem.append(Pem.encode("CERTIFICATE", c.getEncoded()));
      Files.writeString(cert, pem, StandardCharsets.US_ASCII);
      Files.writeString(keyFile, Pem.encode("PRIVATE KEY", key.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
    }
  }

  TestPki(String name) throws Exception {
    this.name = name;
    this.key = ec();
    X500Name subject = new X500Name("CN=" + name);
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minusSeconds(60)),
        Date.from(now.plus(Duration.ofDays(2))), subject, key.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    this.certificate = sign(b, key.getPrivate());
  }

  static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  /** A server certificate for 127.0.0.1 and localhost. */
  Issued server(String cn, KeyPair subjectKey) throws Exception {
    JcaX509v3CertificateBuilder b = leaf(cn, subjectKey);
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
    return new Issued(sign(b, key.getPrivate()), subjectKey);
  }

  /** A client certificate. */
  Issued client(String cn) throws Exception {
    KeyPair k = ec();
    return new Issued(sign(leaf(cn, k), key.getPrivate()), k);
  }

  private JcaX509v3CertificateBuilder leaf(String cn, KeyPair subjectKey) throws Exception {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=" + name),
        serial(), Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))),
        new X500Name("CN=" + cn + ",O=stele test"), subjectKey.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    return b;
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIAL.incrementAndGet());
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey issuer) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
        .build(issuer)));
  }

  /** The CA certificate as a PEM file. */
  Path writeCa(Path file) throws IOException {
    try {
      Files.writeString(file, Pem.encode("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IOException(e);
    }
    return file;
  }

  /** A JDK client that trusts this CA (and only it), with {@code clientCert} if given. */
  HttpClient client(HttpClient.Version version, Issued clientCert) throws Exception {
    // The connect time-out covers the TLS handshake: at a load of 30 on two cores the first one
    // of a fresh server took more than 5 s (AccessControlTest, twice).
    return HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(30))
        .sslContext(sslContext(clientCert)).build();
  }

  SSLContext sslContext(Issued clientCert) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", certificate);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (clientCert != null) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("client", clientCert.key().getPrivate(), "pw".toCharArray(),
          new X509Certificate[] {clientCert.certificate()});
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, "pw".toCharArray());
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
    return ctx;
  }

  static InetAddress loopback() throws IOException {
    return InetAddress.getByName("127.0.0.1");
  }
}
