package dev.stele.client.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.crypto.VerifierCache;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code dsse} 0.0.2 (docs/protocol.md 3.5; the Rekor v2 API). The request:
 *
 * <pre>
 * {"dsseRequestV002":{"envelope":{"payload":"&lt;base64&gt;","payloadType":"…","signatures":[{"sig":"&lt;base64&gt;","keyid":"…"}]},
 *   "verifiers":[{"publicKey":{"rawBytes":…} | "x509Certificate":{"rawBytes":…},"keyDetails":"PKIX_ECDSA_P256_SHA_256"}]}}
 * </pre>
 *
 * and the stored spec, {@code {"dsseV002":{"payloadHash":{"algorithm":"SHA2_256","digest":…},
 * "signatures":[{"content":…,"verifier":{…}}]}}}. Every envelope signature must verify over the
 * envelope's pre-authentication encoding under one of the verifiers (with the hash its key details
 * name), and is stored with that verifier.
 *
 * <p>Rekor v2 dropped this request in favour of a hashedrekord over the PAE, but the released
 * clients that write v2 on Node 20 ({@code @sigstore/sign} 4.x) send it for every DSSE envelope,
 * and their verifiers check dsse 0.0.2 entries: refusing it would leave those clients unable to
 * record attestations at all.
 */
final class DsseV002 {
  static final String REQUEST = "dsseRequestV002";
  static final String SPEC = "dsseV002";

  private DsseV002() {}

  record Validated(DsseV2Body body, List<String> payloadIndexKeys) {}

  /** Validates a request's {@code dsseRequestV002} completely, every signature included. */
  static Validated validate(JsonNode request, VerifierCache verifierCache, VerificationBudget budget)
      throws InvalidEntryException {
    JsonFields r = JsonFields.of(request, REQUEST, "envelope", "verifiers");
    JsonFields env = r.object("envelope", "payload", "payloadType", "signatures");
    byte[] payload = env.base64("payload");
    String payloadType = env.string("payloadType");
    byte[] pae = Dsse.pae(payloadType, payload);

    JsonNode verifierNodes = r.array("verifiers");
    if (verifierNodes.isEmpty()) {
      throw new InvalidEntryException(REQUEST + ".verifiers is empty; give the key or certificate of each signature");
    }
    // The same bounds as dsse 0.0.1: the sender chooses how many signatures and keys there are,
    // and every pair tried is a signature check.
    if (verifierNodes.size() > DsseV001.MAX_SIGNATURES) {
      throw new InvalidEntryException(REQUEST + ".verifiers lists " + verifierNodes.size()
          + " keys; this log accepts at most " + DsseV001.MAX_SIGNATURES);
    }
    List<HashedRekordV002.Verifier> verifiers = new ArrayList<>();
    for (int i = 0; i < verifierNodes.size(); i++) {
      verifiers.add(HashedRekordV002.verifier(verifierNodes.get(i), REQUEST + ".verifiers[" + i + "]", true));
    }

    JsonNode sigs = env.array("signatures");
    if (sigs.isEmpty()) {
      throw new InvalidEntryException(REQUEST + ".envelope.signatures is empty");
    }
    if (sigs.size() > DsseV001.MAX_SIGNATURES) {
      throw new InvalidEntryException(REQUEST + ".envelope.signatures holds " + sigs.size()
          + " signatures; this log accepts at most " + DsseV001.MAX_SIGNATURES);
    }
    List<DsseV2Body.Signature> signatures = new ArrayList<>();
    for (int i = 0; i < sigs.size(); i++) {
      String where = REQUEST + ".envelope.signatures[" + i + "]";
      JsonFields sig = JsonFields.of(sigs.get(i), where, "sig", "keyid");
      sig.optionalString("keyid");
      byte[] sigBytes = sig.base64("sig");
      HashedRekordV002.Verifier signer = null;
      for (int k = 0; k < verifiers.size() && signer == null; k++) {
        HashedRekordV002.Verifier v = verifiers.get(k);
        try {
          budget.charge(dev.stele.client.crypto.PublicKeys.typeOf(v.key().publicKey()),
              "envelope signature " + (i + 1) + " under verifier " + (k + 1));
        } catch (FormatException | GeneralSecurityException e) {
          throw new InvalidEntryException(e.getMessage());
        }
        try {
          verifierCache.forKey(v.key().publicKey(), v.algorithm()).verify(sigBytes, pae);
          signer = v;
        } catch (GeneralSecurityException e) {
          // try the next verifier
        }
      }
      if (signer == null) {
        throw new InvalidEntryException("envelope signature " + (i + 1) + " of " + sigs.size()
            + " does not verify over the envelope's pre-authentication encoding under any of the "
            + verifiers.size() + " verifiers");
      }
      signatures.add(new DsseV2Body.Signature(sigBytes, signer.keyDetails(), signer.key()));
    }
    DsseV2Body body = new DsseV2Body(Rfc6962.sha256(payload), signatures);
    List<String> extra = payloadType.equals(DsseV001.IN_TOTO_PAYLOAD_TYPE) ? DsseV001.inTotoDigests(payload) : List.of();
    return new Validated(body, extra);
  }

  /** Reads a stored spec; checks structure, encodings and key details, no signature. */
  static DsseV2Body parse(JsonNode spec) throws InvalidEntryException {
    JsonNode v2 = JsonFields.of(spec, "spec", SPEC).has(SPEC) ? spec.get(SPEC) : null;
    JsonFields s = JsonFields.of(v2, SPEC, "payloadHash", "signatures");
    JsonFields hash = s.object("payloadHash", "algorithm", "digest");
    if (!hash.string("algorithm").equals(HashedRekordV002.protoName(HashAlgorithm.SHA256))) {
      throw new InvalidEntryException(SPEC + ".payloadHash.algorithm must be SHA2_256");
    }
    byte[] digest = hash.base64("digest");
    if (digest.length != Hash.SIZE) {
      throw new InvalidEntryException(SPEC + ".payloadHash.digest is " + digest.length + " bytes, not " + Hash.SIZE);
    }
    JsonNode sigs = s.array("signatures");
    if (sigs.isEmpty()) {
      throw new InvalidEntryException(SPEC + ".signatures is empty");
    }
    List<DsseV2Body.Signature> signatures = new ArrayList<>();
    for (int i = 0; i < sigs.size(); i++) {
      String where = SPEC + ".signatures[" + i + "]";
      JsonFields sig = JsonFields.of(sigs.get(i), where, "content", "verifier");
      byte[] content = sig.base64("content");
      HashedRekordV002.Verifier v = HashedRekordV002.verifier(sigs.get(i).get("verifier"), where + ".verifier", false);
      signatures.add(new DsseV2Body.Signature(content, v.keyDetails(), v.key()));
    }
    return new DsseV2Body(Hash.of(digest), signatures);
  }

  static JsonNode toJson(DsseV2Body body) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("apiVersion", DsseV2Body.VERSION);
    root.put("kind", DsseV2Body.KIND);
    ObjectNode v2 = root.putObject("spec").putObject(SPEC);
    v2.putObject("payloadHash").put("algorithm", HashedRekordV002.protoName(HashAlgorithm.SHA256))
        .put("digest", Encodings.base64(body.payloadHash().bytes()));
    ArrayNode sigs = v2.putArray("signatures");
    for (DsseV2Body.Signature s : body.signatures()) {
      ObjectNode sig = sigs.addObject();
      sig.put("content", Encodings.base64(s.content()));
      sig.set("verifier", HashedRekordV002.verifierJson(s.keyDetails(), s.verifier()));
    }
    return root;
  }
}
