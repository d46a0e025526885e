package dev.stele.client.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.stele.client.crypto.TestKeys.jdkSign;
import static dev.stele.client.crypto.TestKeys.jdkVerify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SignatureException;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519phSigner;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignatureVerifiersTest {
  private static final byte[] MESSAGE = "an artifact to be logged".getBytes(StandardCharsets.UTF_8);
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void forKey_jdkSignaturesOfEveryType_verify() throws Exception {
    verifyJdk("SHA256withECDSA", TestKeys.p256(), KeyType.ECDSA_P256);
    verifyJdk("SHA384withECDSA", TestKeys.p384(), KeyType.ECDSA_P384);
    verifyJdk("SHA512withECDSA", TestKeys.p521(), KeyType.ECDSA_P521);
    verifyJdk("Ed25519", TestKeys.ed25519(), KeyType.ED25519);
    verifyJdk("SHA256withRSA", TestKeys.rsa(2048), KeyType.RSA_2048);
    verifyJdk("SHA256withRSA", TestKeys.rsa(3072), KeyType.RSA_3072);
    verifyJdk("SHA256withRSA", TestKeys.rsa(4096), KeyType.RSA_4096);
  }

  private static void verifyJdk(String algorithm, KeyPair pair, KeyType type) throws Exception {
    assertEquals(type, PublicKeys.typeOf(pair.getPublic()));
    byte[] sig = jdkSign(algorithm, pair.getPrivate(), MESSAGE);
    SignatureVerifier v = SignatureVerifiers.forKey(pair.getPublic());
    v.verify(sig, MESSAGE);

    byte[] otherMessage = MESSAGE.clone();
    otherMessage[0] ^= 1;
    SignatureException e = assertThrows(SignatureException.class, () -> v.verify(sig, otherMessage));
    assertTrue(e.getMessage().contains("does not verify"), e.getMessage());

    byte[] badSig = sig.clone();
    badSig[badSig.length - 1] ^= 1;
    assertThrows(SignatureException.class, () -> v.verify(badSig, MESSAGE));
    assertThrows(SignatureException.class, () -> v.verify(new byte[0], MESSAGE));
    assertThrows(SignatureException.class, () -> v.verify(Arrays.copyOf(sig, sig.length + 1), MESSAGE));
  }

  @Test
  void forDigest_ecdsaAndRsaOverTheDigest_verify() throws Exception {
    checkDigest("SHA256withECDSA", TestKeys.p256(), HashAlgorithm.SHA256);
    checkDigest("SHA384withECDSA", TestKeys.p384(), HashAlgorithm.SHA384);
    checkDigest("SHA512withECDSA", TestKeys.p521(), HashAlgorithm.SHA512);
    checkDigest("SHA256withRSA", TestKeys.rsa(2048), HashAlgorithm.SHA256);
    // Rekor allows only some pairs, but the primitive works for any: P-256 over a SHA-512 digest.
    checkDigest("SHA512withECDSA", TestKeys.p256(), HashAlgorithm.SHA512);
    checkDigest("SHA384withRSA", TestKeys.rsa(2048), HashAlgorithm.SHA384);
  }

  private static void checkDigest(String algorithm, KeyPair pair, HashAlgorithm hash) throws Exception {
    byte[] sig = jdkSign(algorithm, pair.getPrivate(), MESSAGE);
    SignatureVerifier v = SignatureVerifiers.forDigest(pair.getPublic(), hash);
    v.verify(sig, hash.digest(MESSAGE));
    assertThrows(SignatureException.class, () -> v.verify(sig, MESSAGE), "the message is not a digest");
    byte[] other = hash.digest(MESSAGE);
    other[3] ^= 0x40;
    assertThrows(SignatureException.class, () -> v.verify(sig, other));
  }

  @Test
  void forKey_withExplicitHash_checksEcdsaWithThatHash() throws Exception {
    // DSSE: ECDSA P-384 signatures are made over SHA-256 of the message.
    byte[] sig = jdkSign("SHA256withECDSA", TestKeys.p384().getPrivate(), MESSAGE);
    SignatureVerifiers.forKey(TestKeys.p384().getPublic(), HashAlgorithm.SHA256).verify(sig, MESSAGE);
    assertThrows(SignatureException.class,
        () -> SignatureVerifiers.forKey(TestKeys.p384().getPublic()).verify(sig, MESSAGE));
  }

  /** RFC 8032 section 7.3, test vector "TEST abc" for Ed25519ph. */
  @Test
  void forDigest_ed25519ph_rfc8032Vector_verifies() throws Exception {
    PublicKey key = PublicKeys.ed25519(
        HEX.parseHex("ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf"));
    byte[] sig = HEX.parseHex("98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae41"
        + "31f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406");
    byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
    SignatureVerifier v = SignatureVerifiers.forDigest(key, HashAlgorithm.SHA512);
    v.verify(sig, HashAlgorithm.SHA512.digest(abc));
    assertThrows(SignatureException.class, () -> SignatureVerifiers.forKey(key).verify(sig, abc),
        "an Ed25519ph signature is not a pure Ed25519 signature");
  }

  @Test
  void forDigest_ed25519ph_fromIndependentSigner_verifies() throws Exception {
    Ed25519PrivateKeyParameters priv = new Ed25519PrivateKeyParameters(new java.security.SecureRandom());
    Ed25519phSigner signer = new Ed25519phSigner(new byte[0]);
    signer.init(true, priv);
    signer.update(MESSAGE, 0, MESSAGE.length);
    byte[] sig = signer.generateSignature();
    PublicKey key = PublicKeys.ed25519(priv.generatePublicKey().getEncoded());
    SignatureVerifiers.forDigest(key, HashAlgorithm.SHA512).verify(sig, HashAlgorithm.SHA512.digest(MESSAGE));
  }

  @Test
  void forDigest_ed25519WithSha256_throws() {
    InvalidKeyException e = assertThrows(InvalidKeyException.class,
        () -> SignatureVerifiers.forDigest(TestKeys.ed25519().getPublic(), HashAlgorithm.SHA256));
    assertTrue(e.getMessage().contains("Ed25519ph over sha512"), e.getMessage());
  }

  @Test
  void forKey_nonDerEcdsaSignature_throws() throws Exception {
    byte[] der = jdkSign("SHA256withECDSA", TestKeys.p256().getPrivate(), MESSAGE);
    SignatureVerifier v = SignatureVerifiers.forKey(TestKeys.p256().getPublic());
    // BER long-form length where DER requires the short form: same values, different bytes.
    byte[] ber = new byte[der.length + 1];
    ber[0] = 0x30;
    ber[1] = (byte) 0x81;
    ber[2] = der[1];
    System.arraycopy(der, 2, ber, 3, der.length - 2);
    SignatureException e = assertThrows(SignatureException.class, () -> v.verify(ber, MESSAGE));
    assertTrue(e.getMessage().contains("malformed ECDSA P-256 signature"), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"RSA-1024", "secp256k1", "Ed448", "DSA", "RSA-2056"})
  void forKey_unsupportedKey_throwsNamingIt(String what) throws Exception {
    PublicKey key;
    String expected;
    switch (what) {
      case "RSA-1024":
        key = TestKeys.rsa(1024).getPublic();
        expected = "unsupported RSA key size 1024 bits";
        break;
      case "RSA-2056":
        key = TestKeys.rsa(2056).getPublic();
        expected = "unsupported RSA key size 2056 bits";
        break;
      case "secp256k1": {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", new BouncyCastleProvider());
        g.initialize(new ECGenParameterSpec("secp256k1"));
        key = g.generateKeyPair().getPublic();
        expected = "unsupported EC curve 1.3.132.0.10";
        break;
      }
      case "Ed448":
        key = KeyPairGenerator.getInstance("Ed448").generateKeyPair().getPublic();
        expected = "unsupported key algorithm 1.3.101.113";
        break;
      default:
        KeyPairGenerator g = KeyPairGenerator.getInstance("DSA");
        g.initialize(2048);
        key = g.generateKeyPair().getPublic();
        expected = "unsupported key algorithm 1.2.840.10040.4.1";
    }
    PublicKey k = key;
    InvalidKeyException e = assertThrows(InvalidKeyException.class, () -> SignatureVerifiers.forKey(k));
    assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    assertThrows(InvalidKeyException.class, () -> SignatureVerifiers.forDigest(k, HashAlgorithm.SHA256));
    assertThrows(InvalidKeyException.class, () -> PublicKeys.fromDer(k.getEncoded()));
  }

  @Test
  void fromDer_garbage_throws() {
    InvalidKeyException e = assertThrows(InvalidKeyException.class,
        () -> PublicKeys.fromDer(new byte[] {0x30, 0x03, 0x01, 0x02}));
    assertTrue(e.getMessage().startsWith("not a DER SubjectPublicKeyInfo"), e.getMessage());
  }

  @Test
  void ed25519_rawRoundTrip_andWrongLength_throws() throws Exception {
    byte[] raw = PublicKeys.ed25519Raw(TestKeys.ed25519().getPublic());
    assertEquals(32, raw.length);
    assertEquals(TestKeys.ed25519().getPublic(), PublicKeys.ed25519(raw));
    assertThrows(InvalidKeyException.class, () -> PublicKeys.ed25519(new byte[31]));
    assertThrows(InvalidKeyException.class, () -> PublicKeys.ed25519Raw(TestKeys.p256().getPublic()));
  }

  @Test
  void verifier_sharedBetweenThreads_staysCorrect() throws Exception {
    KeyPair pair = TestKeys.p256();
    byte[] sig = jdkSign("SHA256withECDSA", pair.getPrivate(), MESSAGE);
    byte[] wrong = MESSAGE.clone();
    wrong[1] ^= 2;
    SignatureVerifier v = SignatureVerifiers.forKey(pair.getPublic());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(pool.submit(() -> {
          int failures = 0;
          for (int i = 0; i < 100; i++) {
            v.verify(sig, MESSAGE);
            try {
              v.verify(sig, wrong);
            } catch (SignatureException expected) {
              failures++;
            }
          }
          return failures;
        }));
      }
      for (Future<Integer> f : results) {
        assertEquals(100, f.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void jdk_acceptsOurVerifiersInput_sanity() throws Exception {
    // The JDK agrees that the signatures used above are valid: the tests compare two
    // implementations, not one with itself.
    byte[] sig = jdkSign("SHA256withECDSA", TestKeys.p256().getPrivate(), MESSAGE);
    assertTrue(jdkVerify("SHA256withECDSA", TestKeys.p256().getPublic(), sig, MESSAGE));
  }
}
