package dev.stele.client.keys;

import dev.stele.client.crypto.KeyType;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.KeyMaterial;
import dev.stele.client.protocol.Pem;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.util.ScryptConfig;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfoBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEInputDecryptorProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;

/**
 * Generates key pairs and reads and writes key files.
 *
 * <p>Private keys are written as PKCS#8 PEM. Encrypted ones ({@code ENCRYPTED PRIVATE KEY}) use
 * PBES2 (RFC 8018) with scrypt (RFC 7914; N = 2<sup>14</sup>, r = 8, p = 1, 16-byte salt) and
 * AES-256-CBC: the strongest scrypt cost OpenSSL 3 still reads, so {@code openssl pkey} opens
 * these files. Reading accepts PBES2 with scrypt or PBKDF2 (what {@code openssl pkcs8 -topk8}
 * writes), unencrypted {@code PRIVATE KEY}, and SEC 1 {@code EC PRIVATE KEY}.
 *
 * <p>Supported private keys: ECDSA P-256 and Ed25519. Public keys: any {@link KeyType}.
 */
public final class KeyFiles {
  /** scrypt cost parameter N (log2 = 14): OpenSSL 3 refuses larger ones with r = 8. */
  static final int SCRYPT_N = 1 << 14;
  static final int SCRYPT_R = 8;
  static final int SCRYPT_P = 1;

  private static final String PRIVATE = "PRIVATE KEY";
  private static final String ENCRYPTED = "ENCRYPTED PRIVATE KEY";
  private static final String SEC1 = "EC PRIVATE KEY";

  private KeyFiles() {}

  /** Bouncy Castle as a provider object for the PBE ciphers only; it is never registered. */
  private static final class Bc {
    static final Provider PROVIDER = new BouncyCastleProvider();
  }

  /** A fresh ECDSA P-256 key pair. */
  public static KeyPair generateEcdsaP256() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot generate ECDSA P-256 keys", e);
    }
  }

  /** A fresh Ed25519 key pair. */
  public static KeyPair generateEd25519() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot generate Ed25519 keys", e);
    }
  }

  /**
   * The PEM of {@code key} encrypted under {@code password} ({@code ENCRYPTED PRIVATE KEY}).
   *
   * @throws KeyFileException if the key is not ECDSA P-256 or Ed25519, or the password is empty
   */
  public static String encodePrivateKey(PrivateKey key, char[] password) throws KeyFileException {
    if (password == null || password.length == 0) {
      throw new KeyFileException("an empty password does not protect a key; give one, or write the key unencrypted explicitly");
    }
    PrivateKeyInfo info = supported(privateKeyInfo(key));
    try {
      var encryptor = new JcePKCSPBEOutputEncryptorBuilder(
          new ScryptConfig.Builder(SCRYPT_N, SCRYPT_R, SCRYPT_P).withSaltLength(16).build(),
          NISTObjectIdentifiers.id_aes256_CBC)
          .setProvider(Bc.PROVIDER)
          .build(password);
      byte[] der = new PKCS8EncryptedPrivateKeyInfoBuilder(info).build(encryptor).getEncoded();
      return Pem.encode(ENCRYPTED, der);
    } catch (OperatorCreationException | IOException e) {
      throw new KeyFileException("cannot encrypt the private key: " + e.getMessage(), e);
    }
  }

  /**
   * The PEM of {@code key}, unencrypted ({@code PRIVATE KEY}). Anyone who reads the file has
   * the key: use only where the file is protected otherwise.
   *
   * @throws KeyFileException if the key is not ECDSA P-256 or Ed25519
   */
  public static String encodePrivateKeyUnencrypted(PrivateKey key) throws KeyFileException {
    PrivateKeyInfo info = supported(privateKeyInfo(key));
    try {
      return Pem.encode(PRIVATE, info.getEncoded());
    } catch (IOException e) {
      throw new KeyFileException("cannot encode the private key", e);
    }
  }

  /**
   * Reads a private key from PEM text.
   *
   * @param password the password of an {@code ENCRYPTED PRIVATE KEY}; may be null for
   *     unencrypted keys (and is ignored for them)
   * @throws KeyFileException for a wrong PEM type, a missing or wrong password, an unsupported
   *     algorithm or damaged content
   */
  public static PrivateKey decodePrivateKey(String pem, char[] password) throws KeyFileException {
    Pem.Block block = single(pem, "a private key (PEM PRIVATE KEY or ENCRYPTED PRIVATE KEY)");
    PrivateKeyInfo info;
    switch (block.type()) {
      case ENCRYPTED:
        info = decrypt(block.bytes(), password);
        break;
      case PRIVATE:
        info = parsePkcs8(block.bytes());
        break;
      case SEC1:
        info = fromSec1(block.bytes());
        break;
      default:
        throw new KeyFileException("expected a private key (PEM PRIVATE KEY or ENCRYPTED PRIVATE KEY), found PEM "
            + block.type());
    }
    supported(info);
    ASN1ObjectIdentifier alg = info.getPrivateKeyAlgorithm().getAlgorithm();
    try {
      byte[] der = info.getEncoded();
      PrivateKey key = KeyFactory.getInstance(alg.equals(EdECObjectIdentifiers.id_Ed25519) ? "Ed25519" : "EC")
          .generatePrivate(new PKCS8EncodedKeySpec(der));
      Arrays.fill(der, (byte) 0);
      return key;
    } catch (GeneralSecurityException | IOException e) {
      throw new KeyFileException("the private key is damaged (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** The PEM ({@code PUBLIC KEY}) of a public key. */
  public static String encodePublicKey(PublicKey key) {
    return Pem.encode("PUBLIC KEY", key.getEncoded());
  }

  /**
   * Reads a public key from PEM text: a {@code PUBLIC KEY} block, or the key of the first
   * certificate of a {@code CERTIFICATE} block or chain.
   *
   * @throws KeyFileException for another PEM type, or a key of an unsupported type
   */
  public static PublicKey decodePublicKey(String pem) throws KeyFileException {
    try {
      return KeyMaterial.parse(pem.getBytes(StandardCharsets.UTF_8)).publicKey();
    } catch (FormatException e) {
      throw new KeyFileException("not a usable public key: " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code key}, encrypted under {@code password}, to a new file readable by its owner
   * only. An existing file is never overwritten.
   *
   * @throws FileAlreadyExistsException if {@code path} exists
   */
  public static void writePrivateKey(Path path, PrivateKey key, char[] password)
      throws IOException, KeyFileException {
    writeNew(path, encodePrivateKey(key, password), true);
  }

  /** {@link #writePrivateKey} without encryption; see {@link #encodePrivateKeyUnencrypted}. */
  public static void writePrivateKeyUnencrypted(Path path, PrivateKey key)
      throws IOException, KeyFileException {
    writeNew(path, encodePrivateKeyUnencrypted(key), true);
  }

  /** Writes {@code key} as PEM to a new file. An existing file is never overwritten. */
  public static void writePublicKey(Path path, PublicKey key) throws IOException {
    writeNew(path, encodePublicKey(key), false);
  }

  /**
   * Refuses a private key file that its group or others may read or write: whoever reads it can
   * sign as its owner ({@code owner}: "the log", "the witness"). Nothing to check on a file system
   * without POSIX permissions.
   *
   * @param what the key's name in the message, e.g. "log key"
   * @throws KeyFileException naming the file, its mode and the command that fixes it
   */
  public static void requireOwnerOnly(Path file, String what, String owner) throws IOException, KeyFileException {
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException e) {
      return;
    }
    EnumSet<PosixFilePermission> loose = EnumSet.of(
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
    loose.retainAll(perms);
    if (!loose.isEmpty()) {
      throw new KeyFileException("the " + what + " file " + file + " is readable or writable by others than its owner"
          + " (mode " + PosixFilePermissions.toString(perms) + "); whoever reads it can sign as " + owner
          + ". Fix it with: chmod 600 " + file);
    }
  }

  /** Reads a private key file; see {@link #decodePrivateKey}. Errors name the file. */
  public static PrivateKey readPrivateKey(Path path, char[] password) throws IOException, KeyFileException {
    try {
      return decodePrivateKey(Files.readString(path, StandardCharsets.UTF_8), password);
    } catch (KeyFileException e) {
      throw new KeyFileException(path + ": " + e.getMessage(), e);
    }
  }

  /** Reads a public key or certificate file; see {@link #decodePublicKey}. Errors name the file. */
  public static PublicKey readPublicKey(Path path) throws IOException, KeyFileException {
    try {
      return decodePublicKey(Files.readString(path, StandardCharsets.UTF_8));
    } catch (KeyFileException e) {
      throw new KeyFileException(path + ": " + e.getMessage(), e);
    }
  }

  private static void writeNew(Path path, String text, boolean secret) throws IOException {
    try {
      if (secret && path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(path);
      }
    } catch (FileAlreadyExistsException e) {
      throw new FileAlreadyExistsException(path.toString(), null, "refusing to overwrite an existing key file");
    }
    try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      out.write(text.getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static Pem.Block single(String pem, String what) throws KeyFileException {
    List<Pem.Block> blocks;
    try {
      blocks = Pem.decode(pem);
    } catch (FormatException e) {
      throw new KeyFileException("expected " + what + ": " + e.getMessage());
    }
    if (blocks.size() != 1) {
      throw new KeyFileException("expected " + what + ", found " + blocks.size() + " PEM blocks");
    }
    return blocks.get(0);
  }

  private static PrivateKeyInfo privateKeyInfo(PrivateKey key) throws KeyFileException {
    byte[] der = key.getEncoded();
    if (der == null) {
      throw new KeyFileException("the " + key.getAlgorithm() + " private key is not extractable (e.g. it lives on a token)");
    }
    return parsePkcs8(der);
  }

  private static PrivateKeyInfo parsePkcs8(byte[] der) throws KeyFileException {
    try {
      return PrivateKeyInfo.getInstance(der);
    } catch (RuntimeException e) {
      throw new KeyFileException("the private key is damaged: not a DER PKCS#8 PrivateKeyInfo");
    }
  }

  private static PrivateKeyInfo decrypt(byte[] der, char[] password) throws KeyFileException {
    if (password == null || password.length == 0) {
      throw new KeyFileException("the private key is encrypted: a password is needed");
    }
    PKCS8EncryptedPrivateKeyInfo encrypted;
    try {
      encrypted = new PKCS8EncryptedPrivateKeyInfo(der);
    } catch (IOException | RuntimeException e) {
      throw new KeyFileException("the encrypted private key is damaged: not a DER PKCS#8 EncryptedPrivateKeyInfo");
    }
    try {
      PrivateKeyInfo info = encrypted.decryptPrivateKeyInfo(
          new JcePKCSPBEInputDecryptorProviderBuilder().setProvider(Bc.PROVIDER).build(password));
      return info;
    } catch (PKCSException | RuntimeException e) {
      throw new KeyFileException("wrong password, or the encrypted private key is damaged");
    }
  }

  private static PrivateKeyInfo fromSec1(byte[] der) throws KeyFileException {
    try {
      ECPrivateKey sec1 = ECPrivateKey.getInstance(der);
      if (sec1.getParametersObject() == null) {
        throw new KeyFileException("the EC private key names no curve; convert it to PKCS#8 with its curve");
      }
      return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, sec1.getParametersObject()), sec1);
    } catch (IOException | RuntimeException e) {
      throw new KeyFileException("the EC private key is damaged: not a DER SEC 1 ECPrivateKey");
    }
  }

  private static PrivateKeyInfo supported(PrivateKeyInfo info) throws KeyFileException {
    AlgorithmIdentifier alg = info.getPrivateKeyAlgorithm();
    if (alg.getAlgorithm().equals(EdECObjectIdentifiers.id_Ed25519)) {
      return info;
    }
    if (alg.getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      if (SECObjectIdentifiers.secp256r1.equals(alg.getParameters())) {
        return info;
      }
      throw new KeyFileException("unsupported EC private key curve " + alg.getParameters()
          + "; supported: ECDSA P-256, Ed25519");
    }
    throw new KeyFileException("unsupported private key algorithm " + alg.getAlgorithm().getId()
        + "; supported: ECDSA P-256, Ed25519");
  }
}
