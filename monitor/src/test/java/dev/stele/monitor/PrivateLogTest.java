package dev.stele.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.http.HttpTransport;
import dev.stele.client.keys.KeyFiles;
import dev.stele.client.protocol.Pem;
import dev.stele.server.Main;
import dev.stele.server.SecurityConfig;
import dev.stele.server.ServerConfig;
import dev.stele.server.security.TokenFile;
import dev.stele.server.sign.LogKeys;
import io.vertx.core.VertxOptions;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
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
 * The monitor against a private log: served over TLS under a private CA ({@code --log-ca}) and
 * with reads restricted to token holders ({@code --log-token-file}). A real log on 127.0.0.1; the
 * monitor as its command line runs it, once.
 */
class PrivateLogTest {
  @TempDir
  Path dir;

  private static X509Certificate certificate(X500Name issuer, X500Name subject, KeyPair subjectKey, KeyPair issuerKey,
      boolean ca) throws Exception {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), subject,
        subjectKey.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    if (!ca) {
      b.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    }
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
  }

  @Test
  void withTheLogsCaAndAReadToken_theMonitorChecksIt_withoutEitherItCannot() throws Exception {
    KeyPair caKey = KeyFiles.generateEcdsaP256();
    KeyPair serverKey = KeyFiles.generateEcdsaP256();
    X500Name caName = new X500Name("CN=private log CA");
    X509Certificate ca = certificate(caName, caName, caKey, caKey, true);
    X509Certificate server = certificate(caName, new X500Name("CN=log"), serverKey, caKey, false);
    Path certFile = dir.resolve("cert.pem");
    Path keyFile = dir.resolve("key.pem");
    Path caFile = dir.resolve("ca.pem");
    Files.writeString(certFile, Pem.encode("CERTIFICATE", server.getEncoded()) + Pem.encode("CERTIFICATE", ca.getEncoded()));
    KeyFiles.writePrivateKeyUnencrypted(keyFile, serverKey.getPrivate());
    Files.writeString(caFile, Pem.encode("CERTIFICATE", ca.getEncoded()));
    Path readTokens = dir.resolve("read.tokens");
    Files.writeString(readTokens, "auditor " + TokenFile.hash("r-tok") + "\n");
    Path token = dir.resolve("token");
    Files.writeString(token, "r-tok\n");
    Path wrongToken = dir.resolve("wrong-token");
    Files.writeString(wrongToken, "not-the-token\n");

    SecurityConfig security = new SecurityConfig(Optional.of(certFile), Optional.of(keyFile), Optional.empty(),
        Optional.empty(), Optional.of(readTokens), Optional.empty(), 0, Optional.empty(), LogKeys.Source.PEM,
        Duration.ofHours(1));
    Main.Server log = Main.Server.start(new ServerConfig(0, "127.0.0.1", dir.resolve("data"), Optional.empty(),
        Optional.empty(), Optional.of(11L), 100, Duration.ofMillis(2), 1000, 64 * 1024, 2, 4), security,
        new VertxOptions(), UnaryOperator.identity());
    try {
      URI url = URI.create("https://127.0.0.1:" + log.port());
      Path logKey = dir.resolve("log.pub");
      KeyFiles.writePublicKey(logKey, log.signer().publicKey());
      // Three entries, written over TLS (writes are open on this log; reads need the token).
      HttpTransport writer = HttpTransport.builder().trustRoots(List.of(ca)).bearerToken(url, "r-tok").build();
      TestEntries signer = new TestEntries();
      for (int i = 0; i < 3; i++) {
        HttpTransport.Response r = writer.send(HttpTransport.Request.post(URI.create(url + "/api/v1/log/entries"),
            "application/json", signer.body("private " + i)));
        assertEquals(201, r.status(), new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
      }

      String[] base = {"--log-url", url.toString(), "--log-key", logKey.toString(), "--once", "--metrics-port", "-1",
          "--protocol", "v1"};
      assertEquals(0, monitor(base, "--state", dir.resolve("s1").toString(), "--log-ca", caFile.toString(),
          "--log-token-file", token.toString()), "the CA and the token: checked");
      List<MonitorState.Seen> seen = MonitorState.load(dir.resolve("s1"), url.toString()).history();
      assertEquals(3, seen.get(seen.size() - 1).size());

      assertEquals(dev.stele.monitor.Main.EXIT_NOT_CHECKED, monitor(base, "--state", dir.resolve("s2").toString(),
          "--log-token-file", token.toString()), "without the CA the TLS handshake fails");
      assertEquals(dev.stele.monitor.Main.EXIT_NOT_CHECKED, monitor(base, "--state", dir.resolve("s3").toString(),
          "--log-ca", caFile.toString()), "without the token the log answers 401");
      assertEquals(dev.stele.monitor.Main.EXIT_NOT_CHECKED, monitor(base, "--state", dir.resolve("s4").toString(),
          "--log-ca", caFile.toString(), "--log-token-file", wrongToken.toString()), "a wrong token: 401");
      assertEquals(dev.stele.monitor.Main.EXIT_USAGE, monitor(base, "--state", dir.resolve("s5").toString(),
          "--log-ca", token.toString()), "a CA file without a certificate is refused at start");
    } finally {
      log.close();
    }
  }

  private static int monitor(String[] base, String... more) {
    String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return dev.stele.monitor.Main.run(args);
  }
}
