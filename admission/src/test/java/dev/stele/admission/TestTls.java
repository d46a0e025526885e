package dev.stele.admission;

import dev.stele.client.keys.KeyFiles;
import dev.stele.client.protocol.Pem;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made in the test, as a cluster's would be: a self-signed root, and
 * server certificates for 127.0.0.1 and the webhook's Service name with serverAuth usage, written
 * as the PEM pair a Kubernetes TLS Secret holds. Clients trust the root through {@link #clientContext()}.
 */
final class TestTls {
  private final AtomicLong serial = new AtomicLong(1);
  private final KeyPair caKey = ec();
  private final X509Certificate ca;

  TestTls(String name) throws Exception {
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=" + name), next(),
        Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plusSeconds(3600)), new X500Name("CN=" + name),
        caKey.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    ca = sign(b);
  }

  /** Writes tls.crt and tls.key (PKCS#8 EC key) for 127.0.0.1 and {@code dnsName} into {@code dir}. */
  X509Certificate writeServerPair(Path dir, String dnsName) throws Exception {
    KeyPair k = ec();
    X509Certificate cert = server(k, dnsName);
    Files.writeString(dir.resolve("tls.crt"), Pem.encode("CERTIFICATE", cert.getEncoded())
        + Pem.encode("CERTIFICATE", ca.getEncoded()));
    Files.writeString(dir.resolve("tls.key"), KeyFiles.encodePrivateKeyUnencrypted(k.getPrivate()));
    return cert;
  }

  /** The same with an RSA key written as PKCS#1 ({@code RSA PRIVATE KEY}), as older tools write it. */
  X509Certificate writeRsaServerPair(Path dir, String dnsName) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair k = g.generateKeyPair();
    X509Certificate cert = server(k, dnsName);
    Files.writeString(dir.resolve("tls.crt"), Pem.encode("CERTIFICATE", cert.getEncoded()));
    byte[] pkcs1 = PrivateKeyInfo.getInstance(k.getPrivate().getEncoded()).parsePrivateKey().toASN1Primitive()
        .getEncoded();
    Files.writeString(dir.resolve("tls.key"), Pem.encode("RSA PRIVATE KEY", pkcs1));
    return cert;
  }

  X509Certificate root() {
    return ca;
  }

  /** A client context that trusts this CA only. */
  SSLContext clientContext() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private X509Certificate server(KeyPair k, String dnsName) throws Exception {
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(ca.getSubjectX500Principal().getName()),
        next(), Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plusSeconds(3600)),
        new X500Name("CN=" + dnsName), k.getPublic());
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.dNSName, dnsName),
        new GeneralName(GeneralName.iPAddress, InetAddress.getByName("127.0.0.1").getHostAddress())}));
    return sign(b);
  }

  private BigInteger next() {
    return BigInteger.valueOf(serial.incrementAndGet());
  }

  private X509Certificate sign(JcaX509v3CertificateBuilder b) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())));
  }

  private static KeyPair ec() {
    return KeyFiles.generateEcdsaP256();
  }
}
