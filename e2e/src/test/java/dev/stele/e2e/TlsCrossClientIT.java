package dev.stele.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.External;
import dev.stele.client.cli.Cli;
import dev.stele.client.protocol.Pem;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Sigstore JavaScript clients against the log's TLS endpoint: the log serves HTTPS with a
 * certificate of a CA made here, Node takes that CA through {@code NODE_EXTRA_CA_CERTS}, and what
 * sigstore-js records verifies with the Stele CLI (given the CA with {@code --log-ca}) and with
 * sigstore-js.
 */
@External
class TlsCrossClientIT {
  @TempDir
  Path dir;

  @Test
  void sigstoreJsRecordsOverTls_andBothClientsVerify() throws Exception {
    SigstoreJs sigstoreJs = SigstoreJs.install();
    KeyPair caKey = ec();
    X500Name caName = new X500Name("CN=stele e2e ca");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE,
        Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(86400)), caName, caKey.getPublic());
    ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    X509Certificate caCert = sign(ca, caKey);
    KeyPair serverKey = ec();
    JcaX509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO,
        Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(86400)), new X500Name("CN=127.0.0.1"),
        serverKey.getPublic());
    server.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
    X509Certificate serverCert = sign(server, caKey);
    Path caFile = write("ca.pem", Pem.encode("CERTIFICATE", caCert.getEncoded()));
    Path certFile = write("tls.pem", Pem.encode("CERTIFICATE", serverCert.getEncoded()));
    Path keyFile = write("tls.key", Pem.encode("PRIVATE KEY", serverKey.getPrivate().getEncoded()));

    Map<String, String> env = new HashMap<>(Map.of("STELE_KEY_PASSWORD", "tls key", "NODE_EXTRA_CA_CERTS",
        caFile.toString()));
    try (LogProcess log = LogProcess.start(dir.resolve("log"), "--tls-cert", certFile.toString(), "--tls-key",
        keyFile.toString())) {
      assertTrue(log.url().toString().startsWith("https://127.0.0.1:"), log.url().toString());
      Path signer = dir.resolve("signer");
      Cli.Run keygen = Stele.inProcess(env, "keygen", "--output-key-prefix", signer.toString());
      assertEquals(Stele.OK, keygen.code(), keygen.toString());
      Path artifact = write("artifact.txt", "signed over TLS");
      Path bundle = dir.resolve("artifact.bundle.json");
      SigstoreJs.Result recorded = sigstoreJs.run(env, "record", "--url", log.url().toString(), "--key",
          signer + ".key", "--kind", "hashedrekord", "--artifact", artifact.toString(), "--bundle", bundle.toString());
      assertEquals(0, recorded.code(), recorded.toString());

      // The log's key, read over TLS by the CLI's own client.
      Cli.Run info = Stele.inProcess(env, "log", "info", "--log-url", log.url().toString(), "--log-ca",
          caFile.toString());
      assertEquals(Stele.OK, info.code(), info.toString());
      Path logKey = log.publicKeyFile();
      Cli.Run verified = Stele.inProcess(env, "verify-blob", artifact.toString(), "--bundle", bundle.toString(),
          "--key", signer + ".pub", "--log-key", logKey.toString(), "--log-url", log.url().toString(),
          "--log-ca", caFile.toString());
      assertEquals(Stele.OK, verified.code(), verified.toString());
      SigstoreJs.Result jsVerified = sigstoreJs.run(env, "verify", "--bundle", bundle.toString(), "--artifact",
          artifact.toString(), "--key", signer + ".pub", "--log-key", logKey.toString(), "--url",
          log.url().toString());
      assertEquals(0, jsVerified.code(), jsVerified.toString());

      // Without the CA, Node refuses the log's certificate.
      env.remove("NODE_EXTRA_CA_CERTS");
      SigstoreJs.Result untrusted = sigstoreJs.run(env, "record", "--url", log.url().toString(), "--key",
          signer + ".key", "--kind", "hashedrekord", "--artifact", artifact.toString(), "--bundle",
          dir.resolve("untrusted.json").toString());
      assertTrue(untrusted.code() != 0, untrusted.toString());
    }
  }

  private static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder b, KeyPair issuer) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
        .build(issuer.getPrivate())));
  }

  private Path write(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.US_ASCII);
    return p;
  }
}
