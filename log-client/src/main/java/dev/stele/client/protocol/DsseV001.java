package dev.stele.client.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.crypto.KeyType;
import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.SignatureVerifier;
import dev.stele.client.crypto.VerifierCache;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
 * Every signature must verify, under its own verifier (one verifier per signature), over the DSSE
 * pre-authentication encoding {@code "DSSEv1" SP len(type) SP type SP len(payload) SP payload};
 * ECDSA and RSA with SHA-256 whatever the curve, Ed25519 pure. The work this takes is bounded:
 * at most {@value #MAX_SIGNATURES} signatures, checks charged to a {@link VerificationBudget},
 * and the canonical body's size known before the first check ({@link Prepared#provisional}).
 */
final class DsseV001 {
  static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
  private static final String SLSA_PROVENANCE_V02 = "https://slsa.dev/provenance/v0.2";

  private DsseV001() {}

  /**
   * The most signatures one envelope may carry; it must come with as many verifiers. Each
   * signature costs at least one check, and the sender chooses how many there are.
   */
  static final int MAX_SIGNATURES = 8;

  record Validated(DsseBody body, List<String> payloadIndexKeys) {}

  /** One signature of the envelope: its text as sent, its bytes, and its optional key ID. */
  private record Sig(String text, byte[] bytes, String keyId) {}

  /**
   * A proposal read and checked but for its signatures: everything that decides the size of the
   * canonical body, known before any signature is checked.
   */
  static final class Prepared {
    private final String envelopeText;
    private final byte[] payload;
    private final String payloadType;
    private final List<Sig> signatures;
    private final List<KeyMaterial> keys;

    private Prepared(String envelopeText, byte[] payload, String payloadType, List<Sig> signatures,
        List<KeyMaterial> keys) {
      this.envelopeText = envelopeText;
      this.payload = payload;
      this.payloadType = payloadType;
      this.signatures = signatures;
      this.keys = keys;
    }

    /**
     * The body with the i-th signature paired with the i-th verifier. Every signature is paired
     * with exactly one verifier and every verifier with one signature, so the real body holds the
     * same strings in another pairing: its canonical form has the same length as this one's.
     */
    DsseBody provisional() {
      List<DsseBody.Signature> pairs = new ArrayList<>();
      for (int i = 0; i < signatures.size(); i++) {
        pairs.add(new DsseBody.Signature(signatures.get(i).text(), keys.get(i)));
      }
      return body(pairs);
    }

    private DsseBody body(List<DsseBody.Signature> pairs) {
      List<DsseBody.Signature> sorted = new ArrayList<>(pairs);
      sorted.sort(Comparator.comparing(DsseBody.Signature::signature));
      return new DsseBody(Rfc6962.sha256(envelopeText.getBytes(StandardCharsets.UTF_8)),
          Rfc6962.sha256(payload), sorted);
    }
  }

  /**
   * Reads a proposed spec completely but for the signature checks: at most {@value
   * #MAX_SIGNATURES} signatures, no two alike, exactly one verifier per signature, no two
   * verifiers with the same key. Certificate chains of the verifiers are checked within {@code
   * budget}, once it is known that a body of {@code maxBodySize} bytes could hold their PEM.
   */
  static Prepared prepare(JsonNode spec, VerificationBudget budget, int maxBodySize) throws InvalidEntryException {
    if (spec.isObject() && (spec.has("envelopeHash") || spec.has("payloadHash") || spec.has("signatures"))) {
      throw new InvalidEntryException("envelopeHash, payloadHash and signatures are computed by the log;"
          + " send only proposedContent (envelope and verifiers)");
    }
    JsonFields content = JsonFields.of(spec, "", "proposedContent")
        .object("proposedContent", "envelope", "verifiers");
    String envelopeText = content.string("envelope");
    JsonNode verifierNodes = content.array("verifiers");
    if (verifierNodes.size() > MAX_SIGNATURES) {
      throw new InvalidEntryException("proposedContent.verifiers has " + verifierNodes.size()
          + " keys; this log accepts envelopes of at most " + MAX_SIGNATURES + " signatures, with one verifier each");
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
    JsonNode sigNodes = env.array("signatures");
    if (sigNodes.size() > MAX_SIGNATURES) {
      throw new InvalidEntryException("proposedContent.envelope.signatures has " + sigNodes.size()
          + " signatures; this log accepts at most " + MAX_SIGNATURES);
    }
    List<Sig> signatures = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < sigNodes.size(); i++) {
      String where = "proposedContent.envelope.signatures[" + i + "]";
      JsonFields sig = JsonFields.of(sigNodes.get(i), where, "sig", "keyid");
      String keyId = sig.optionalString("keyid");
      String text = sig.string("sig");
      byte[] bytes = sig.base64("sig");
      // Canonical base64: the same bytes always have the same text.
      Integer earlier = seen.putIfAbsent(text, i);
      if (earlier != null) {
        throw new InvalidEntryException(where + " is the same signature as signatures[" + earlier + "]");
      }
      signatures.add(new Sig(text, bytes, keyId == null ? "" : keyId));
    }
    if (signatures.size() != verifierNodes.size()) {
      throw new InvalidEntryException("the envelope has " + signatures.size() + " signature"
          + (signatures.size() == 1 ? "" : "s") + " and " + verifierNodes.size() + " verifier"
          + (verifierNodes.size() == 1 ? " was" : "s were") + " sent; send exactly one verifier (the"
          + " signing key or certificate) per signature");
    }

    List<KeyMaterial> keys = new ArrayList<>();
    Map<ByteBuffer, Integer> spkis = new HashMap<>();
    for (int i = 0; i < verifierNodes.size(); i++) {
      String where = "proposedContent.verifiers[" + i + "]";
      JsonNode v = verifierNodes.get(i);
      if (!v.isTextual()) {
        throw new InvalidEntryException(where + " must be a base64 string");
      }
      KeyMaterial key;
      try {
        key = KeyMaterial.parse(Encodings.base64(where, v.textValue()), budget, EntryKinds.maxCanonicalPem(maxBodySize));
      } catch (FormatException e) {
        throw new InvalidEntryException(e.getMessage().startsWith(where) ? e.getMessage() : where + ": " + e.getMessage(), e);
      }
      Integer earlier = spkis.putIfAbsent(ByteBuffer.wrap(key.publicKey().getEncoded()), i);
      if (earlier != null) {
        throw new InvalidEntryException(where + " has the same public key as verifiers[" + earlier
            + "]; each signature needs its own key");
      }
      keys.add(key);
    }
    return new Prepared(envelopeText, payload, payloadType, signatures, keys);
  }

  /**
   * Checks every signature and pairs it with the verifier whose key made it, each verifier
   * verifying one signature. The checks are charged to {@code budget}, and tried in this order:
   * the verifier the signature's {@code keyid} names (the hex SHA-256 of its key's DER
   * SubjectPublicKeyInfo), the verifier at the signature's own position, then the others not yet
   * paired; verifiers whose signatures cannot have the signature's form (length, encoding) are
   * skipped at no cost. An envelope whose verifiers are listed in the order of its signatures
   * is checked with one check per signature.
   */
  static Validated match(Prepared p, VerifierCache verifierCache, VerificationBudget budget)
      throws InvalidEntryException {
    int n = p.keys.size();
    List<SignatureVerifier> verifiers = new ArrayList<>(n);
    List<KeyType> types = new ArrayList<>(n);
    Map<String, Integer> byKeyId = new HashMap<>();
    int least = 0;
    for (int i = 0; i < n; i++) {
      KeyMaterial key = p.keys.get(i);
      try {
        types.add(PublicKeys.typeOf(key.publicKey()));
        verifiers.add(verifierCache.forKey(key.publicKey(), HashAlgorithm.SHA256));
      } catch (InvalidKeyException e) {
        throw new InvalidEntryException("proposedContent.verifiers[" + i + "]: " + e.getMessage(), e);
      }
      least += types.get(i).verifyCost();
      byKeyId.put(Rfc6962.sha256(key.publicKey().getEncoded()).hex(), i);
    }
    try {
      budget.require(least, "the " + n + " signature" + (n == 1 ? "" : "s") + " of the envelope");
    } catch (FormatException e) {
      throw new InvalidEntryException(e.getMessage());
    }

    byte[] pae = Dsse.pae(p.payloadType, p.payload);
    boolean[] paired = new boolean[n];
    List<DsseBody.Signature> pairs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Sig sig = p.signatures.get(i);
      String what = "envelope signature " + (i + 1) + " of " + n;
      Integer named = byKeyId.get(sig.keyId().toLowerCase(Locale.ROOT));
      Set<Integer> order = new LinkedHashSet<>();
      if (named != null) {
        order.add(named);
      }
      order.add(i);
      for (int k = 0; k < n; k++) {
        order.add(k);
      }
      int left = n - i;
      int signer = -1;
      for (int k : order) {
        if (paired[k]) {
          continue;
        }
        SignatureVerifier v = verifiers.get(k);
        try {
          v.checkForm(sig.bytes());
        } catch (GeneralSecurityException e) {
          continue; // a key of this type cannot have made a signature of this form
        }
        try {
          budget.charge(types.get(k), what);
        } catch (FormatException e) {
          throw new InvalidEntryException(e.getMessage() + "; list the verifiers in the order of"
              + " the signatures, or set each signature's keyid to the hex SHA-256 of its key's DER"
              + " SubjectPublicKeyInfo");
        }
        try {
          v.verify(sig.bytes(), pae);
          signer = k;
          break;
        } catch (GeneralSecurityException e) {
          // try the next verifier
        }
      }
      if (signer < 0) {
        throw new InvalidEntryException(what + " does not verify under any of the " + left + " verifiers"
            + (i == 0 ? "" : " not paired with an earlier signature (each verifier verifies one signature)"));
      }
      paired[signer] = true;
      pairs.add(new DsseBody.Signature(sig.text(), p.keys.get(signer)));
    }
    DsseBody body = p.body(pairs);
    List<String> extra = p.payloadType.equals(IN_TOTO_PAYLOAD_TYPE) ? inTotoDigests(p.payload) : List.of();
    return new Validated(body, extra);
  }

  /**
   * Index keys from an in-toto statement: {@code alg:hex} of every subject digest, and of every
   * material digest of a SLSA v0.2 provenance predicate, that a lookup can ask for ({@link
   * IndexKeys#digestKey}), at most {@value IndexKeys#MAX_PER_ENTRY}. A payload that does not parse
   * yields none (the entry itself is still valid).
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
        if (out.size() >= IndexKeys.MAX_PER_ENTRY) {
          return;
        }
        if (d.getValue().isTextual()) {
          IndexKeys.digestKey(d.getKey(), d.getValue().textValue()).ifPresent(out::add);
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
