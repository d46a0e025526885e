package dev.stele.server.security;

import dev.stele.client.keys.KeyFileException;
import dev.stele.client.keys.TlsPair;
import dev.stele.client.protocol.Pem;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * The TLS files of a listener, read and checked: the certificate chain ({@code --tls-cert}) and its
 * private key ({@code --tls-key}), read as {@link TlsPair} reads them (ECDSA or RSA here), and the
 * CAs of client certificates ({@code --client-ca}, optional).
 *
 * <p>The listener offers HTTP/2 and HTTP/1.1 through ALPN. With client CAs, a client certificate is
 * <em>requested</em>, not required: reads stay open to clients without one, and one that is
 * presented must chain to a client CA or the handshake fails.
 */
public final class TlsMaterial {
  private final ServerSSLOptions options;
  private final X509Certificate certificate;
  private final TlsPair pair;

  private TlsMaterial(ServerSSLOptions options, TlsPair pair) {
    this.options = options;
    this.certificate = pair.certificate();
    this.pair = pair;
  }

  /**
   * Reads the files.
   *
   * @throws IOException naming the file and what is wrong with it (never key material)
   */
  public static TlsMaterial read(Path certFile, Path keyFile, Optional<Path> clientCaFile) throws IOException {
    List<X509Certificate> chain = certificates(certFile, "--tls-cert");
    PrivateKey key;
    try {
      key = TlsPair.privateKey(Files.readAllBytes(keyFile));
    } catch (KeyFileException e) {
      throw new IOException("--tls-key " + keyFile + ": " + e.getMessage());
    }
    if (!key.getAlgorithm().equals("EC") && !key.getAlgorithm().equals("RSA")) {
      throw new IOException("--tls-key " + keyFile + ": an ECDSA or RSA key is needed");
    }
    TlsPair pair;
    try {
      pair = TlsPair.of(chain, key);
    } catch (KeyFileException e) {
      throw new IOException("--tls-key " + keyFile + " and --tls-cert " + certFile + ": " + e.getMessage());
    }
    ServerSSLOptions o = new ServerSSLOptions()
        .setKeyCertOptions(new PemKeyCertOptions()
            .setKeyValue(Buffer.buffer(Pem.encode("PRIVATE KEY", pair.key().getEncoded()), "US-ASCII"))
            .setCertValue(Buffer.buffer(pem(pair.chain()), "US-ASCII")))
        .setUseAlpn(true)
        .setApplicationLayerProtocols(List.of("h2", "http/1.1"));
    if (clientCaFile.isPresent()) {
      List<X509Certificate> cas = certificates(clientCaFile.get(), "--client-ca");
      o.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(pem(cas), "US-ASCII")))
          .setClientAuth(ClientAuth.REQUEST);
    }
    return new TlsMaterial(o, pair);
  }

  /** The options to listen or update with (a copy). */
  public ServerSSLOptions options() {
    return options.copy();
  }

  /** The server certificate, for log lines. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** Subject, serial and expiry of the server certificate: what an operator checks after a rotation. */
  public String describe() {
    return pair.describe();
  }

  /** True if the server certificate is outside its validity period now. */
  public boolean expired() {
    Date now = new Date();
    return now.after(certificate.getNotAfter()) || now.before(certificate.getNotBefore());
  }

  private static List<X509Certificate> certificates(Path file, String option) throws IOException {
    try {
      return TlsPair.certificates(Files.readAllBytes(file));
    } catch (KeyFileException e) {
      throw new IOException(option + " " + file + ": " + e.getMessage());
    }
  }

  private static String pem(List<X509Certificate> certs) throws IOException {
    List<Pem.Block> blocks = new ArrayList<>();
    for (X509Certificate c : certs) {
      try {
        blocks.add(new Pem.Block("CERTIFICATE", c.getEncoded()));
      } catch (java.security.cert.CertificateEncodingException e) {
        throw new IOException("cannot encode a certificate: " + e.getMessage());
      }
    }
    return Pem.encode(blocks);
  }
}
