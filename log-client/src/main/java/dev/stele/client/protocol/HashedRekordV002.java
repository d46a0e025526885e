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
import java.security.PublicKey;
import java.util.Map;

/**
 * {@code hashedrekord} 0.0.2 (docs/protocol.md 3.4; the Rekor v2 API). The request, {@code POST
 * /api/v2/log/entries}:
 *
 * <pre>
 * {"hashedRekordRequestV002":{"digest":"&lt;base64&gt;","signature":{"content":"&lt;base64&gt;",
 *   "verifier":{"publicKey":{"rawBytes":"&lt;base64 DER SPKI&gt;"} | "x509Certificate":{"rawBytes":"&lt;base64 DER&gt;"},
 *               "keyDetails":"PKIX_ECDSA_P256_SHA_256"}}}}
 * </pre>
 *
 * and the stored spec, {@code {"hashedRekordV002":{"data":{"algorithm":"SHA2_256","digest":…},
 * "signature":{…the request's signature…}}}}. Member names are read in either protobuf JSON form
 * (lowerCamelCase or the proto's snake_case) and written in lowerCamelCase.
 *
 * <p>A public key is stored as the DER of the parsed key, so that one key always gives one body.
 * An {@code x509Certificate} whose bytes are a SubjectPublicKeyInfo rather than a certificate is
 * recorded as the {@code publicKey} it is: {@code @sigstore/sign} 4.1 sends a signer's public key
 * that way ({@code witness/tlog/entry.js}, {@code toCreateEntryRequestMessageSignature}), and a
 * verifier that rebuilds the body from a public-key bundle (sigstore-go) expects {@code publicKey}.
 */
final class HashedRekordV002 {
  static final String REQUEST = "hashedRekordRequestV002";
  static final String SPEC = "hashedRekordV002";

  /** The key details this log accepts, each with its key type and digest: Rekor v1's allow-list. */
  private static final Map<String, Object[]> KEY_DETAILS = Map.of(
      "PKIX_ECDSA_P256_SHA_256", new Object[] {KeyType.ECDSA_P256, HashAlgorithm.SHA256},
      "PKIX_ECDSA_P384_SHA_384", new Object[] {KeyType.ECDSA_P384, HashAlgorithm.SHA384},
      "PKIX_ECDSA_P521_SHA_512", new Object[] {KeyType.ECDSA_P521, HashAlgorithm.SHA512},
      "PKIX_RSA_PKCS1V15_2048_SHA256", new Object[] {KeyType.RSA_2048, HashAlgorithm.SHA256},
      "PKIX_RSA_PKCS1V15_3072_SHA256", new Object[] {KeyType.RSA_3072, HashAlgorithm.SHA256},
      "PKIX_RSA_PKCS1V15_4096_SHA256", new Object[] {KeyType.RSA_4096, HashAlgorithm.SHA256},
      "PKIX_ED25519_PH", new Object[] {KeyType.ED25519, HashAlgorithm.SHA512});
  static final String SUPPORTED_KEY_DETAILS = "PKIX_ECDSA_P256_SHA_256, PKIX_ECDSA_P384_SHA_384,"
      + " PKIX_ECDSA_P521_SHA_512, PKIX_RSA_PKCS1V15_{2048,3072,4096}_SHA256, PKIX_ED25519_PH";

  private HashedRekordV002() {}

  /** Validates a request's {@code hashedRekordRequestV002} completely, the signature included. */
  static HashedRekordV2Body validate(JsonNode request, VerifierCache verifierCache) throws InvalidEntryException {
    JsonFields r = JsonFields.of(request, REQUEST, "digest", "signature");
    byte[] digest = r.base64("digest");
    Signed s = signature(request.get("signature"), REQUEST + ".signature", true);
    if (digest.length != s.algorithm.digestLength()) {
      throw new InvalidEntryException(REQUEST + ".digest is " + digest.length + " bytes, but " + s.keyDetails
          + " signs a " + s.algorithm + " digest of " + s.algorithm.digestLength());
    }
    HashedRekordV2Body body = new HashedRekordV2Body(s.algorithm, digest, s.signature, s.keyDetails, s.key);
    try {
      verifierCache.forDigest(s.key.publicKey(), s.algorithm).verify(s.signature, digest);
    } catch (GeneralSecurityException e) {
      throw new InvalidEntryException("signature does not verify under the given "
          + (s.key.certificates().isEmpty() ? "public key" : "certificate's public key") + " ("
          + s.key.describe() + ", " + s.algorithm + " digest " + Encodings.hex(digest) + "): " + e.getMessage());
    }
    return body;
  }

  /** Reads a stored spec; checks structure, encodings and key details, no signature. */
  static HashedRekordV2Body parse(JsonNode spec) throws InvalidEntryException {
    JsonNode v2 = JsonFields.of(spec, "spec", SPEC).has(SPEC) ? spec.get(SPEC) : null;
    JsonFields s = JsonFields.of(v2, SPEC, "data", "signature");
    JsonFields data = s.object("data", "algorithm", "digest");
    String algorithmName = data.string("algorithm");
    byte[] digest = data.base64("digest");
    Signed sig = signature(v2.get("signature"), SPEC + ".signature", false);
    if (!algorithmName.equals(protoName(sig.algorithm))) {
      throw new InvalidEntryException(SPEC + ".data.algorithm is " + JsonFields.shorten(algorithmName)
          + ", but " + sig.keyDetails + " signs " + protoName(sig.algorithm));
    }
    if (digest.length != sig.algorithm.digestLength()) {
      throw new InvalidEntryException(SPEC + ".data.digest is " + digest.length + " bytes, a "
          + sig.algorithm + " digest is " + sig.algorithm.digestLength());
    }
    return new HashedRekordV2Body(sig.algorithm, digest, sig.signature, sig.keyDetails, sig.key);
  }

  private record Signed(byte[] signature, String keyDetails, HashAlgorithm algorithm, KeyMaterial key) {}

  /**
   * A {@code Signature} message: content and verifier. {@code lenient} accepts a certificate
   * field holding a public key (see the class comment); a stored body is read as written.
   */
  private static Signed signature(JsonNode node, String path, boolean lenient) throws InvalidEntryException {
    JsonFields s = JsonFields.of(node, path, "content", "verifier");
    byte[] signature = s.base64("content");
    Verifier v = verifier(node.get("verifier"), path + ".verifier", lenient);
    return new Signed(signature, v.keyDetails, v.algorithm, v.key);
  }

  /** A {@code Verifier} message: a key or certificate and its key details, with the hash they name. */
  record Verifier(String keyDetails, HashAlgorithm algorithm, KeyMaterial key) {}

  /** Reads a {@code Verifier} message ({@code lenient}: as in {@link #signature}). */
  static Verifier verifier(JsonNode verifier, String vpath, boolean lenient) throws InvalidEntryException {
    JsonFields v = JsonFields.of(verifier, vpath, "publicKey", "public_key", "x509Certificate",
        "x509_certificate", "keyDetails", "key_details");
    String keyDetails = stringOf(verifier, vpath, "keyDetails", "key_details");
    Object[] allowed = KEY_DETAILS.get(keyDetails);
    if (allowed == null) {
      throw new InvalidEntryException(vpath + ".keyDetails " + JsonFields.shorten(keyDetails)
          + " is not accepted; accepted: " + SUPPORTED_KEY_DETAILS);
    }
    String keyField = name(verifier, vpath, "publicKey", "public_key");
    String certField = name(verifier, vpath, "x509Certificate", "x509_certificate");
    if (verifier.has(keyField) == verifier.has(certField)) {
      throw new InvalidEntryException(vpath + " must hold exactly one of publicKey and x509Certificate");
    }
    boolean isKey = verifier.has(keyField);
    String holder = isKey ? keyField : certField;
    JsonNode raw = verifier.get(holder);
    JsonFields.of(raw, vpath + "." + holder, "rawBytes", "raw_bytes");
    String rawField = name(raw, vpath + "." + holder, "rawBytes", "raw_bytes");
    byte[] der = JsonFields.of(raw, vpath + "." + holder, rawField).base64(rawField);
    KeyMaterial key;
    try {
      if (isKey) {
        key = KeyMaterial.parse(Pem.encode("PUBLIC KEY", Der.publicKey(vpath + ".publicKey.rawBytes", der).getEncoded())
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      } else {
        key = certificateOrKey(der, vpath + ".x509Certificate.rawBytes", lenient);
      }
    } catch (FormatException e) {
      throw new InvalidEntryException(e.getMessage(), e);
    }
    KeyType type;
    try {
      type = PublicKeys.typeOf(key.publicKey());
    } catch (InvalidKeyException e) {
      throw new InvalidEntryException(vpath + ": " + e.getMessage(), e);
    }
    if (type != allowed[0]) {
      throw new InvalidEntryException(vpath + ".keyDetails says " + keyDetails + ", but the key is " + type);
    }
    return new Verifier(keyDetails, (HashAlgorithm) allowed[1], key);
  }

  private static KeyMaterial certificateOrKey(byte[] der, String what, boolean lenient) throws FormatException {
    try {
      Der.certificate(what, der);
    } catch (FormatException notACertificate) {
      if (lenient) {
        PublicKey k;
        try {
          k = Der.publicKey(what, der);
        } catch (FormatException notAKey) {
          throw notACertificate;
        }
        return KeyMaterial.parse(Pem.encode("PUBLIC KEY", k.getEncoded()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      }
      throw notACertificate;
    }
    return KeyMaterial.parse(Pem.encode("CERTIFICATE", der).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  private static String stringOf(JsonNode node, String path, String camel, String snake) throws InvalidEntryException {
    String field = name(node, path, camel, snake);
    return JsonFields.of(node, path, camel, snake, "publicKey", "public_key", "x509Certificate", "x509_certificate")
        .string(field);
  }

  /** Which of a member's two protobuf JSON names is used (the camel one when neither is). */
  private static String name(JsonNode node, String path, String camel, String snake) throws InvalidEntryException {
    if (node.has(camel) && node.has(snake)) {
      throw new InvalidEntryException(path + " has both " + camel + " and " + snake + "; give one");
    }
    return node.has(snake) ? snake : camel;
  }

  /** The protobuf {@code HashAlgorithm} name: {@code SHA2_256}, {@code SHA2_384}, {@code SHA2_512}. */
  static String protoName(HashAlgorithm a) {
    switch (a) {
      case SHA256:
        return "SHA2_256";
      case SHA384:
        return "SHA2_384";
      default:
        return "SHA2_512";
    }
  }

  static JsonNode toJson(HashedRekordV2Body body) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("apiVersion", HashedRekordV2Body.VERSION);
    root.put("kind", HashedRekordV2Body.KIND);
    ObjectNode v2 = root.putObject("spec").putObject(SPEC);
    v2.putObject("data").put("algorithm", protoName(body.algorithm())).put("digest", Encodings.base64(body.digest()));
    ObjectNode sig = v2.putObject("signature");
    sig.put("content", Encodings.base64(body.signature()));
    sig.set("verifier", verifierJson(body.keyDetails(), body.key()));
    return root;
  }

  /** The {@code Verifier} message of a key or certificate, as stored. */
  static ObjectNode verifierJson(String keyDetails, KeyMaterial key) {
    ObjectNode verifier = JsonNodeFactory.instance.objectNode();
    verifier.put("keyDetails", keyDetails);
    byte[] der;
    if (key.certificates().isEmpty()) {
      der = key.publicKey().getEncoded();
      verifier.putObject("publicKey").put("rawBytes", Encodings.base64(der));
    } else {
      try {
        der = key.certificates().get(0).getEncoded();
      } catch (java.security.cert.CertificateEncodingException e) {
        throw new IllegalStateException("a parsed certificate does not encode: " + e.getMessage(), e);
      }
      verifier.putObject("x509Certificate").put("rawBytes", Encodings.base64(der));
    }
    return verifier;
  }
}
