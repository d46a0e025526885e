package dev.stele.client.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.crypto.SignatureVerifier;
import dev.stele.client.crypto.VerifierCache;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code dsse} 0.0.1 (docs/protocol.md 3.2; Rekor v1 API). Proposed:
 *
 * <pre>
 * {"proposedContent":{"envelope":"&lt;DSSE envelope JSON, as a string&gt;","verifiers":["&lt;base64 PEM&gt;", ...]}}
 * </pre>
 *
 * Stored (computed by the log):
 *
 * <pre>
 * {"envelopeHash":{"algorithm":"sha256","value":"&lt;hex&gt;"},
 *  "payloadHash":{"algorithm":"sha256","value":"&lt;hex&gt;"},
 *  "signatures":[{"signature":"&lt;sig as in the envelope&gt;","verifier":"&lt;base64 canonical PEM&gt;"}, ...]}
 * </pre>
 *
 * Every signature must verify, under one of the verifiers, over the DSSE pre-authentication
 * encoding {@code "DSSEv1" SP len(type) SP type SP len(payload) SP payload}; ECDSA and RSA with
 * SHA-256 whatever the curve, Ed25519 pure.
 */
final class DsseV001 {
  static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
  private static final String SLSA_PROVENANCE_V02 = "https://slsa.dev/provenance/v0.2";

  private DsseV001() {}

  record Validated(DsseBody body, List<String> payloadIndexKeys) {}

  static Validated validate(JsonNode spec, VerifierCache verifierCache) throws InvalidEntryException {
    if (spec.isObject() && (spec.has("envelopeHash") || spec.has("payloadHash") || spec.has("signatures"))) {
      throw new InvalidEntryException("envelopeHash, payloadHash and signatures are computed by the log;"
          + " send only proposedContent (envelope and verifiers)");
    }
    JsonFields content = JsonFields.of(spec, "", "proposedContent")
        .object("proposedContent", "envelope", "verifiers");
    String envelopeText = content.string("envelope");
    List<KeyMaterial> keys = new ArrayList<>();
    List<SignatureVerifier> verifiers = new ArrayList<>();
    JsonNode verifierNodes = content.array("verifiers");
    for (int i = 0; i < verifierNodes.size(); i++) {
      String where = "proposedContent.verifiers[" + i + "]";
      JsonNode v = verifierNodes.get(i);
      if (!v.isTextual()) {
        throw new InvalidEntryException(where + " must be a base64 string");
      }
      byte[] pem;
      try {
        pem = Encodings.base64(where, v.textValue());
      } catch (FormatException e) {
        throw new InvalidEntryException(e.getMessage(), e);
      }
      KeyMaterial key;
      try {
        key = KeyMaterial.parse(pem);
        verifiers.add(verifierCache.forKey(key.publicKey(), HashAlgorithm.SHA256));
      } catch (FormatException | InvalidKeyException e) {
        throw new InvalidEntryException(where + ": " + e.getMessage(), e);
      }
      keys.add(key);
    }

    JsonNode envelope;
    try {
      envelope = ProtocolJson.mapper().readTree(envelopeText);
    } catch (IOException e) {
      throw new InvalidEntryException("proposedContent.envelope is not valid JSON: " + EntryKinds.jsonProblem(e));
    }
    JsonFields env = JsonFields.of(envelope, "proposedContent.envelope", "payload", "payloadType", "signatures");
    byte[] payload = env.base64("payload");
    String payloadType = env.string("payloadType");
    byte[] pae = Dsse.pae(payloadType, payload);

    List<DsseBody.Signature> signatures = new ArrayList<>();
    JsonNode sigs = env.array("signatures");
    for (int i = 0; i < sigs.size(); i++) {
      String where = "proposedContent.envelope.signatures[" + i + "]";
      JsonFields sig = JsonFields.of(sigs.get(i), where, "sig", "keyid");
      sig.optionalString("keyid");
      String sigText = sig.string("sig");
      byte[] sigBytes = sig.base64("sig");
      KeyMaterial signer = null;
      for (int k = 0; k < verifiers.size() && signer == null; k++) {
        try {
          verifiers.get(k).verify(sigBytes, pae);
          signer = keys.get(k);
        } catch (GeneralSecurityException e) {
          // try the next verifier
        }
      }
      if (signer == null) {
        throw new InvalidEntryException("envelope signature " + (i + 1) + " of " + sigs.size()
            + " does not verify under any of the " + keys.size() + " verifiers");
      }
      signatures.add(new DsseBody.Signature(sigText, signer));
    }
    signatures.sort(Comparator.comparing(DsseBody.Signature::signature));
    DsseBody body = new DsseBody(Rfc6962.sha256(envelopeText.getBytes(StandardCharsets.UTF_8)),
        Rfc6962.sha256(payload), signatures);
    List<String> extra = payloadType.equals(IN_TOTO_PAYLOAD_TYPE) ? inTotoDigests(payload) : List.of();
    return new Validated(body, extra);
  }

  /**
   * Index keys from an in-toto statement: {@code alg:hex} of every subject digest, and of every
   * material digest of a SLSA v0.2 provenance predicate. A payload that does not parse yields
   * none (the entry itself is still valid).
   */
  static List<String> inTotoDigests(byte[] payload) {
    Set<String> out = new LinkedHashSet<>();
    try {
      JsonNode statement = ProtocolJson.mapper().readTree(payload);
      addDigests(statement.path("subject"), out);
      if (SLSA_PROVENANCE_V02.equals(statement.path("predicateType").asText())) {
        addDigests(statement.path("predicate").path("materials"), out);
      }
    } catch (IOException e) {
      return List.of();
    }
    return List.copyOf(out);
  }

  private static void addDigests(JsonNode items, Set<String> out) {
    for (JsonNode item : items) {
      for (Map.Entry<String, JsonNode> d : item.path("digest").properties()) {
        if (d.getValue().isTextual()) {
          out.add((d.getKey() + ":" + d.getValue().textValue()).toLowerCase(Locale.ROOT));
        }
      }
    }
  }

  /** Reads a stored spec; checks structure and encodings only. */
  static DsseBody parse(JsonNode spec) throws InvalidEntryException {
    JsonFields s = JsonFields.of(spec, "", "envelopeHash", "payloadHash", "signatures");
    Hash envelopeHash = sha256Field(s, "envelopeHash");
    Hash payloadHash = sha256Field(s, "payloadHash");
    JsonNode sigs = s.array("signatures");
    List<DsseBody.Signature> signatures = new ArrayList<>();
    for (int i = 0; i < sigs.size(); i++) {
      JsonFields sig = JsonFields.of(sigs.get(i), "signatures[" + i + "]", "signature", "verifier");
      String text = sig.string("signature");
      sig.base64("signature");
      try {
        signatures.add(new DsseBody.Signature(text, KeyMaterial.parse(sig.base64("verifier"))));
      } catch (FormatException e) {
        throw new InvalidEntryException(sig.path("verifier") + ": " + e.getMessage(), e);
      }
    }
    return new DsseBody(envelopeHash, payloadHash, signatures);
  }

  private static Hash sha256Field(JsonFields s, String field) throws InvalidEntryException {
    JsonFields h = s.object(field, "algorithm", "value");
    if (!h.string("algorithm").equals("sha256")) {
      throw new InvalidEntryException(h.path("algorithm") + " must be sha256");
    }
    try {
      return Hash.of(Encodings.hex(h.path("value"), h.string("value"), Hash.SIZE));
    } catch (FormatException e) {
      throw new InvalidEntryException(e.getMessage());
    }
  }

  static JsonNode toJson(DsseBody body) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode spec = f.objectNode();
    spec.putObject("envelopeHash").put("algorithm", "sha256").put("value", body.envelopeHash().hex());
    spec.putObject("payloadHash").put("algorithm", "sha256").put("value", body.payloadHash().hex());
    ArrayNode sigs = spec.putArray("signatures");
    for (DsseBody.Signature s : body.signatures()) {
      sigs.addObject().put("signature", s.signature())
          .put("verifier", Encodings.base64(s.verifier().canonicalPemBytes()));
    }
    ObjectNode root = f.objectNode();
    root.put("apiVersion", DsseBody.VERSION);
    root.put("kind", DsseBody.KIND);
    root.set("spec", spec);
    return root;
  }
}
