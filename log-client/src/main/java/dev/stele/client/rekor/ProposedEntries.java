package dev.stele.client.rekor;

import dev.stele.client.protocol.Encodings;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.protocol.RekorJson;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The proposed entries a client sends to {@code POST /api/v1/log/entries} (docs/protocol.md 3.1,
 * 3.2), exactly as the Sigstore clients send them.
 */
public final class ProposedEntries {
  private ProposedEntries() {}

  /**
   * A {@code hashedrekord} 0.0.1 proposal.
   *
   * @param algorithm the digest algorithm
   * @param digest the artifact digest
   * @param signature the signature over the artifact
   * @param pem the signer's PEM public key or certificate(s)
   */
  public static byte[] hashedRekord(HashAlgorithm algorithm, byte[] digest, byte[] signature, String pem) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("apiVersion", "0.0.1");
    root.put("kind", "hashedrekord");
    ObjectNode spec = root.putObject("spec");
    spec.putObject("data").putObject("hash").put("algorithm", algorithm.rekorName())
        .put("value", Encodings.hex(digest));
    ObjectNode sig = spec.putObject("signature");
    sig.put("content", Encodings.base64(signature));
    sig.putObject("publicKey").put("content", base64(pem));
    return RekorJson.write(root);
  }

  /**
   * A {@code dsse} 0.0.1 proposal.
   *
   * @param envelopeJson the DSSE envelope JSON, sent as a string
   * @param verifierPems the PEM keys or certificates that verify its signatures
   */
  public static byte[] dsse(String envelopeJson, List<String> verifierPems) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("apiVersion", "0.0.1");
    root.put("kind", "dsse");
    ObjectNode content = root.putObject("spec").putObject("proposedContent");
    content.put("envelope", envelopeJson);
    ArrayNode verifiers = content.putArray("verifiers");
    verifierPems.forEach(p -> verifiers.add(base64(p)));
    return RekorJson.write(root);
  }

  /**
   * A Rekor v2 request, {@code {"hashedRekordRequestV002":{...}}} (docs/protocol.md 3.4): the
   * signature over {@code digest} with the signer's public key (DER SubjectPublicKeyInfo) and its
   * key details, e.g. {@code PKIX_ECDSA_P256_SHA_256}.
   */
  public static byte[] hashedRekordV2(byte[] digest, byte[] signature, java.security.PublicKey key, String keyDetails) {
    return ("{\"hashedRekordRequestV002\":{\"digest\":\"" + dev.stele.client.protocol.Encodings.base64(digest)
        + "\",\"signature\":{\"content\":\"" + dev.stele.client.protocol.Encodings.base64(signature)
        + "\",\"verifier\":{\"keyDetails\":\"" + keyDetails + "\",\"publicKey\":{\"rawBytes\":\""
        + dev.stele.client.protocol.Encodings.base64(key.getEncoded()) + "\"}}}}}")
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static String base64(String text) {
    return Encodings.base64(text.getBytes(StandardCharsets.UTF_8));
  }
}
