package dev.stele.client.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.crypto.KeyType;
import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.VerifierCache;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;

/**
 * {@code hashedrekord} 0.0.1 (docs/protocol.md 3.1; Rekor v1 API). The proposed spec and the stored
 * spec have the same shape:
 *
 * <pre>
 * {"data":{"hash":{"algorithm":"sha256","value":"&lt;hex&gt;"}},
 *  "signature":{"content":"&lt;base64 signature&gt;","publicKey":{"content":"&lt;base64 PEM&gt;"}}}
 * </pre>
 *
 * The stored body keeps the digest value as sent and re-encodes the PEM canonically.
 */
final class HashedRekordV001 {
  private HashedRekordV001() {}

  /**
   * Checks the signature over the digest of a parsed proposal ({@link #parse}), charging the check
   * to {@code budget}.
   */
  static void verify(HashedRekordBody body, VerifierCache verifierCache, VerificationBudget budget)
      throws InvalidEntryException {
    KeyType keyType = checkAllowed(body);
    try {
      budget.charge(keyType, "the signature");
    } catch (FormatException e) {
      throw new InvalidEntryException(e.getMessage());
    }
    try {
      verifierCache.forDigest(body.key().publicKey(), body.algorithm()).verify(body.signature(), body.digest());
    } catch (GeneralSecurityException e) {
      throw new InvalidEntryException("signature does not verify under the given "
          + (body.key().certificates().isEmpty() ? "public key" : "certificate's public key")
          + " (" + body.key().describe() + ", " + body.algorithm() + " digest "
          + body.digestHex() + "): " + e.getMessage());
    }
  }

  /**
   * Checks what {@link #verify} checks but the signature: the key's type and the digest it
   * allows. For an import the operator vouches for ({@code stele-server import --trust-input}).
   */
  static KeyType checkAllowed(HashedRekordBody body) throws InvalidEntryException {
    KeyType keyType;
    try {
      keyType = PublicKeys.typeOf(body.key().publicKey());
    } catch (InvalidKeyException e) {
      throw new InvalidEntryException("signature.publicKey.content: " + e.getMessage(), e);
    }
    checkAllowed(keyType, body.algorithm());
    return keyType;
  }

  /**
   * The Rekor v1 allow-list of (key, digest) pairs for hashedrekord: ECDSA P-256/SHA-256,
   * P-384/SHA-384, P-521/SHA-512, RSA 2048/3072/4096 with SHA-256, Ed25519ph over SHA-512.
   */
  static void checkAllowed(KeyType key, HashAlgorithm hash) throws InvalidEntryException {
    if (key.naturalHash() != hash) {
      throw new InvalidEntryException("entry algorithms are not allowed: a " + key + " key with a "
          + hash + " digest; allowed: ECDSA P-256 with sha256, ECDSA P-384 with sha384, ECDSA P-521"
          + " with sha512, RSA 2048/3072/4096 with sha256, Ed25519 (Ed25519ph) with sha512");
    }
  }

  /** Reads the spec's structure and encodings; checks no signature. */
  static HashedRekordBody parse(JsonNode spec) throws InvalidEntryException {
    return parse(spec, VerificationBudget.perRequest(), Integer.MAX_VALUE);
  }

  /**
   * Reads the spec's structure and encodings, charging the links of a certificate chain to
   * {@code budget}, and refusing before any of them a chain whose PEM a body of {@code
   * maxBodySize} bytes could not hold; checks no signature over the digest.
   */
  static HashedRekordBody parse(JsonNode spec, VerificationBudget budget, int maxBodySize) throws InvalidEntryException {
    JsonFields s = JsonFields.of(spec, "", "data", "signature");
    JsonFields hash = s.object("data", "hash").object("hash", "algorithm", "value");
    String algorithmName = hash.string("algorithm");
    HashAlgorithm algorithm = HashAlgorithm.fromRekorName(algorithmName).orElseThrow(
        () -> new InvalidEntryException("data.hash.algorithm must be sha256, sha384 or sha512, got '"
            + JsonFields.shorten(algorithmName) + "'"));
    String value = hash.string("value");
    if (value.length() != algorithm.hexLength()) {
      throw new InvalidEntryException("data.hash.value must be " + algorithm.hexLength()
          + " hex digits for " + algorithm + ", got " + value.length());
    }
    try {
      Encodings.hex("data.hash.value", value);
    } catch (FormatException e) {
      throw new InvalidEntryException(e.getMessage());
    }
    JsonFields signature = s.object("signature", "content", "publicKey");
    byte[] sig = signature.base64("content");
    byte[] pem = signature.object("publicKey", "content").base64("content");
    KeyMaterial key;
    try {
      key = KeyMaterial.parse(pem, budget, EntryKinds.maxCanonicalPem(maxBodySize));
    } catch (FormatException e) {
      throw new InvalidEntryException("signature.publicKey.content: " + e.getMessage(), e);
    }
    return new HashedRekordBody(algorithm, value, sig, key);
  }

  private static final byte[] HEAD = json("{\"apiVersion\":\"" + HashedRekordBody.VERSION + "\",\"kind\":\""
      + HashedRekordBody.KIND + "\",\"spec\":{\"data\":{\"hash\":{\"algorithm\":\"");
  private static final byte[] AFTER_ALGORITHM = json("\",\"value\":\"");
  private static final byte[] AFTER_VALUE = json("\"}},\"signature\":{\"content\":\"");
  private static final byte[] AFTER_SIGNATURE = json("\",\"publicKey\":{\"content\":\"");
  private static final byte[] TAIL = json("\"}}}}");

  /**
   * The canonical body (RFC 8785) of a parsed entry, written out directly: the same bytes as
   * {@link Jcs#canonicalize} of {@link #toJson} (EntryKindsTest compares the two), without
   * building and walking a tree for every entry. The members are in JCS order already, and no
   * value holds a character JCS escapes: fixed ASCII names, hex digits (checked when the body was
   * made) and base64.
   */
  static byte[] canonicalBytes(HashedRekordBody body) {
    byte[] algorithm = value(body.algorithm().rekorName());
    byte[] value = value(body.digestHex());
    byte[] sig = Encodings.base64Ascii(body.signature());
    byte[] key = Encodings.base64Ascii(body.key().canonicalPemBytes());
    byte[][] parts = {HEAD, algorithm, AFTER_ALGORITHM, value, AFTER_VALUE, sig, AFTER_SIGNATURE, key, TAIL};
    int n = 0;
    for (byte[] part : parts) n += part.length;
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

  private static byte[] json(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** A string value's bytes, which JCS writes as they are. */
  private static byte[] value(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      // Hex is checked where the body is made; this keeps the no-escaping argument true regardless.
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        throw new IllegalArgumentException("a character JCS would escape, at " + i);
      }
    }
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  static JsonNode toJson(HashedRekordBody body) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode spec = f.objectNode();
    ObjectNode hash = spec.putObject("data").putObject("hash");
    hash.put("algorithm", body.algorithm().rekorName());
    hash.put("value", body.digestHex());
    ObjectNode signature = spec.putObject("signature");
    signature.put("content", Encodings.base64(body.signature()));
    signature.putObject("publicKey").put("content", Encodings.base64(body.key().canonicalPemBytes()));
    ObjectNode root = f.objectNode();
    root.put("apiVersion", HashedRekordBody.VERSION);
    root.put("kind", HashedRekordBody.KIND);
    root.set("spec", spec);
    return root;
  }
}
