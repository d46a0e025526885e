package dev.stele.admission;

import dev.stele.client.keys.KeyFileException;
import dev.stele.client.keys.TlsPair;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The webhook's TLS certificate and key, read from a PEM pair as Kubernetes mounts a
 * {@code kubernetes.io/tls} Secret ({@code tls.crt}: the certificate, then its chain;
 * {@code tls.key}: the private key) and checked by {@link TlsPair}, and read again when the files
 * change: a renewed certificate (by cert-manager, or a new Secret) is served to the next
 * connection without a restart.
 *
 * <p>The key manager hands out the pair that was current when a handshake chose it; a reload
 * that fails (a half-written file, a key that does not match the certificate) keeps the old pair
 * and is reported. The private key never leaves this class but to the TLS engine, and never
 * appears in a message.
 */
final class TlsCredentials {
  private static final Logger LOG = Logger.getLogger(TlsCredentials.class.getName());

  /** One loaded pair; its alias names its generation so a handshake keeps the pair it chose. */
  private record Material(String alias, X509Certificate[] chain, PrivateKey key, byte[] certBytes, byte[] keyBytes) {}

  private final Path certFile;
  private final Path keyFile;
  private volatile Material current;
  private volatile Material previous;
  private int generation;

  private TlsCredentials(Path certFile, Path keyFile, Material first) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.current = first;
  }

  /**
   * Loads the pair.
   *
   * @throws IOException if a file cannot be read
   * @throws GeneralSecurityException naming what is wrong: no certificate, an unusable key, a key
   *     that does not belong to the certificate
   */
  static TlsCredentials load(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
    byte[] cert = Files.readAllBytes(certFile);
    byte[] key = Files.readAllBytes(keyFile);
    return new TlsCredentials(certFile, keyFile, material("tls-0", cert, key));
  }

  /** A server-side TLS context (TLS 1.2 and 1.3) that always uses the current pair. */
  SSLContext sslContext() throws GeneralSecurityException {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(new KeyManager[] {new Manager()}, null, null);
    return ctx;
  }

  /** The certificate being served. */
  X509Certificate certificate() {
    return current.chain[0];
  }

  /**
   * Reads the files again and, if they changed, switches to the new pair.
   *
   * @return true if a new pair is now served
   * @throws IOException or GeneralSecurityException if the new files are not a usable pair (the
   *     old pair stays)
   */
  synchronized boolean reloadIfChanged() throws IOException, GeneralSecurityException {
    byte[] cert = Files.readAllBytes(certFile);
    byte[] key = Files.readAllBytes(keyFile);
    Material now = current;
    if (Arrays.equals(cert, now.certBytes) && Arrays.equals(key, now.keyBytes)) {
      return false;
    }
    Material next = material("tls-" + (++generation), cert, key);
    previous = now;
    current = next;
    LOG.info("TLS certificate reloaded: " + next.chain[0].getSubjectX500Principal() + ", valid until "
        + next.chain[0].getNotAfter().toInstant());
    return true;
  }

  /** Calls {@link #reloadIfChanged} and reports the outcome; never throws. */
  void reloadQuietly(AdmissionMetrics metrics) {
    try {
      if (reloadIfChanged()) {
        metrics.tlsReload(true);
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      metrics.tlsReload(false);
      LOG.log(Level.WARNING, "TLS files " + certFile + ", " + keyFile + " changed but cannot be used; still serving"
          + " the previous certificate: " + e.getMessage());
    }
  }

  private static Material material(String alias, byte[] certBytes, byte[] keyBytes) throws GeneralSecurityException {
    TlsPair pair;
    try {
      pair = TlsPair.parse(certBytes, keyBytes);
    } catch (KeyFileException e) {
      throw new GeneralSecurityException("TLS files: " + e.getMessage());
    }
    Instant notAfter = pair.certificate().getNotAfter().toInstant();
    if (notAfter.isBefore(Instant.now())) {
      LOG.warning("the TLS certificate expired at " + notAfter + "; the API server will refuse it");
    }
    return new Material(alias, pair.chain().toArray(new X509Certificate[0]), pair.key(), certBytes.clone(),
        keyBytes.clone());
  }

  /** Hands the TLS engine the current pair; a handshake that chose an alias keeps that pair. */
  private final class Manager extends X509ExtendedKeyManager {
    private Material of(String alias) {
      Material c = current;
      if (c.alias.equals(alias)) {
        return c;
      }
      Material p = previous;
      return p != null && p.alias.equals(alias) ? p : null;
    }

    private String chooseFor(String keyType) {
      Material c = current;
      String alg = c.key.getAlgorithm();
      return keyType == null || keyType.equals(alg) || (keyType.equals("EdDSA") && alg.equals("Ed25519"))
          ? c.alias : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return chooseFor(keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return chooseFor(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      String a = chooseFor(keyType);
      return a == null ? null : new String[] {a};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      Material m = of(alias);
      return m == null ? null : m.chain.clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      Material m = of(alias);
      return m == null ? null : m.key;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "TlsCredentials[" + certFile + ", " + keyFile + ", serving " + current.chain[0].getSubjectX500Principal()
        + " until " + Date.from(current.chain[0].getNotAfter().toInstant()) + "]";
  }
}
