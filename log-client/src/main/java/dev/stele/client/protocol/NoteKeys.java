package dev.stele.client.protocol;

import dev.stele.client.crypto.KeyType;
import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.SignatureVerifier;
import dev.stele.client.crypto.SignatureVerifiers;
import dev.stele.client.crypto.Signer;
import dev.stele.client.crypto.Signers;
import dev.stele.merkle.Rfc6962;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SignatureException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Note keys: key IDs, verifiers and signers for the signature types of c2sp.org/signed-note,
 * and the text forms of keys ({@code vkey}: {@code <name>+<hex key ID>+base64(type ‖ key)};
 * {@code skey}: {@code PRIVATE+KEY+<name>+<hex key ID>+base64(type ‖ seed)}).
 *
 * <p>Key IDs (docs/protocol.md 7.1, 7.2):
 *
 * <ul>
 *   <li>Rekor v1, every key type: SHA-256(DER SubjectPublicKeyInfo)[:4], i.e. the first four
 *       bytes of the log ID. For ECDSA this is also the C2SP key ID (type {@code 0x02}).
 *   <li>C2SP Ed25519 (type {@code 0x01}): SHA-256(name ‖ 0x0A ‖ 0x01 ‖ 32-byte key)[:4].
 *   <li>C2SP cosignature/v1 (type {@code 0x04}): SHA-256(name ‖ 0x0A ‖ 0x04 ‖ key)[:4]; the
 *       signature is an 8-byte big-endian timestamp and an Ed25519 signature over
 *       {@code "cosignature/v1\ntime <t>\n" ‖ text}.
 *   <li>c2sp.org/static-ct-api RFC 6962 tree heads (type {@code 0x05}): SHA-256(name ‖ 0x0A ‖
 *       0x05 ‖ SHA-256(DER SPKI))[:4]; verified only, for completeness.
 * </ul>
 */
public final class NoteKeys {
  public static final int TYPE_ED25519 = 0x01;
  public static final int TYPE_ECDSA = 0x02;
  public static final int TYPE_COSIGNATURE_V1 = 0x04;
  public static final int TYPE_RFC6962_STH = 0x05;

  /** DER of an Ed25519 PKCS#8 PrivateKeyInfo (RFC 8410 section 7) up to the 32 seed bytes. */
  private static final byte[] ED25519_PKCS8_PREFIX = {
      0x30, 0x2e, // SEQUENCE, 46 bytes
      0x02, 0x01, 0x00, // version 0
      0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, // AlgorithmIdentifier: OID 1.3.101.112 (Ed25519)
      0x04, 0x22, 0x04, 0x20}; // OCTET STRING holding the 32-byte OCTET STRING CurvePrivateKey

  private NoteKeys() {}

  /** The Rekor v1 verifier: key ID = {@link PublicKeys#keyHint}, any supported key type. */
  public static NoteVerifier rekorVerifier(String name, PublicKey key) throws InvalidKeyException {
    return new NoteVerifier(name, PublicKeys.keyHint(key), SignatureVerifiers.forKey(key));
  }

  /** The Rekor v1 signer: key ID = {@link PublicKeys#keyHint} of the signer's public key. */
  public static NoteSigner rekorSigner(String name, Signer signer) {
    return new NoteSigner(name, PublicKeys.keyHint(signer.publicKey()), signer);
  }

  /** The C2SP Ed25519 key ID of {@code key} under {@code name}. */
  public static int ed25519KeyId(String name, PublicKey key) throws InvalidKeyException {
    return c2spKeyId(name, TYPE_ED25519, PublicKeys.ed25519Raw(key));
  }

  /** A C2SP Ed25519 (type 0x01) verifier. */
  public static NoteVerifier ed25519Verifier(String name, PublicKey key) throws InvalidKeyException {
    return new NoteVerifier(name, ed25519KeyId(name, key), SignatureVerifiers.forKey(key));
  }

  /** A C2SP Ed25519 (type 0x01) signer. */
  public static NoteSigner ed25519Signer(String name, Signer signer) throws InvalidKeyException {
    return new NoteSigner(name, ed25519KeyId(name, signer.publicKey()), signer);
  }

  /**
   * The vkey of {@code key} under {@code name}: type 0x01 for Ed25519, type 0x02 (DER SPKI) for
   * ECDSA.
   */
  public static String verifierKey(String name, PublicKey key) throws InvalidKeyException {
    KeyType type = PublicKeys.typeOf(key);
    byte[] material;
    int id;
    if (type == KeyType.ED25519) {
      material = withType(TYPE_ED25519, PublicKeys.ed25519Raw(key));
      id = ed25519KeyId(name, key);
    } else if (type.isEcdsa()) {
      material = withType(TYPE_ECDSA, key.getEncoded());
      id = PublicKeys.keyHint(key);
    } else {
      throw new InvalidKeyException("no vkey form for a " + type + " key");
    }
    if (!SignedNote.isValidName(name)) {
      throw new IllegalArgumentException("invalid key name '" + name + "'");
    }
    return name + "+" + String.format("%08x", id) + "+" + Encodings.base64(material);
  }

  /**
   * Parses a vkey of type 0x01, 0x02, 0x04 or 0x05 and checks its key ID.
   *
   * @throws FormatException naming the problem
   */
  public static NoteVerifier parseVerifierKey(String vkey) throws FormatException {
    String[] parts = splitKey("vkey", vkey);
    String name = parts[0];
    int keyId = parseKeyId("vkey", parts[1]);
    byte[] material = Encodings.base64("vkey: the key", parts[2]);
    if (material.length < 2) {
      throw new FormatException("vkey: the key is " + material.length + " bytes, too short");
    }
    int type = material[0] & 0xff;
    byte[] key = Arrays.copyOfRange(material, 1, material.length);
    NoteVerifier verifier;
    try {
      switch (type) {
        case TYPE_ED25519:
          verifier = ed25519Verifier(name, PublicKeys.ed25519(key));
          break;
        case TYPE_ECDSA: {
          PublicKey pub = PublicKeys.fromDer(key);
          if (!PublicKeys.typeOf(pub).isEcdsa()) {
            throw new FormatException("vkey: type 0x02 needs an ECDSA key, got " + PublicKeys.typeOf(pub));
          }
          verifier = rekorVerifier(name, pub);
          break;
        }
        case TYPE_COSIGNATURE_V1:
          verifier = cosignatureVerifier(name, material, PublicKeys.ed25519(key));
          break;
        case TYPE_RFC6962_STH:
          verifier = treeHeadVerifier(name, PublicKeys.fromDer(key));
          break;
        default:
          throw new FormatException(String.format(
              "vkey: unsupported signature type 0x%02x; supported: 0x01 Ed25519, 0x02 ECDSA,"
                  + " 0x04 cosignature/v1, 0x05 RFC 6962 tree head", type));
      }
    } catch (InvalidKeyException e) {
      throw new FormatException("vkey: invalid key for type " + String.format("0x%02x", type)
          + ": " + e.getMessage(), e);
    }
    if (verifier.keyId() != keyId) {
      throw new FormatException(String.format(
          "vkey: key ID %08x does not match the key, whose ID is %08x", keyId, verifier.keyId()));
    }
    return verifier;
  }

  /**
   * Parses an Ed25519 skey ({@code PRIVATE+KEY+<name>+<hex key ID>+base64(0x01 ‖ seed)}) and
   * checks its key ID. The seed never appears in messages.
   *
   * @throws FormatException naming the problem
   */
  public static NoteSigner parseSignerKey(String skey) throws FormatException {
    String prefix = "PRIVATE+KEY+";
    if (!skey.startsWith(prefix)) {
      throw new FormatException("skey: must start with PRIVATE+KEY+");
    }
    String[] parts = splitKey("skey", skey.substring(prefix.length()));
    String name = parts[0];
    int keyId = parseKeyId("skey", parts[1]);
    byte[] material;
    try {
      material = Encodings.base64("skey key", parts[2]);
    } catch (FormatException e) {
      throw new FormatException("skey: the key is not canonical base64");
    }
    if (material.length != 33 || material[0] != TYPE_ED25519) {
      throw new FormatException("skey: expected type 0x01 and a 32-byte Ed25519 seed");
    }
    NoteSigner signer;
    try {
      byte[] pkcs8 = Arrays.copyOf(ED25519_PKCS8_PREFIX, ED25519_PKCS8_PREFIX.length + 32);
      System.arraycopy(material, 1, pkcs8, ED25519_PKCS8_PREFIX.length, 32);
      PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      Arrays.fill(pkcs8, (byte) 0);
      signer = ed25519Signer(name, Signers.forKey(key));
    } catch (GeneralSecurityException e) {
      throw new FormatException("skey: not a usable Ed25519 seed");
    } finally {
      Arrays.fill(material, (byte) 0);
    }
    if (signer.keyId() != keyId) {
      throw new FormatException(String.format(
          "skey: key ID %08x does not match the key, whose ID is %08x", keyId, signer.keyId()));
    }
    return signer;
  }

  /**
   * The timestamp (Unix seconds) in a cosignature/v1 signature (the bytes after the key ID: an
   * 8-byte big-endian time and a 64-byte Ed25519 signature).
   *
   * @throws FormatException if the signature does not have that shape
   */
  public static long cosignatureTime(byte[] signature) throws FormatException {
    if (signature.length != 8 + 64) {
      throw new FormatException("a cosignature/v1 signature is 72 bytes (time and Ed25519"
          + " signature), got " + signature.length);
    }
    long time = ByteBuffer.wrap(signature, 0, 8).getLong();
    if (time < 0) {
      throw new FormatException("cosignature/v1 time " + Long.toUnsignedString(time) + " is out of range");
    }
    return time;
  }

  /** The C2SP cosignature/v1 key ID of the Ed25519 {@code key} under {@code name}. */
  public static int cosignatureKeyId(String name, PublicKey key) throws InvalidKeyException {
    return c2spKeyId(name, TYPE_COSIGNATURE_V1, PublicKeys.ed25519Raw(key));
  }

  /**
   * A C2SP cosignature/v1 (type 0x04) verifier for the Ed25519 {@code key} of the witness
   * {@code name}: the signature is an 8-byte big-endian time and an Ed25519 signature over
   * {@code "cosignature/v1\ntime <t>\n" ‖ text}.
   */
  public static NoteVerifier cosignatureVerifier(String name, PublicKey key) throws InvalidKeyException {
    return cosignatureVerifier(name, withType(TYPE_COSIGNATURE_V1, PublicKeys.ed25519Raw(key)), key);
  }

  /**
   * A C2SP cosignature/v1 signer: each signature carries the time {@code unixSeconds} gives when
   * it is made (a witness's statement "as of this time, this is the largest consistent tree I have
   * seen"), which must be positive: the specification forbids a zero time.
   *
   * @throws InvalidKeyException unless {@code ed25519} is an Ed25519 key
   */
  public static NoteSigner cosignatureSigner(String name, Signer ed25519, LongSupplier unixSeconds)
      throws InvalidKeyException {
    int keyId = cosignatureKeyId(name, ed25519.publicKey());
    Signer cosigner = new Signer() {
      @Override
      public byte[] sign(byte[] text) throws GeneralSecurityException {
        long time = unixSeconds.getAsLong();
        if (time <= 0) {
          throw new SignatureException("a cosignature needs a positive time, got " + time);
        }
        byte[] signature = ed25519.sign(cosignedMessage(time, text));
        return ByteBuffer.allocate(8 + signature.length).putLong(time).put(signature).array();
      }

      @Override
      public PublicKey publicKey() {
        return ed25519.publicKey();
      }

      @Override
      public String toString() {
        return "cosigner " + name;
      }
    };
    return new NoteSigner(name, keyId, cosigner);
  }

  /** The vkey of a witness's Ed25519 cosignature/v1 key: {@code <name>+<key ID>+base64(0x04 ‖ key)}. */
  public static String cosignatureVerifierKey(String name, PublicKey key) throws InvalidKeyException {
    if (!SignedNote.isValidName(name)) {
      throw new IllegalArgumentException("invalid key name '" + name + "'");
    }
    return name + "+" + String.format("%08x", cosignatureKeyId(name, key)) + "+"
        + Encodings.base64(withType(TYPE_COSIGNATURE_V1, PublicKeys.ed25519Raw(key)));
  }

  /** What a cosignature/v1 signs: the header and time lines, then the note text. */
  private static byte[] cosignedMessage(long time, byte[] text) {
    byte[] header = ("cosignature/v1\ntime " + time + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] message = Arrays.copyOf(header, header.length + text.length);
    System.arraycopy(text, 0, message, header.length, text.length);
    return message;
  }

  private static NoteVerifier cosignatureVerifier(String name, byte[] material, PublicKey key)
      throws InvalidKeyException {
    SignatureVerifier ed25519 = SignatureVerifiers.forKey(key);
    SignatureVerifier verifier = (signature, text) -> {
      long time;
      try {
        time = cosignatureTime(signature);
      } catch (FormatException e) {
        throw new SignatureException(e.getMessage());
      }
      ed25519.verify(Arrays.copyOfRange(signature, 8, signature.length), cosignedMessage(time, text));
    };
    return new NoteVerifier(name, c2spKeyId(name, material), verifier);
  }

  /**
   * c2sp.org/static-ct-api: the signature is an 8-byte timestamp (ms) and an RFC 5246
   * DigitallySigned (hash 4 = SHA-256, signature 3 = ECDSA, 2-byte length, DER signature) over
   * the RFC 6962 section 3.5 TreeHeadSignature of the checkpoint, whose origin is the key name.
   */
  private static NoteVerifier treeHeadVerifier(String name, PublicKey key)
      throws InvalidKeyException {
    if (PublicKeys.typeOf(key) != KeyType.ECDSA_P256) {
      throw new InvalidKeyException("type 0x05 keys are ECDSA P-256, got " + PublicKeys.typeOf(key));
    }
    SignatureVerifier ecdsa = SignatureVerifiers.forKey(key);
    SignatureVerifier verifier = (signature, text) -> {
      Checkpoint checkpoint;
      try {
        checkpoint = Checkpoint.parse(new String(text, StandardCharsets.UTF_8));
      } catch (FormatException e) {
        throw new SignatureException("an RFC 6962 tree head signature needs a checkpoint: " + e.getMessage());
      }
      if (!checkpoint.origin().equals(name)) {
        throw new SignatureException("checkpoint origin '" + checkpoint.origin()
            + "' is not the key name '" + name + "'");
      }
      ByteBuffer sig = ByteBuffer.wrap(signature);
      if (sig.remaining() < 12 || sig.get(8) != 4 || sig.get(9) != 3
          || (sig.getShort(10) & 0xffff) != sig.remaining() - 12) {
        throw new SignatureException("malformed RFC 6962 tree head signature");
      }
      long timestamp = sig.getLong(0);
      ByteBuffer head = ByteBuffer.allocate(2 + 8 + 8 + 32);
      head.put((byte) 0).put((byte) 1).putLong(timestamp).putLong(checkpoint.size());
      checkpoint.root().copyTo(head.array(), 18);
      ecdsa.verify(Arrays.copyOfRange(signature, 12, signature.length), head.array());
    };
    byte[] logId = PublicKeys.logId(key).bytes();
    return new NoteVerifier(name, c2spKeyId(name, TYPE_RFC6962_STH, logId), verifier);
  }

  private static int c2spKeyId(String name, int type, byte[] key) {
    return c2spKeyId(name, withType(type, key));
  }

  /** SHA-256(name ‖ 0x0A ‖ type ‖ key)[:4], big-endian. */
  private static int c2spKeyId(String name, byte[] typeAndKey) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    byte[] buf = new byte[n.length + 1 + typeAndKey.length];
    System.arraycopy(n, 0, buf, 0, n.length);
    buf[n.length] = '\n';
    System.arraycopy(typeAndKey, 0, buf, n.length + 1, typeAndKey.length);
    byte[] h = Rfc6962.sha256(buf).bytes();
    return (h[0] & 0xff) << 24 | (h[1] & 0xff) << 16 | (h[2] & 0xff) << 8 | (h[3] & 0xff);
  }

  private static byte[] withType(int type, byte[] key) {
    byte[] out = new byte[1 + key.length];
    out[0] = (byte) type;
    System.arraycopy(key, 0, out, 1, key.length);
    return out;
  }

  /** Splits {@code <name>+<key ID>+<rest>} at the first two {@code '+'} and checks the name. */
  private static String[] splitKey(String what, String key) throws FormatException {
    int plus1 = key.indexOf('+');
    int plus2 = plus1 < 0 ? -1 : key.indexOf('+', plus1 + 1);
    if (plus2 < 0) {
      throw new FormatException(what + ": expected <name>+<key ID>+<key>, found fewer than 3 parts");
    }
    String name = key.substring(0, plus1);
    if (!SignedNote.isValidName(name)) {
      throw new FormatException(what + ": invalid key name '" + name + "'");
    }
    return new String[] {name, key.substring(plus1 + 1, plus2), key.substring(plus2 + 1)};
  }

  private static int parseKeyId(String what, String hex) throws FormatException {
    if (hex.length() != 8) {
      throw new FormatException(what + ": the key ID must be 8 hex digits, got '" + hex + "'");
    }
    byte[] b = Encodings.hex(what + ": the key ID", hex);
    return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
  }
}
