package dev.stele.server.sign;

import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.Signer;
import dev.stele.client.crypto.Signers;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.logging.Logger;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The log key on a PKCS#11 token (an HSM, or SoftHSM2 in tests), through the JDK's SunPKCS11
 * provider. The private key never leaves the token: it is generated there ({@link #generate})
 * as a sensitive, non-extractable token object, and every checkpoint and SET is signed there.
 *
 * <p>SunPKCS11's key store shows a private key only beside a certificate with the same
 * {@code CKA_ID}; {@link #generate} therefore stores a self-signed certificate of the new key
 * under the same label (the token signs it itself). The certificate carries nothing but the
 * public key; no client ever sees it.
 *
 * <p>The token is chosen by {@code slot-id}, or by {@code token} (label) or {@code serial},
 * which are looked up among the module's slots; that lookup uses the JDK's PKCS#11 wrapper and
 * needs the JVM flag {@value #EXPORTS} (the launcher and the image set it).
 */
public final class Pkcs11Keys {
  private static final Logger LOG = Logger.getLogger(Pkcs11Keys.class.getName());
  static final String EXPORTS = "--add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED";

  private Pkcs11Keys() {}

  /**
   * The signer for the key {@code uri} names.
   *
   * @param module the PKCS#11 module ({@code --pkcs11-module}) if the URI has no {@code module-path}
   * @param pin the token's user PIN if the URI has no {@code pin-source} or {@code pin-value}
   * @throws IOException naming the token and the key, never the PIN
   */
  public static Signer load(Pkcs11Uri uri, Optional<Path> module, Optional<char[]> pin) throws IOException {
    Provider p = provider(uri, module);
    KeyStore ks = keyStore(p, uri, pin);
    try {
      if (!ks.isKeyEntry(uri.object())) {
        throw new IOException("the token has no private key labelled " + uri.object() + " with a certificate"
            + " beside it (" + uri + "); create one with stele-server hsm-keygen");
      }
      PrivateKey key = (PrivateKey) ks.getKey(uri.object(), null);
      Certificate cert = ks.getCertificate(uri.object());
      Signer signer = Signers.forKeyPair(new KeyPair(cert.getPublicKey(), key));
      LOG.info("the log key is on a PKCS#11 token: " + uri + " (" + PublicKeys.describe(signer.publicKey()) + ")");
      return signer;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot use the key " + uri + ": " + e.getMessage(), e);
    }
  }

  /**
   * Generates a new ECDSA P-256 key inside the token, labelled as {@code uri} says, and stores
   * a self-signed certificate of it beside it. Refuses if the label is taken.
   *
   * @return the new key's public key
   */
  public static PublicKey generate(Pkcs11Uri uri, Optional<Path> module, Optional<char[]> pin) throws IOException {
    Provider p = provider(uri, module);
    KeyStore ks = keyStore(p, uri, pin);
    try {
      if (ks.containsAlias(uri.object())) {
        throw new IOException("the token already holds an object labelled " + uri.object()
            + "; a log cannot change its key, so hsm-keygen never replaces one");
      }
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC", p);
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = g.generateKeyPair();
      Instant now = Instant.now();
      X500Name name = new X500Name("CN=stele log key " + uri.object());
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
          name, BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minusSeconds(60)),
          Date.from(now.plus(Duration.ofDays(36500))), name, pair.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(p).build(pair.getPrivate())));
      ks.setKeyEntry(uri.object(), pair.getPrivate(), null, new Certificate[] {cert});
      PrivateKey stored = (PrivateKey) ks.getKey(uri.object(), null);
      if (stored == null) {
        throw new IOException("the token did not keep the new key " + uri);
      }
      // Proves the stored key is the certificate's and signs on the token.
      Signers.forKeyPair(new KeyPair(cert.getPublicKey(), stored));
      return cert.getPublicKey();
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot generate the key " + uri + " on the token: " + e.getMessage(), e);
    }
  }

  private static KeyStore keyStore(Provider p, Pkcs11Uri uri, Optional<char[]> pin) throws IOException {
    char[] userPin = pin(uri).or(() -> pin).orElseThrow(() -> new IOException("no PIN for the token of " + uri
        + ": give --key-password-file, set STELE_KEY_PASSWORD, or pin-source in the URI"));
    try {
      KeyStore ks = KeyStore.getInstance("PKCS11", p);
      ks.load(null, userPin);
      return ks;
    } catch (GeneralSecurityException | IOException e) {
      throw new IOException("cannot log in to the token of " + uri + " (wrong PIN, or the token is locked?): "
          + e.getMessage(), e);
    }
  }

  private static Optional<char[]> pin(Pkcs11Uri uri) throws IOException {
    if (uri.pinValue().isPresent()) {
      return Optional.of(uri.pinValue().get().toCharArray());
    }
    if (uri.pinSource().isPresent()) {
      String source = uri.pinSource().get();
      Path file = Path.of(source.startsWith("file:") ? java.net.URI.create(source).getPath() : source);
      return Optional.of(LogKeys.readPassword(file));
    }
    return Optional.empty();
  }

  /** A SunPKCS11 provider for the URI's token, registered so that signing finds it. */
  private static Provider provider(Pkcs11Uri uri, Optional<Path> moduleOption) throws IOException {
    Path module = uri.modulePath().map(Path::of).or(() -> moduleOption).orElseThrow(() -> new IOException(
        "no PKCS#11 module for " + uri + ": give --pkcs11-module FILE (e.g. /usr/lib/softhsm/libsofthsm2.so)"
            + " or module-path in the URI"));
    if (!Files.isReadable(module)) {
      throw new IOException("the PKCS#11 module " + module + " does not exist or cannot be read");
    }
    long slot = uri.slotId().isPresent() ? uri.slotId().get() : findSlot(module, uri);
    String name = "stele-" + Long.toUnsignedString(slot);
    // Keys generated here stay on the token and never leave it.
    String config = "--name = " + name + "\n"
        + "library = \"" + module.toAbsolutePath() + "\"\n"
        + "slot = " + slot + "\n"
        + "attributes(generate, CKO_PRIVATE_KEY, CKK_EC) = {\n"
        + "  CKA_SENSITIVE = true\n"
        + "  CKA_EXTRACTABLE = false\n"
        + "}\n";
    Provider base = Security.getProvider("SunPKCS11");
    if (base == null) {
      throw new IOException("this JDK has no SunPKCS11 provider (module jdk.crypto.cryptoki)");
    }
    Provider p;
    try {
      p = base.configure(config);
    } catch (RuntimeException e) {
      throw new IOException("cannot load the PKCS#11 module " + module + " for slot " + slot + ": "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
    }
    Provider existing = Security.getProvider(p.getName());
    if (existing != null) {
      return existing;
    }
    Security.addProvider(p);
    return p;
  }

  /** The slot whose token has the URI's label and serial, through the JDK's PKCS#11 wrapper. */
  private static long findSlot(Path module, Pkcs11Uri uri) throws IOException {
    if (uri.token().isEmpty() && uri.serial().isEmpty()) {
      throw new IOException("the PKCS#11 URI " + uri + " names no token: add token=<label>, serial= or slot-id=");
    }
    try {
      Class<?> wrapper = Class.forName("sun.security.pkcs11.wrapper.PKCS11");
      Class<?> initArgsClass = Class.forName("sun.security.pkcs11.wrapper.CK_C_INITIALIZE_ARGS");
      Object initArgs = initArgsClass.getConstructor().newInstance();
      initArgsClass.getField("flags").setLong(initArgs, 0x2L); // CKF_OS_LOCKING_OK, as SunPKCS11 does
      Object p11 = wrapper.getMethod("getInstance", String.class, String.class, initArgsClass, boolean.class)
          .invoke(null, module.toAbsolutePath().toString(), "C_GetFunctionList", initArgs, false);
      long[] slots = (long[]) wrapper.getMethod("C_GetSlotList", boolean.class).invoke(p11, true);
      StringBuilder seen = new StringBuilder();
      for (long slot : slots) {
        Object info = wrapper.getMethod("C_GetTokenInfo", long.class).invoke(p11, slot);
        String label = text(info, "label");
        String serial = text(info, "serialNumber");
        seen.append(seen.length() > 0 ? ", " : "").append('"').append(label).append('"');
        if (uri.token().map(label::equals).orElse(true) && uri.serial().map(serial::equals).orElse(true)) {
          return slot;
        }
      }
      throw new IOException("no token of the module " + module + " matches " + uri + " (tokens: " + seen + ")");
    } catch (IllegalAccessException | IllegalAccessError e) {
      throw new IOException("finding a token by label needs the JVM flag " + EXPORTS
          + " (bin/stele-server and the image set it); or name its slot with slot-id=N", e);
    } catch (InvocationTargetException e) {
      throw new IOException("the PKCS#11 module " + module + " failed listing its tokens: "
          + e.getCause().getMessage(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IOException("this JDK's PKCS#11 wrapper is not the one expected (" + e + "); name the slot with"
          + " slot-id=N", e);
    }
  }

  /** A blank-padded char[] field of a PKCS#11 info structure, trimmed. */
  private static String text(Object info, String field) throws ReflectiveOperationException {
    Field f = info.getClass().getField(field);
    return new String((char[]) f.get(info)).strip();
  }
}
