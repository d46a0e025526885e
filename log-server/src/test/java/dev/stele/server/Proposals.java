package dev.stele.server;

import dev.stele.client.protocol.Pem;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;

/** Builds proposed Rekor entries the way clients do, signed with a real key. */
final class Proposals {
  final KeyPair key;

  Proposals() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    key = g.generateKeyPair();
  }

  String publicKeyPem() {
    return Pem.encode("PUBLIC KEY", key.getPublic().getEncoded());
  }

  static byte[] sha256(byte[] data) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }

  byte[] sign(byte[] artifact) throws Exception {
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(key.getPrivate());
    s.update(artifact);
    return s.sign();
  }

  /** A hashedrekord 0.0.1 proposal for {@code artifact}. */
  String hashedRekord(byte[] artifact) throws Exception {
    return hashedRekord(HexFormat.of().formatHex(sha256(artifact)), sign(artifact));
  }

  String hashedRekord(String digestHex, byte[] signature) {
    return "{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":"
        + "{\"algorithm\":\"sha256\",\"value\":\"" + digestHex + "\"}},\"signature\":{\"content\":\""
        + b64(signature) + "\",\"publicKey\":{\"content\":\"" + b64(publicKeyPem().getBytes(StandardCharsets.US_ASCII))
        + "\"}}}}";
  }

  /** A dsse 0.0.1 proposal over an in-toto-typed payload. */
  String dsse(byte[] payload) throws Exception {
    String type = "application/vnd.in-toto+json";
    byte[] pae = ("DSSEv1 " + type.length() + " " + type + " " + payload.length + " ").getBytes(StandardCharsets.UTF_8);
    byte[] msg = new byte[pae.length + payload.length];
    System.arraycopy(pae, 0, msg, 0, pae.length);
    System.arraycopy(payload, 0, msg, pae.length, payload.length);
    String envelope = "{\"payload\":\"" + b64(payload) + "\",\"payloadType\":\"" + type
        + "\",\"signatures\":[{\"keyid\":\"\",\"sig\":\"" + b64(sign(msg)) + "\"}]}";
    String quoted = envelope.replace("\\", "\\\\").replace("\"", "\\\"");
    return "{\"apiVersion\":\"0.0.1\",\"kind\":\"dsse\",\"spec\":{\"proposedContent\":{\"envelope\":\""
        + quoted + "\",\"verifiers\":[\"" + b64(publicKeyPem().getBytes(StandardCharsets.US_ASCII)) + "\"]}}}";
  }

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  static byte[] artifact(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
