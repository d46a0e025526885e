package dev.stele.server.security;

import dev.stele.client.protocol.Der;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.Pem;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * The TLS files of a listener, read and checked: the certificate chain ({@code --tls-cert}, PEM,
 * the server's certificate first), its private key ({@code --tls-key}, PEM: PKCS#8 {@code
 * PRIVATE KEY}, PKCS#1 {@code RSA PRIVATE KEY} or SEC 1 {@code EC PRIVATE KEY}; ECDSA or RSA;
 * unencrypted), and the CAs of client certificates ({@code --client-ca}, optional).
 *
 * <p>The key must belong to the first certificate (a test signature shows it), so that a
 * rotation caught half-way (a new certificate beside the old key) is refused rather than served.
 * The listener offers HTTP/2 and HTTP/1.1 through ALPN. With client CAs, a client certificate is
 * <em>requested</em>, not required: reads stay open to clients without one, and one that is
 * presented must chain to a client CA or the handshake fails.
 */
public final class TlsMaterial {
  private final ServerSSLOptions options;
  private final X509Certificate certificate;

  private TlsMaterial(ServerSSLOptions options, X509Certificate certificate) {
    this.options = options;
    this.certificate = certificate;
  }

  /**
   * Reads the files.
   *
   * @throws IOException naming the file and what is wrong with it (never key material)
   */
  public static TlsMaterial read(Path certFile, Path keyFile, Optional<Path> clientCaFile) throws IOException {
    List<X509Certificate> chain = certificates(certFile, "--tls-cert");
    PrivateKey key = privateKey(keyFile);
    checkPair(key, chain.get(0).getPublicKey(), certFile, keyFile);
    ServerSSLOptions o = new ServerSSLOptions()
        .setKeyCertOptions(new PemKeyCertOptions()
            .setKeyValue(Buffer.buffer(Pem.encode("PRIVATE KEY", key.getEncoded()), "US-ASCII"))
            .setCertValue(Buffer.buffer(pem(chain), "US-ASCII")))
        .setUseAlpn(true)
        .setApplicationLayerProtocols(List.of("h2", "http/1.1"));
    if (clientCaFile.isPresent()) {
      List<X509Certificate> cas = certificates(clientCaFile.get(), "--client-ca");
      o.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(pem(cas), "US-ASCII")))
          .setClientAuth(ClientAuth.REQUEST);
    }
    return new TlsMaterial(o, chain.get(0));
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
    return certificate.getSubjectX500Principal().getName() + " (serial " + certificate.getSerialNumber().toString(16)
        + ", valid until " + certificate.getNotAfter().toInstant() + ")";
  }

  /** True if the server certificate is outside its validity period now. */
  public boolean expired() {
    Date now = new Date();
    return now.after(certificate.getNotAfter()) || now.before(certificate.getNotBefore());
  }

  private static List<X509Certificate> certificates(Path file, String option) throws IOException {
    List<X509Certificate> out = new ArrayList<>();
    try {
      for (Pem.Block b : Pem.decode(Files.readString(file, StandardCharsets.US_ASCII))) {
        if (b.type().equals("CERTIFICATE")) {
          out.add(Der.certificate("a certificate in " + option + " " + file, b.bytes()));
        }
      }
    } catch (FormatException e) {
      throw new IOException(option + " " + file + ": " + e.getMessage());
    }
    if (out.isEmpty()) {
      throw new IOException(option + " " + file + " holds no PEM CERTIFICATE");
    }
    return out;
  }

  private static PrivateKey privateKey(Path file) throws IOException {
    List<Pem.Block> blocks;
    try {
      blocks = Pem.decode(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (FormatException e) {
      throw new IOException("--tls-key " + file + ": " + e.getMessage());
    }
    for (Pem.Block b : blocks) {
      PrivateKeyInfo info;
      try {
        switch (b.type()) {
          case "PRIVATE KEY":
            info = PrivateKeyInfo.getInstance(b.bytes());
            break;
          case "RSA PRIVATE KEY":
            info = new PrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                RSAPrivateKey.getInstance(b.bytes()));
            break;
          case "EC PRIVATE KEY":
            ECPrivateKey ec = ECPrivateKey.getInstance(b.bytes());
            if (ec.getParametersObject() == null) {
              throw new IOException("--tls-key " + file + ": the EC PRIVATE KEY names no curve");
            }
            info = new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey,
                ec.getParametersObject()), ec);
            break;
          case "ENCRYPTED PRIVATE KEY":
            throw new IOException("--tls-key " + file + " is encrypted; the server reads an unencrypted key"
                + " (keep the file readable by the server's user only)");
          default:
            continue;
        }
        String algorithm = info.getPrivateKeyAlgorithm().getAlgorithm().equals(PKCSObjectIdentifiers.rsaEncryption)
            ? "RSA" : info.getPrivateKeyAlgorithm().getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey)
            ? "EC" : null;
        if (algorithm == null) {
          throw new IOException("--tls-key " + file + ": an ECDSA or RSA key is needed");
        }
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
      } catch (GeneralSecurityException | IllegalArgumentException | IOException e) {
        if (e instanceof IOException && e.getMessage() != null && e.getMessage().startsWith("--tls-key")) {
          throw (IOException) e;
        }
        throw new IOException("--tls-key " + file + ": the " + b.type() + " is damaged ("
            + e.getClass().getSimpleName() + ")");
      }
    }
    throw new IOException("--tls-key " + file + " holds no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY");
  }

  /** A test signature: the key must be the certificate's. */
  private static void checkPair(PrivateKey key, PublicKey certKey, Path certFile, Path keyFile) throws IOException {
    String alg = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    byte[] probe = "stele tls key check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(certKey);
      v.update(probe);
      if (v.verify(sig)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      // a key of another type than the certificate's: not its key
    }
    throw new IOException("--tls-key " + keyFile + " is not the key of the first certificate in --tls-cert "
        + certFile + " (a rotation half done? write the key and the certificate, then reload)");
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
