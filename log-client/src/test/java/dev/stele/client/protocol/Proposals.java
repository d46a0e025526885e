package dev.stele.client.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Builds proposed entries (the JSON of POST /api/v1/log/entries) the way clients send them. */
final class Proposals {
  private Proposals() {}

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  static String b64(String s) {
    return b64(s.getBytes(StandardCharsets.UTF_8));
  }

  static ObjectNode hashedRekord(String algorithm, String value, byte[] signature, String pem) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("apiVersion", "0.0.1");
    root.put("kind", "hashedrekord");
    ObjectNode spec = root.putObject("spec");
    ObjectNode hash = spec.putObject("data").putObject("hash");
    hash.put("algorithm", algorithm);
    hash.put("value", value);
    ObjectNode sig = spec.putObject("signature");
    sig.put("content", b64(signature));
    sig.putObject("publicKey").put("content", b64(pem));
    return root;
  }

  static ObjectNode dsse(String envelope, List<String> pems) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("apiVersion", "0.0.1");
    root.put("kind", "dsse");
    ObjectNode content = root.putObject("spec").putObject("proposedContent");
    content.put("envelope", envelope);
    ArrayNode verifiers = content.putArray("verifiers");
    pems.forEach(p -> verifiers.add(b64(p)));
    return root;
  }

  static String publicKeyPem(PublicKey key) {
    return Pem.encode("PUBLIC KEY", key.getEncoded());
  }

  /** A certificate for {@code subject}'s key, issued by {@code issuer} (itself if null). */
  static X509Certificate certificate(KeyPair subject, KeyPair issuer, String cn, boolean ca, String email,
      String uri) throws Exception {
    KeyPair signer = issuer == null ? subject : issuer;
    long now = System.currentTimeMillis();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
        new X500Name(issuer == null ? "CN=" + cn : "CN=issuer of " + cn), BigInteger.valueOf(now),
        new Date(now - 60_000), new Date(now + 600_000), new X500Name("CN=" + cn), subject.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    if (email != null || uri != null) {
      GeneralName[] names = email != null && uri != null
          ? new GeneralName[] {new GeneralName(GeneralName.rfc822Name, email), new GeneralName(GeneralName.uniformResourceIdentifier, uri)}
          : new GeneralName[] {email != null ? new GeneralName(GeneralName.rfc822Name, email) : new GeneralName(GeneralName.uniformResourceIdentifier, uri)};
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
    }
    PrivateKey key = signer.getPrivate();
    String alg = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "Ed25519";
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(key)));
  }

  static String certificatePem(X509Certificate... chain) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (X509Certificate c : chain) {
      sb.append(Pem.encode("CERTIFICATE", c.getEncoded()));
    }
    return sb.toString();
  }
}
