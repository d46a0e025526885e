package dev.stele.fuzz;

import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.protocol.Dsse;
import dev.stele.client.protocol.Pem;
import dev.stele.client.rekor.ProposedEntries;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;

/** Valid proposed entries, signed with a fresh ECDSA P-256 key, as clients send them. */
final class Proposals {
  private final KeyPair key;

  Proposals() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    key = g.generateKeyPair();
  }

  String publicKeyPem() {
    return Pem.encode("PUBLIC KEY", key.getPublic().getEncoded());
  }

  byte[] sign(byte[] message) throws GeneralSecurityException {
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(key.getPrivate());
    s.update(message);
    return s.sign();
  }

  /** A hashedrekord 0.0.1 proposal for {@code artifact}. */
  byte[] hashedRekord(byte[] artifact) throws GeneralSecurityException {
    return ProposedEntries.hashedRekord(HashAlgorithm.SHA256, HashAlgorithm.SHA256.digest(artifact),
        sign(artifact), publicKeyPem());
  }

  /** A Rekor v2 hashedRekordRequestV002 for {@code artifact}. */
  byte[] hashedRekordV2(byte[] artifact) throws GeneralSecurityException {
    return ProposedEntries.hashedRekordV2(HashAlgorithm.SHA256.digest(artifact), sign(artifact), key.getPublic(),
        "PKIX_ECDSA_P256_SHA_256");
  }

  /** A Rekor v2 dsseRequestV002 of an envelope over {@code payload}, the key as a public key or in x509Certificate. */
  byte[] dsseV2(String payloadType, byte[] payload, boolean keyAsCertificateField) throws GeneralSecurityException {
    Base64.Encoder b64 = Base64.getEncoder();
    return ("{\"dsseRequestV002\":{\"envelope\":{\"payload\":\"" + b64.encodeToString(payload)
        + "\",\"payloadType\":\"" + payloadType + "\",\"signatures\":[{\"sig\":\""
        + b64.encodeToString(sign(Dsse.pae(payloadType, payload))) + "\",\"keyid\":\"\"}]},\"verifiers\":[{"
        + "\"keyDetails\":\"PKIX_ECDSA_P256_SHA_256\",\"" + (keyAsCertificateField ? "x509Certificate" : "publicKey")
        + "\":{\"rawBytes\":\"" + b64.encodeToString(key.getPublic().getEncoded()) + "\"}}]}}")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A dsse 0.0.1 proposal of an envelope over {@code payload}, typed {@code payloadType}. */
  byte[] dsse(String payloadType, byte[] payload) throws GeneralSecurityException {
    Base64.Encoder b64 = Base64.getEncoder();
    String envelope = "{\"payload\":\"" + b64.encodeToString(payload) + "\",\"payloadType\":\"" + payloadType
        + "\",\"signatures\":[{\"keyid\":\"\",\"sig\":\"" + b64.encodeToString(sign(Dsse.pae(payloadType, payload)))
        + "\"}]}";
    return ProposedEntries.dsse(envelope, List.of(publicKeyPem()));
  }
}
