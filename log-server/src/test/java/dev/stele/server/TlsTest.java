package dev.stele.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public listener over TLS: ECDSA and RSA certificates, HTTP/2 through ALPN, reloads without a restart. */
class TlsTest {
  @TempDir
  Path dir;

  private TestServer start(TestPki ca, Exposure exposure) throws Exception {
    return TestServer.start(TestServer.config(dir.resolve("data")), exposure.config(),
        ca.client(HttpClient.Version.HTTP_1_1, null));
  }

  private static BigInteger servedSerial(TestPki ca, String base, HttpClient.Version version) throws Exception {
    HttpResponse<String> r = ca.client(version, null).send(HttpRequest.newBuilder(URI.create(base + "/checkpoint"))
        .timeout(TestServer.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return ((X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber();
  }

  @Test
  void ecdsaCertificate_servesHttp2ThroughAlpn_andHttp11() throws Exception {
    TestPki ca = new TestPki("test-ca");
    TestPki.Issued cert = ca.server("log", TestPki.ec());
    cert.write(dir.resolve("cert.pem"), dir.resolve("key.pem"), ca.certificate);
    try (TestServer log = start(ca, new Exposure().tls(dir.resolve("cert.pem"), dir.resolve("key.pem")))) {
      assertTrue(log.base.startsWith("https://"), log.base);
      HttpResponse<String> h2 = ca.client(HttpClient.Version.HTTP_2, null).send(HttpRequest.newBuilder(
          URI.create(log.base + "/api/v1/log")).timeout(TestServer.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, h2.statusCode(), h2.body());
      assertEquals(HttpClient.Version.HTTP_2, h2.version(), "ALPN chose h2");
      HttpResponse<String> h1 = log.get("/api/v1/log");
      assertEquals(200, h1.statusCode());
      assertEquals(HttpClient.Version.HTTP_1_1, h1.version());
      assertEquals(cert.certificate().getSerialNumber(), servedSerial(ca, log.base, HttpClient.Version.HTTP_2));
      // A write over TLS, checked as a verifier does.
      Proposals signer = new Proposals();
      HttpResponse<String> created = log.post("/api/v1/log/entries", signer.hashedRekord(Proposals.artifact("tls")));
      assertEquals(201, created.statusCode(), created.body());
      log.verifiedEntry(created.body());
      // Plain HTTP on the TLS port gets no answer from the log.
      assertThrows(IOException.class, () -> TestServer.HTTP.send(HttpRequest.newBuilder(
          URI.create(log.base.replace("https:", "http:") + "/checkpoint")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
  }

  @Test
  void rsaCertificate_withAPkcs1Key() throws Exception {
    TestPki ca = new TestPki("test-ca");
    TestPki.Issued cert = ca.server("log-rsa", TestPki.rsa());
    cert.write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    // The same key as PKCS#1 ("RSA PRIVATE KEY"), as openssl genrsa -traditional writes it.
    byte[] pkcs1 = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(cert.key().getPrivate().getEncoded())
        .parsePrivateKey().toASN1Primitive().getEncoded();
    Files.writeString(dir.resolve("key.pem"), dev.stele.client.protocol.Pem.encode("RSA PRIVATE KEY", pkcs1));
    try (TestServer log = start(ca, new Exposure().tls(dir.resolve("cert.pem"), dir.resolve("key.pem")))) {
      assertEquals(cert.certificate().getSerialNumber(), servedSerial(ca, log.base, HttpClient.Version.HTTP_2));
      assertEquals(200, log.get("/checkpoint").statusCode());
    }
  }

  @Test
  void aKeyThatIsNotTheCertificates_isRefusedAtStart() throws Exception {
    TestPki ca = new TestPki("test-ca");
    ca.server("log", TestPki.ec()).write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    ca.server("other", TestPki.ec()).write(dir.resolve("other.pem"), dir.resolve("other-key.pem"));
    IOException e = assertThrows(IOException.class,
        () -> start(ca, new Exposure().tls(dir.resolve("cert.pem"), dir.resolve("other-key.pem"))));
    assertTrue(e.getMessage().contains("does not belong to the first certificate"), e.getMessage());
  }

  @Test
  void aNewCertificate_isServedAfterTheFilesChange_withoutARestart_andABadPairKeepsTheOld() throws Exception {
    TestPki ca = new TestPki("test-ca");
    TestPki.Issued first = ca.server("log-1", TestPki.ec());
    first.write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    try (TestServer log = start(ca, new Exposure().tls(dir.resolve("cert.pem"), dir.resolve("key.pem"))
        .reload(Duration.ofMillis(200)))) {
      assertEquals(first.certificate().getSerialNumber(), servedSerial(ca, log.base, HttpClient.Version.HTTP_1_1));

      // Half a rotation: a new certificate beside the old key. Refused; the old pair is still served.
      TestPki.Issued second = ca.server("log-2", TestPki.rsa());
      second.write(dir.resolve("cert.pem"), dir.resolve("unused-key.pem"));
      Thread.sleep(1000);
      assertEquals(first.certificate().getSerialNumber(), servedSerial(ca, log.base, HttpClient.Version.HTTP_1_1));

      // The key arrives: the poll finds the change and the new pair is served, over h2 too.
      second.write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
      BigInteger served = null;
      // A deadline, not a count of tries: on a loaded machine each TLS handshake can take seconds.
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!second.certificate().getSerialNumber().equals(served) && System.nanoTime() < deadline) {
        Thread.sleep(100);
        served = servedSerial(ca, log.base, HttpClient.Version.HTTP_1_1);
      }
      assertEquals(second.certificate().getSerialNumber(), served, "reloaded on a file change");
      assertEquals(second.certificate().getSerialNumber(), servedSerial(ca, log.base, HttpClient.Version.HTTP_2));
    }
  }

  @Test
  void sighup_reloadsTheCertificate() throws Exception {
    TestPki ca = new TestPki("test-ca");
    TestPki.Issued first = ca.server("log-1", TestPki.ec());
    first.write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    // No polling within the test: only the signal can reload.
    try (TestServer log = start(ca, new Exposure().tls(dir.resolve("cert.pem"), dir.resolve("key.pem"))
        .reload(Duration.ofHours(1)))) {
      TestPki.Issued second = ca.server("log-2", TestPki.ec());
      second.write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
      assertEquals(first.certificate().getSerialNumber(), servedSerial(ca, log.base, HttpClient.Version.HTTP_1_1));
      Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
      assertEquals(0, kill.waitFor());
      BigInteger served = null;
      // A deadline, not a count of tries: on a loaded machine each TLS handshake can take seconds.
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!second.certificate().getSerialNumber().equals(served) && System.nanoTime() < deadline) {
        Thread.sleep(100);
        served = servedSerial(ca, log.base, HttpClient.Version.HTTP_1_1);
      }
      assertEquals(second.certificate().getSerialNumber(), served, "reloaded on SIGHUP (a JVM started under"
          + " nohup inherits SIGHUP as ignored and cannot handle it: run the build without nohup)");
    }
  }
}
