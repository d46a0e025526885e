package dev.stele.server;

import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.protocol.Dsse;
import dev.stele.client.protocol.Pem;
import dev.stele.client.rekor.ProposedEntries;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

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
    return new String(ProposedEntries.hashedRekord(HashAlgorithm.SHA256, HexFormat.of().parseHex(digestHex),
        signature, publicKeyPem()), StandardCharsets.UTF_8);
  }

  /** A dsse 0.0.1 proposal over an in-toto-typed payload. */
  String dsse(byte[] payload) throws Exception {
    String type = "application/vnd.in-toto+json";
    String envelope = "{\"payload\":\"" + b64(payload) + "\",\"payloadType\":\"" + type
        + "\",\"signatures\":[{\"keyid\":\"\",\"sig\":\"" + b64(sign(Dsse.pae(type, payload))) + "\"}]}";
    return new String(ProposedEntries.dsse(envelope, List.of(publicKeyPem())), StandardCharsets.UTF_8);
  }

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  static byte[] artifact(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
