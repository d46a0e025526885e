package dev.stele.client.protocol;

import static dev.stele.client.crypto.TestKeys.jdkSign;
import static dev.stele.client.protocol.Proposals.b64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.crypto.TestKeys;
import dev.stele.merkle.Rfc6962;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519phSigner;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;

class EntryKindsTest {
  private static final byte[] ARTIFACT = "the artifact\n".getBytes(StandardCharsets.UTF_8);

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static ObjectNode keyed(String jcaAlgorithm, KeyPair pair, HashAlgorithm hash) throws Exception {
    return Proposals.hashedRekord(hash.rekorName(), hex(hash.digest(ARTIFACT)),
        jdkSign(jcaAlgorithm, pair.getPrivate(), ARTIFACT), Proposals.publicKeyPem(pair.getPublic()));
  }

  private static String expectedBody(String alg, String value, byte[] sig, String canonicalPem) {
    return "{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":{\"algorithm\":\""
        + alg + "\",\"value\":\"" + value + "\"}},\"signature\":{\"content\":\"" + b64(sig)
        + "\",\"publicKey\":{\"content\":\"" + b64(canonicalPem) + "\"}}}}";
  }

  @Test
  void hashedRekord_everyAllowedKeyType_accepted() throws Exception {
    Object[][] cases = {
        {"SHA256withECDSA", TestKeys.p256(), HashAlgorithm.SHA256},
        {"SHA384withECDSA", TestKeys.p384(), HashAlgorithm.SHA384},
        {"SHA512withECDSA", TestKeys.p521(), HashAlgorithm.SHA512},
        {"SHA256withRSA", TestKeys.rsa(2048), HashAlgorithm.SHA256},
        {"SHA256withRSA", TestKeys.rsa(3072), HashAlgorithm.SHA256},
        {"SHA256withRSA", TestKeys.rsa(4096), HashAlgorithm.SHA256},
    };
    for (Object[] c : cases) {
      KeyPair pair = (KeyPair) c[1];
      HashAlgorithm hash = (HashAlgorithm) c[2];
      ObjectNode proposal = keyed((String) c[0], pair, hash);
      CanonicalEntry e = EntryKinds.canonicalize(proposal);
      String value = hex(hash.digest(ARTIFACT));
      byte[] sig = java.util.Base64.getDecoder().decode(proposal.at("/spec/signature/content").asText());
      String pem = Proposals.publicKeyPem(pair.getPublic());
      assertEquals(expectedBody(hash.rekorName(), value, sig, pem), new String(e.body(), StandardCharsets.UTF_8));
      assertEquals(Rfc6962.hashLeaf(e.body()), e.leafHash());
      assertEquals(e.leafHash().hex(), e.uuid());
      assertEquals("hashedrekord", e.kind());
      assertEquals("0.0.1", e.apiVersion());
      assertEquals(List.of(hex(HashAlgorithm.SHA256.digest(pem.getBytes(StandardCharsets.US_ASCII))),
          hash.rekorName() + ":" + value), e.indexKeys());
      assertEquals(e.content(), EntryKinds.parseBody(e.body()));
    }
  }

  /** Ed25519 keys sign hashedrekord digests as Ed25519ph over SHA-512 (RFC 8032 section 5.1). */
  @Test
  void hashedRekord_ed25519ph_accepted_pureEd25519Rejected() throws Exception {
    Ed25519PrivateKeyParameters priv = new Ed25519PrivateKeyParameters(new java.security.SecureRandom());
    Ed25519phSigner signer = new Ed25519phSigner(new byte[0]);
    signer.init(true, priv);
    signer.update(ARTIFACT, 0, ARTIFACT.length);
    byte[] sig = signer.generateSignature();
    String pem = Pem.encode("PUBLIC KEY", dev.stele.client.crypto.PublicKeys.ed25519(priv.generatePublicKey().getEncoded()).getEncoded());
    String value = hex(HashAlgorithm.SHA512.digest(ARTIFACT));
    EntryKinds.canonicalize(Proposals.hashedRekord("sha512", value, sig, pem));

    byte[] pure = jdkSign("Ed25519", TestKeys.ed25519().getPrivate(), ARTIFACT);
    String edPem = Proposals.publicKeyPem(TestKeys.ed25519().getPublic());
    assertRejected(Proposals.hashedRekord("sha512", value, pure, edPem), "signature does not verify under the given public key");
    assertRejected(Proposals.hashedRekord("sha256", hex(HashAlgorithm.SHA256.digest(ARTIFACT)), pure, edPem),
        "entry algorithms are not allowed: a Ed25519 key with a sha256 digest");
  }

  @Test
  void hashedRekord_certificateAndChain_acceptedWithSubjectsIndexed() throws Exception {
    KeyPair leafKey = TestKeys.freshP256();
    KeyPair caKey = TestKeys.freshP256();
    X509Certificate ca = Proposals.certificate(caKey, null, "test CA", true, null, null);
    X509Certificate leaf = Proposals.certificate(leafKey, caKey, "signer", false, "Signer@Example.COM",
        "https://github.com/Example/Repo/.github/workflows/release.yml@refs/heads/main");
    String value = hex(HashAlgorithm.SHA256.digest(ARTIFACT));
    byte[] sig = jdkSign("SHA256withECDSA", leafKey.getPrivate(), ARTIFACT);

    CanonicalEntry single = EntryKinds.canonicalize(
        Proposals.hashedRekord("sha256", value, sig, Proposals.certificatePem(leaf)));
    assertTrue(single.indexKeys().contains("signer@example.com"), single.indexKeys().toString());
    assertTrue(single.indexKeys().contains(
        "https://github.com/example/repo/.github/workflows/release.yml@refs/heads/main"), single.indexKeys().toString());
    HashedRekordBody body = (HashedRekordBody) single.content();
    assertEquals(1, body.key().certificates().size());
    assertEquals(leafKey.getPublic(), body.key().publicKey());

    CanonicalEntry chain = EntryKinds.canonicalize(
        Proposals.hashedRekord("sha256", value, sig, Proposals.certificatePem(leaf, ca)));
    assertEquals(2, ((HashedRekordBody) chain.content()).key().certificates().size());
    assertNotEquals(single.leafHash(), chain.leafHash());

    // A chain whose links do not match is refused.
    X509Certificate stranger = Proposals.certificate(TestKeys.freshP256(), null, "other CA", true, null, null);
    assertRejected(Proposals.hashedRekord("sha256", value, sig, Proposals.certificatePem(leaf, stranger)),
        "signature.publicKey.content: certificate 1 of the chain is not signed by certificate 2");
    // A certificate for another key does not verify the signature.
    X509Certificate otherLeaf = Proposals.certificate(TestKeys.freshP256(), caKey, "other", false, null, null);
    assertRejected(Proposals.hashedRekord("sha256", value, sig, Proposals.certificatePem(otherLeaf)),
        "signature does not verify under the given certificate's public key");
  }

  /** The stored PEM is re-encoded: differently wrapped PEMs give the same leaf (docs/protocol.md 2.2). */
  @Test
  void hashedRekord_pemReencoded_sameLeafForDifferentWrapping() throws Exception {
    KeyPair pair = TestKeys.p256();
    ObjectNode canonical = keyed("SHA256withECDSA", pair, HashAlgorithm.SHA256);
    String b64key = java.util.Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(pair.getPublic().getEncoded());
    String odd = "\n-----BEGIN PUBLIC KEY-----\r\n" + b64key + "\r\n-----END PUBLIC KEY-----\r\n\r\n";
    ObjectNode oddProposal = canonical.deepCopy();
    ((ObjectNode) oddProposal.at("/spec/signature/publicKey")).put("content", b64(odd));
    assertEquals(EntryKinds.canonicalize(canonical).leafHash(), EntryKinds.canonicalize(oddProposal).leafHash());
  }

  @Test
  void hashedRekord_digestCaseKept_indexKeyLowerCased() throws Exception {
    ObjectNode p = keyed("SHA256withECDSA", TestKeys.p256(), HashAlgorithm.SHA256);
    String upper = p.at("/spec/data/hash/value").asText().toUpperCase();
    ((ObjectNode) p.at("/spec/data/hash")).put("value", upper);
    CanonicalEntry e = EntryKinds.canonicalize(p);
    assertTrue(new String(e.body(), StandardCharsets.UTF_8).contains("\"value\":\"" + upper + "\""));
    assertTrue(e.indexKeys().contains("sha256:" + upper.toLowerCase()));
  }

  /**
   * The hashedrekord body written out directly is byte for byte the JCS of its tree: every key
   * type, a certificate chain, an upper-case digest.
   */
  @Test
  void hashedRekord_directCanonicalBytes_sameAsJcsOfTheTree() throws Exception {
    KeyPair caKey = TestKeys.freshP256();
    KeyPair leafKey = TestKeys.freshP256();
    X509Certificate ca = Proposals.certificate(caKey, null, "test CA", true, null, null);
    X509Certificate leaf = Proposals.certificate(leafKey, caKey, "signer", false, "signer@example.com", null);
    List<JsonNode> proposals = new ArrayList<>(List.of(
        keyed("SHA256withECDSA", TestKeys.p256(), HashAlgorithm.SHA256),
        keyed("SHA384withECDSA", TestKeys.p384(), HashAlgorithm.SHA384),
        keyed("SHA256withRSA", TestKeys.rsa(2048), HashAlgorithm.SHA256),
        Proposals.hashedRekord("sha256", hex(HashAlgorithm.SHA256.digest(ARTIFACT)),
            jdkSign("SHA256withECDSA", leafKey.getPrivate(), ARTIFACT), Proposals.certificatePem(leaf, ca))));
    ObjectNode upper = keyed("SHA256withECDSA", TestKeys.p256(), HashAlgorithm.SHA256);
    ((ObjectNode) upper.at("/spec/data/hash")).put("value", upper.at("/spec/data/hash/value").asText().toUpperCase());
    proposals.add(upper);
    for (JsonNode p : proposals) {
      HashedRekordBody body = (HashedRekordBody) EntryKinds.canonicalize(p).content();
      byte[] viaTree = Jcs.canonicalize(HashedRekordV001.toJson(body));
      assertArrayEquals(viaTree, HashedRekordV001.canonicalBytes(body), new String(viaTree, StandardCharsets.UTF_8));
      assertArrayEquals(viaTree, EntryKinds.canonicalize(p).body());
    }
  }

  private static void assertRejected(JsonNode proposal, String expectedMessagePart) {
    InvalidEntryException e = assertThrows(InvalidEntryException.class, () -> EntryKinds.canonicalize(proposal));
    assertTrue(e.getMessage().contains(expectedMessagePart),
        "expected '" + expectedMessagePart + "' in: " + e.getMessage());
  }

  private interface Edit {
    void apply(ObjectNode proposal) throws Exception;
  }

  private static ObjectNode edited(ObjectNode base, Edit edit) throws Exception {
    ObjectNode copy = base.deepCopy();
    edit.apply(copy);
    return copy;
  }

  @Test
  void hashedRekord_everyRejectionPath_hasAnActionableMessage() throws Exception {
    KeyPair pair = TestKeys.p256();
    ObjectNode good = keyed("SHA256withECDSA", pair, HashAlgorithm.SHA256);
    EntryKinds.canonicalize(good);
    ObjectNode spec = (ObjectNode) good.get("spec");
    String value = spec.at("/data/hash/value").asText();
    String otherDigest = hex(HashAlgorithm.SHA256.digest("another artifact".getBytes(StandardCharsets.UTF_8)));
    KeyPairGenerator k1 = KeyPairGenerator.getInstance("EC", new BouncyCastleProvider());
    k1.initialize(new ECGenParameterSpec("secp256k1"));
    KeyPair secp256k1 = k1.generateKeyPair();
    String privatePem = Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded());

    Object[][] cases = {
        {edited(good, p -> p.put("extra", 1)), "unknown field 'extra'; expected one of apiVersion, kind, spec"},
        {edited(good, p -> p.remove("kind")), "kind is missing"},
        {edited(good, p -> p.put("kind", 7)), "kind must be a string, got number"},
        {edited(good, p -> p.put("kind", "foo")), "unsupported kind 'foo'; supported: hashedrekord 0.0.1, dsse 0.0.1"},
        {edited(good, p -> p.put("kind", "intoto")), "kind 'intoto' is not accepted by this log"},
        {edited(good, p -> p.put("apiVersion", "0.0.2")), "unsupported apiVersion '0.0.2' for kind hashedrekord; supported: 0.0.1"},
        {edited(good, p -> p.remove("spec")), "spec is missing"},
        {edited(good, p -> p.put("spec", "x")), "the entry must be a JSON object"},
        {edited(good, p -> ((ObjectNode) p.get("spec")).put("url", "x")), "unknown field 'url'; expected one of data, signature"},
        {edited(good, p -> ((ObjectNode) p.get("spec")).remove("data")), "data is missing"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/data")).put("content", "x")), "unknown field 'data.content'; expected only hash"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/data/hash")).put("algorithm", "md5")), "data.hash.algorithm must be sha256, sha384 or sha512, got 'md5'"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/data/hash")).put("value", value.substring(1))), "data.hash.value must be 64 hex digits for sha256, got 63"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/data/hash")).put("value", "g" + value.substring(1))), "data.hash.value must be hexadecimal, found 'g' at position 0"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/data/hash")).put("algorithm", "sha384")), "data.hash.value must be 96 hex digits for sha384, got 64"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/signature")).put("content", "not base64!")), "signature.content is not standard base64: ' ' at position 3 is not a base64 character"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/signature")).put("content", "")), "signature.content is empty"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/signature")).remove("publicKey")), "signature.publicKey is missing"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/signature/publicKey")).put("content", b64("hello"))), "signature.publicKey.content: PEM: unexpected text outside a block at line 1"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/signature/publicKey")).put("content", b64(privatePem))), "signature.publicKey.content: expected one PEM PUBLIC KEY block or PEM CERTIFICATE blocks, found [PRIVATE KEY]"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/signature/publicKey")).put("content", b64(Proposals.publicKeyPem(TestKeys.rsa(1024).getPublic())))), "signature.publicKey.content: unsupported RSA key size 1024 bits"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/signature/publicKey")).put("content", b64(Proposals.publicKeyPem(secp256k1.getPublic())))), "signature.publicKey.content: unsupported EC curve 1.3.132.0.10"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/data/hash")).put("value", otherDigest)), "signature does not verify under the given public key (ECDSA P-256 key"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/signature/publicKey")).put("content", b64(Proposals.publicKeyPem(TestKeys.freshP256().getPublic())))), "signature does not verify under the given public key"},
        {keyed("SHA384withECDSA", TestKeys.p256(), HashAlgorithm.SHA384), "entry algorithms are not allowed: a ECDSA P-256 key with a sha384 digest; allowed: ECDSA P-256 with sha256"},
        {keyed("SHA512withRSA", TestKeys.rsa(2048), HashAlgorithm.SHA512), "entry algorithms are not allowed: a RSA 2048 key with a sha512 digest"},
    };
    List<String> failures = new ArrayList<>();
    for (Object[] c : cases) {
      try {
        CanonicalEntry e = EntryKinds.canonicalize((JsonNode) c[0]);
        failures.add("accepted: expected '" + c[1] + "', got " + e);
      } catch (InvalidEntryException e) {
        if (!e.getMessage().contains((String) c[1])) {
          failures.add("expected '" + c[1] + "' in: " + e.getMessage());
        }
        String privateB64 = privatePem.split("\n")[2];
        if (e.getMessage().contains(privateB64)) {
          failures.add("the message echoes private key material: " + e.getMessage());
        }
      }
    }
    assertEquals(List.of(), failures);
  }

  @Test
  void canonicalize_bytes_badJson_rejected() {
    InvalidEntryException e = assertThrows(InvalidEntryException.class,
        () -> EntryKinds.canonicalize("{\"kind\":".getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().startsWith("the entry is not valid JSON"), e.getMessage());
    InvalidEntryException dup = assertThrows(InvalidEntryException.class,
        () -> EntryKinds.canonicalize("{\"kind\":\"a\",\"kind\":\"b\"}".getBytes(StandardCharsets.UTF_8)));
    assertTrue(dup.getMessage().contains("Duplicate field 'kind'"), dup.getMessage());
    InvalidEntryException notObject = assertThrows(InvalidEntryException.class,
        () -> EntryKinds.canonicalize("[1]".getBytes(StandardCharsets.UTF_8)));
    assertEquals("the entry must be a JSON object", notObject.getMessage());
  }

  // --- dsse ---------------------------------------------------------------------------------

  private static final String SUBJECT_DIGEST = "ABCDEF0123".repeat(6) + "ABCD";
  private static final String MATERIAL_DIGEST = "0011".repeat(10);
  private static final String IN_TOTO = "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"a\","
      + "\"digest\":{\"sha256\":\"" + SUBJECT_DIGEST + "\",\"sha256x\":\"00\",\"sha1\":\"0011\"}}],"
      + "\"predicateType\":\"https://slsa.dev/provenance/v0.2\","
      + "\"predicate\":{\"materials\":[{\"uri\":\"git\",\"digest\":{\"sha1\":\"" + MATERIAL_DIGEST + "\"}}]}}";

  private static String envelope(String payloadType, byte[] payload, byte[]... sigs) {
    ObjectNode env = JsonNodeFactory.instance.objectNode();
    env.put("payload", b64(payload));
    env.put("payloadType", payloadType);
    for (byte[] s : sigs) {
      env.withArray("signatures").addObject().put("keyid", "").put("sig", b64(s));
    }
    return env.toString();
  }

  @Test
  void dsse_twoSigners_canonicalBodySortedWithTheirVerifiers() throws Exception {
    byte[] payload = IN_TOTO.getBytes(StandardCharsets.UTF_8);
    byte[] pae = Dsse.pae(DsseV001.IN_TOTO_PAYLOAD_TYPE, payload);
    byte[] ecSig = jdkSign("SHA256withECDSA", TestKeys.p384().getPrivate(), pae);
    byte[] edSig = jdkSign("Ed25519", TestKeys.ed25519().getPrivate(), pae);
    String env = envelope(DsseV001.IN_TOTO_PAYLOAD_TYPE, payload, ecSig, edSig);
    String ecPem = Proposals.publicKeyPem(TestKeys.p384().getPublic());
    String edPem = Proposals.publicKeyPem(TestKeys.ed25519().getPublic());
    CanonicalEntry e = EntryKinds.canonicalize(Proposals.dsse(env, List.of(edPem, ecPem)));

    List<String[]> sigs = new ArrayList<>(List.of(new String[] {b64(ecSig), ecPem}, new String[] {b64(edSig), edPem}));
    sigs.sort((a, b) -> a[0].compareTo(b[0]));
    String expected = "{\"apiVersion\":\"0.0.1\",\"kind\":\"dsse\",\"spec\":{\"envelopeHash\":{\"algorithm\":\"sha256\",\"value\":\""
        + hex(HashAlgorithm.SHA256.digest(env.getBytes(StandardCharsets.UTF_8)))
        + "\"},\"payloadHash\":{\"algorithm\":\"sha256\",\"value\":\"" + hex(HashAlgorithm.SHA256.digest(payload))
        + "\"},\"signatures\":[{\"signature\":\"" + sigs.get(0)[0] + "\",\"verifier\":\"" + b64(sigs.get(0)[1])
        + "\"},{\"signature\":\"" + sigs.get(1)[0] + "\",\"verifier\":\"" + b64(sigs.get(1)[1]) + "\"}]}}";
    assertEquals(expected, new String(e.body(), StandardCharsets.UTF_8));
    assertEquals(e.content(), EntryKinds.parseBody(e.body()));
    assertTrue(e.indexKeys().contains("sha256:" + SUBJECT_DIGEST.toLowerCase()), e.indexKeys().toString());
    assertTrue(e.indexKeys().contains("sha1:" + MATERIAL_DIGEST), e.indexKeys().toString());
    // Only keys a lookup can ask for: a known algorithm with exactly its number of hex digits.
    assertFalse(e.indexKeys().stream().anyMatch(k -> k.startsWith("sha256x:") || k.equals("sha1:0011")),
        e.indexKeys().toString());
    assertTrue(e.indexKeys().contains("sha256:" + hex(HashAlgorithm.SHA256.digest(ecPem.getBytes(StandardCharsets.US_ASCII)))));
    assertTrue(e.indexKeys().contains("sha256:" + hex(HashAlgorithm.SHA256.digest(payload))));
    assertFalse(EntryKinds.parseBody(e.body()).indexKeys().contains("sha1:" + MATERIAL_DIGEST), "payload keys are not in the body");
  }

  @Test
  void dsse_rsaSigner_accepted() throws Exception {
    byte[] payload = "{}".getBytes(StandardCharsets.UTF_8);
    byte[] sig = jdkSign("SHA256withRSA", TestKeys.rsa(2048).getPrivate(), Dsse.pae("text/plain", payload));
    EntryKinds.canonicalize(Proposals.dsse(envelope("text/plain", payload, sig),
        List.of(Proposals.publicKeyPem(TestKeys.rsa(2048).getPublic()))));
  }

  @Test
  void dsse_everyRejectionPath_hasAnActionableMessage() throws Exception {
    byte[] payload = "hello".getBytes(StandardCharsets.UTF_8);
    byte[] sig = jdkSign("SHA256withECDSA", TestKeys.p256().getPrivate(), Dsse.pae("text/plain", payload));
    String pem = Proposals.publicKeyPem(TestKeys.p256().getPublic());
    ObjectNode good = Proposals.dsse(envelope("text/plain", payload, sig), List.of(pem));
    EntryKinds.canonicalize(good);
    byte[] otherSig = jdkSign("SHA256withECDSA", TestKeys.freshP256().getPrivate(), Dsse.pae("text/plain", payload));

    Object[][] cases = {
        {edited(good, p -> ((ObjectNode) p.get("spec")).putArray("signatures")), "envelopeHash, payloadHash and signatures are computed by the log"},
        {edited(good, p -> ((ObjectNode) p.get("spec")).put("x", 1)), "unknown field 'x'; expected only proposedContent"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/proposedContent")).put("envelope", "{not json")), "proposedContent.envelope is not valid JSON"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/proposedContent")).put("envelope", "{\"payload\":\"aGk=\",\"payloadType\":\"t\",\"signatures\":[],\"x\":1}")), "unknown field 'proposedContent.envelope.x'"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/proposedContent")).put("envelope", "{\"payload\":\"aGk=\",\"payloadType\":\"t\",\"signatures\":[]}")), "proposedContent.envelope.signatures is empty"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/proposedContent")).put("envelope", "{\"payload\":\"a\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"aGk=\"}]}")), "proposedContent.envelope.payload is not padded standard base64"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/proposedContent")).put("envelope", envelope("text/plain", payload, otherSig))), "envelope signature 1 of 1 does not verify under any of the 1 verifiers"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/proposedContent")).put("envelope", envelope("text/plain", payload, sig, otherSig))), "the envelope has 2 signatures and 1 verifier was sent; send exactly one verifier"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/proposedContent")).put("envelope", envelope("text/plain", payload, sig, otherSig)).putArray("verifiers").add(b64(pem)).add(b64(pem))), "proposedContent.verifiers[1] has the same public key as verifiers[0]"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/proposedContent")).put("envelope", envelope("text/plain", payload, sig, sig)).putArray("verifiers").add(b64(pem)).add(b64(pem))), "signatures[1] is the same signature as signatures[0]"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/proposedContent")).put("envelope", envelope("text/other", payload, sig))), "does not verify"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/proposedContent")).putArray("verifiers")), "proposedContent.verifiers is empty"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/proposedContent")).putArray("verifiers").add("%%%")), "proposedContent.verifiers[0] is not standard base64: '%' at position 0 is not a base64 character"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/proposedContent")).putArray("verifiers").add(b64("-----BEGIN X-----\nAAAA\n-----END X-----\n"))), "proposedContent.verifiers[0]: expected one PEM PUBLIC KEY block"},
        {edited(good, p -> ((ObjectNode) p.at("/spec/proposedContent")).remove("envelope")), "proposedContent.envelope is missing"},
        {edited(good, p -> p.put("apiVersion", "0.0.2")), "unsupported apiVersion '0.0.2' for kind dsse; supported: 0.0.1"},
    };
    List<String> failures = new ArrayList<>();
    for (Object[] c : cases) {
      try {
        failures.add("accepted: expected '" + c[1] + "', got " + EntryKinds.canonicalize((JsonNode) c[0]));
      } catch (InvalidEntryException e) {
        if (!e.getMessage().contains((String) c[1])) {
          failures.add("expected '" + c[1] + "' in: " + e.getMessage());
        }
      }
    }
    assertEquals(List.of(), failures);
  }

  @Test
  void canonicalize_concurrently_sameResult() throws Exception {
    ObjectNode p = keyed("SHA256withECDSA", TestKeys.p256(), HashAlgorithm.SHA256);
    byte[] expected = EntryKinds.canonicalize(p).body();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<byte[]>> results = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        results.add(pool.submit(() -> EntryKinds.canonicalize(p).body()));
      }
      for (Future<byte[]> f : results) {
        assertArrayEquals(expected, f.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void parseBody_nonCanonicalOrUnknown() throws Exception {
    FormatException e = assertThrows(FormatException.class,
        () -> EntryKinds.parseBody("{ \"kind\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
    assertEquals("entry body is not in RFC 8785 canonical form", e.getMessage());
    FormatException missing = assertThrows(FormatException.class,
        () -> EntryKinds.parseBody("{\"apiVersion\":\"0.0.1\"}".getBytes(StandardCharsets.UTF_8)));
    assertEquals("entry body: kind is missing", missing.getMessage());
    EntryBody other = EntryKinds.parseBody("{\"apiVersion\":\"9\",\"kind\":\"x\",\"spec\":{\"a\":1}}".getBytes(StandardCharsets.UTF_8));
    assertInstanceOf(OtherBody.class, other);
    assertEquals("x", other.kind());
    assertEquals(1, ((OtherBody) other).spec().get("a").asInt());
    assertThrows(IllegalArgumentException.class, () -> EntryKinds.canonicalBody(other));
  }
}
