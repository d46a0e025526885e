package dev.stele.client.protocol;

import static dev.stele.client.crypto.TestKeys.jdkSign;
import static dev.stele.client.protocol.Proposals.b64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.crypto.TestKeys;
import dev.stele.client.crypto.VerifierCache;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The work a proposed entry can cause is bounded (issue 12): caps on signatures, verifiers and
 * certificates, every signature check charged to a {@link VerificationBudget}, the canonical size
 * checked before the first check, and a bounded number of well-formed index keys. Each test reads
 * the budget afterwards: what was spent is what was done.
 */
class EntryBoundsTest {
  private static final byte[] PAYLOAD = "{\"_type\":\"https://in-toto.io/Statement/v1\"}".getBytes(StandardCharsets.UTF_8);
  private static final String TYPE = "text/plain";

  private static KeyPair generate(String algorithm, String curve) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
    if (curve != null) {
      g.initialize(new ECGenParameterSpec(curve));
    }
    return g.generateKeyPair();
  }

  private static List<KeyPair> keys(int n, String algorithm, String curve) throws Exception {
    List<KeyPair> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(generate(algorithm, curve));
    }
    return out;
  }

  private static String jca(KeyPair k) {
    String a = k.getPrivate().getAlgorithm();
    return a.equals("EC") ? "SHA256withECDSA" : a.equals("RSA") ? "SHA256withRSA" : "Ed25519";
  }

  /** A dsse proposal signed by {@code signers}, sending {@code verifiers} (in that order). */
  private static ObjectNode dsse(byte[] payload, List<KeyPair> signers, List<KeyPair> verifiers, boolean keyIds)
      throws Exception {
    ObjectNode env = JsonNodeFactory.instance.objectNode();
    env.put("payload", b64(payload));
    env.put("payloadType", TYPE);
    for (KeyPair k : signers) {
      String keyId = keyIds ? HexFormat.of().formatHex(HashAlgorithm.SHA256.digest(k.getPublic().getEncoded())) : "";
      env.withArray("signatures").addObject().put("keyid", keyId)
          .put("sig", b64(jdkSign(jca(k), k.getPrivate(), Dsse.pae(TYPE, payload))));
    }
    List<String> pems = new ArrayList<>();
    for (KeyPair k : verifiers) {
      pems.add(Proposals.publicKeyPem(k.getPublic()));
    }
    return Proposals.dsse(env.toString(), pems);
  }

  private static CanonicalEntry canonicalize(ObjectNode proposal, VerificationBudget budget) throws Exception {
    return EntryKinds.canonicalize(proposal, new VerifierCache(0), budget, 65_535);
  }

  private static String refused(ObjectNode proposal, VerificationBudget budget) {
    return assertThrows(InvalidEntryException.class, () -> canonicalize(proposal, budget)).getMessage();
  }

  @Test
  void dsse_theIssuesCase_150VerifiersAnd150CopiesOfOneSignature_refusedBeforeAnyCheck() throws Exception {
    List<KeyPair> verifiers = keys(150, "Ed25519", null);
    KeyPair last = verifiers.get(149);
    ObjectNode env = JsonNodeFactory.instance.objectNode();
    env.put("payload", b64(PAYLOAD));
    env.put("payloadType", TYPE);
    String sig = b64(jdkSign("Ed25519", last.getPrivate(), Dsse.pae(TYPE, PAYLOAD)));
    for (int i = 0; i < 150; i++) {
      env.withArray("signatures").addObject().put("sig", sig);
    }
    List<String> pems = new ArrayList<>();
    for (KeyPair k : verifiers) {
      pems.add(Proposals.publicKeyPem(k.getPublic()));
    }
    VerificationBudget budget = VerificationBudget.perRequest();
    String message = refused(Proposals.dsse(env.toString(), pems), budget);
    assertTrue(message.contains("proposedContent.verifiers has 150 keys; this log accepts envelopes of at most 8"), message);
    assertEquals(0, budget.spent());

    // Within the caps, copies of one signature are refused as such, before any check.
    List<String> eight = pems.subList(142, 150);
    ObjectNode copies = JsonNodeFactory.instance.objectNode();
    copies.put("payload", b64(PAYLOAD));
    copies.put("payloadType", TYPE);
    for (int i = 0; i < 8; i++) {
      copies.withArray("signatures").addObject().put("sig", sig);
    }
    message = refused(Proposals.dsse(copies.toString(), eight), budget);
    assertTrue(message.contains("signatures[1] is the same signature as signatures[0]"), message);
    assertEquals(0, budget.spent());
  }

  @Test
  void dsse_moreThanEightSignatures_refused() throws Exception {
    List<KeyPair> nine = keys(9, "Ed25519", null);
    ObjectNode p = dsse(PAYLOAD, nine, nine.subList(0, 8), false);
    VerificationBudget budget = VerificationBudget.perRequest();
    String message = refused(p, budget);
    assertTrue(message.contains("signatures has 9 signatures; this log accepts at most 8"), message);
    assertEquals(0, budget.spent());
  }

  @Test
  void dsse_verifiersInTheOrderOfTheSignatures_oneCheckEach_anyOtherOrderWithinTheBudget() throws Exception {
    List<KeyPair> signers = keys(8, "Ed25519", null);
    VerificationBudget inOrder = VerificationBudget.perRequest();
    CanonicalEntry e = canonicalize(dsse(PAYLOAD, signers, signers, false), inOrder);
    assertEquals(8, inOrder.spent(), "one Ed25519 check per signature");
    assertEquals(8, ((DsseBody) e.content()).signatures().size());

    List<KeyPair> reversed = new ArrayList<>(signers);
    Collections.reverse(reversed);
    VerificationBudget any = VerificationBudget.perRequest();
    CanonicalEntry same = canonicalize(dsse(PAYLOAD, signers, reversed, false), any);
    // Each signature is tried against the verifiers not yet paired: 8 + 7 + ... + 1 checks.
    assertEquals(36, any.spent());
    assertEquals(e.content(), same.content(), "the same pairs, whatever the order of the verifiers");
  }

  @Test
  void dsse_p256InReverseOrder_exceedsTheBudget_unlessKeyIdsNameTheKeys() throws Exception {
    List<KeyPair> signers = keys(8, "EC", "secp256r1");
    List<KeyPair> reversed = new ArrayList<>(signers);
    Collections.reverse(reversed);

    VerificationBudget budget = VerificationBudget.perRequest();
    String message = refused(dsse(PAYLOAD, signers, reversed, false), budget);
    assertTrue(message.contains("this log allows 64 per request"), message);
    assertTrue(message.contains("list the verifiers in the order of the signatures, or set each signature's keyid"), message);
    assertTrue(budget.spent() <= VerificationBudget.PER_REQUEST, "never past the limit: " + budget.spent());

    VerificationBudget named = VerificationBudget.perRequest();
    canonicalize(dsse(PAYLOAD, signers, reversed, true), named);
    assertEquals(64, named.spent(), "keyid names each signature's key: one P-256 check each");
  }

  @Test
  void dsse_signaturesOfAnotherFormSkipTheirKeysAtNoCost() throws Exception {
    KeyPair ed = TestKeys.ed25519();
    KeyPair rsa = TestKeys.rsa(2048);
    KeyPair ec = TestKeys.p256();
    VerificationBudget budget = VerificationBudget.perRequest();
    canonicalize(dsse(PAYLOAD, List.of(rsa, ec, ed), List.of(ed, rsa, ec), false), budget);
    // An RSA signature has the modulus' length, an Ed25519 one 64 bytes, an ECDSA one is DER:
    // only the right key is ever checked.
    assertEquals(1 + 8 + 1, budget.spent());
  }

  @Test
  void dsse_whatTheKeysNeedAtTheLeastIsCheckedFirst() throws Exception {
    List<KeyPair> signers = keys(3, "EC", "secp521r1");
    VerificationBudget budget = VerificationBudget.perRequest();
    String message = refused(dsse(PAYLOAD, signers, signers, false), budget);
    assertTrue(message.contains("checking the 3 signatures of the envelope would cost 66 units"), message);
    assertEquals(0, budget.spent());
    canonicalize(dsse(PAYLOAD, signers.subList(0, 2), signers.subList(0, 2), false), budget);
    assertEquals(44, budget.spent());
  }

  @Test
  void canonicalSize_isCheckedBeforeAnySignature() throws Exception {
    KeyPair k = TestKeys.p256();
    byte[] digest = HashAlgorithm.SHA256.digest(PAYLOAD);
    ObjectNode hashed = Proposals.hashedRekord("sha256", HexFormat.of().formatHex(digest),
        jdkSign("SHA256withECDSA", k.getPrivate(), PAYLOAD), Proposals.publicKeyPem(k.getPublic()));
    VerificationBudget budget = VerificationBudget.perRequest();
    InvalidEntryException e = assertThrows(InvalidEntryException.class,
        () -> EntryKinds.canonicalize(hashed, new VerifierCache(0), budget, 300));
    assertTrue(e.getMessage().matches("the canonical entry is \\d+ bytes; this log stores entries of at most 300 bytes"),
        e.getMessage());
    assertEquals(0, budget.spent());

    ObjectNode dsse = dsse(PAYLOAD, List.of(k), List.of(k), false);
    int size = canonicalize(dsse, VerificationBudget.perRequest()).body().length;
    VerificationBudget second = VerificationBudget.perRequest();
    e = assertThrows(InvalidEntryException.class,
        () -> EntryKinds.canonicalize(dsse, new VerifierCache(0), second, size - 1));
    assertEquals("the canonical entry is " + size + " bytes; this log stores entries of at most " + (size - 1)
        + " bytes", e.getMessage());
    assertEquals(0, second.spent());
  }

  /** A chain too long for any entry is refused before any of its links is checked. */
  @Test
  void aChainTheBodyCouldNotHold_isRefusedBeforeItsLinksAreChecked() throws Exception {
    KeyPair root = TestKeys.p256();
    KeyPair leaf = generate("EC", "secp256r1");
    String filler = "https://example.com/" + "f".repeat(20_000);
    var rootCert = Proposals.certificate(root, null, "root", true, null, filler);
    var midCert = Proposals.certificate(root, root, "mid", true, null, filler);
    var leafCert = Proposals.certificate(leaf, root, "leaf", false, null, filler);
    byte[] digest = HashAlgorithm.SHA256.digest(PAYLOAD);
    ObjectNode p = Proposals.hashedRekord("sha256", HexFormat.of().formatHex(digest),
        jdkSign("SHA256withECDSA", leaf.getPrivate(), PAYLOAD), Proposals.certificatePem(leafCert, midCert, rootCert));
    VerificationBudget budget = VerificationBudget.perRequest();
    String message = refused(p, budget);
    assertTrue(message.matches("signature.publicKey.content: the certificates are \\d+ characters of PEM; the entry can"
        + " hold at most 49149"), message);
    assertEquals(0, budget.spent(), "no link was checked");
  }

  @Test
  void oneBudgetAcrossEntries_theRequestsBound() throws Exception {
    KeyPair k = TestKeys.p256();
    VerificationBudget budget = new VerificationBudget(10);
    ObjectNode a = dsse(PAYLOAD, List.of(k), List.of(k), false);
    ObjectNode b = dsse("other".getBytes(StandardCharsets.UTF_8), List.of(k), List.of(k), false);
    canonicalize(a, budget);
    assertEquals(8, budget.spent());
    String message = refused(b, budget);
    assertTrue(message.contains("would cost 8 units of signature verification, and this log allows 10 per request (8 already spent"),
        message);
  }

  @Test
  void certificateChains_boundedInLength_issuersOfSupportedTypes_linksCharged() throws Exception {
    KeyPair root = TestKeys.p256();
    KeyPair mid = generate("EC", "secp256r1");
    KeyPair leaf = generate("EC", "secp256r1");
    var rootCert = Proposals.certificate(root, null, "root", true, null, null);
    var midCert = Proposals.certificate(mid, root, "mid", true, null, null);
    var leafCert = Proposals.certificate(leaf, mid, "leaf", false, "a@example.com", null);
    String chain = Proposals.certificatePem(leafCert, midCert, rootCert);
    byte[] digest = HashAlgorithm.SHA256.digest(PAYLOAD);
    ObjectNode p = Proposals.hashedRekord("sha256", HexFormat.of().formatHex(digest),
        jdkSign("SHA256withECDSA", leaf.getPrivate(), PAYLOAD), chain);
    VerificationBudget budget = VerificationBudget.perRequest();
    canonicalize(p, budget);
    assertEquals(3 * 8, budget.spent(), "two links and the signature, P-256 each");

    String six = Proposals.certificatePem(leafCert, midCert, rootCert, rootCert, rootCert, rootCert);
    FormatException tooLong = assertThrows(FormatException.class,
        () -> KeyMaterial.parse(six.getBytes(StandardCharsets.US_ASCII)));
    assertEquals("a certificate chain of 6 certificates; at most 5 are accepted, leaf first", tooLong.getMessage());

    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(1024);
    KeyPair weak = g.generateKeyPair();
    var weakIssuer = Proposals.certificate(weak, null, "weak", true, null, null);
    var signedByWeak = Proposals.certificate(leaf, weak, "leaf", false, null, null);
    FormatException unsupported = assertThrows(FormatException.class,
        () -> KeyMaterial.parse(Proposals.certificatePem(signedByWeak, weakIssuer).getBytes(StandardCharsets.US_ASCII)));
    assertTrue(unsupported.getMessage().startsWith("certificate 2 of the chain: unsupported RSA key size 1024 bits"),
        unsupported.getMessage());

    // A link signed with an algorithm outside the usual ones is checked by the JDK, at three
    // times the key's cost: here SHA-1 with an RSA 2048 issuer.
    KeyPair rsa = TestKeys.rsa(2048);
    var rsaRoot = Proposals.certificate(rsa, null, "rsa root", true, null, null);
    long now = System.currentTimeMillis();
    var sha1Leaf = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
        new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(new org.bouncycastle.asn1.x500.X500Name("CN=rsa root"),
            java.math.BigInteger.TEN, new java.util.Date(now - 60_000), new java.util.Date(now + 600_000),
            new org.bouncycastle.asn1.x500.X500Name("CN=sha1 leaf"), leaf.getPublic())
            .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA1withRSA").build(rsa.getPrivate())));
    VerificationBudget jdk = VerificationBudget.perRequest();
    KeyMaterial.parse(Proposals.certificatePem(sha1Leaf, rsaRoot).getBytes(StandardCharsets.US_ASCII), jdk);
    assertEquals(3, jdk.spent());

    VerificationBudget small = new VerificationBudget(8);
    FormatException over = assertThrows(FormatException.class,
        () -> KeyMaterial.parse(chain.getBytes(StandardCharsets.US_ASCII), small));
    assertTrue(over.getMessage().startsWith("checking the signature of certificate 2 of the chain (ECDSA P-256) would cost 8"),
        over.getMessage());
    assertEquals(8, small.spent(), "the first link was checked, the second not");
  }

  @Test
  void indexKeys_atMost256_inTheirOrder() throws Exception {
    StringBuilder statement = new StringBuilder("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[");
    for (int i = 0; i < 1000; i++) {
      statement.append(i == 0 ? "" : ",").append("{\"name\":\"f").append(i).append("\",\"digest\":{\"sha256\":\"")
          .append(String.format("%064x", i)).append("\"}}");
    }
    statement.append("]}");
    byte[] payload = statement.toString().getBytes(StandardCharsets.UTF_8);
    KeyPair k = TestKeys.ed25519();
    ObjectNode env = JsonNodeFactory.instance.objectNode();
    env.put("payload", b64(payload));
    env.put("payloadType", DsseV001.IN_TOTO_PAYLOAD_TYPE);
    env.withArray("signatures").addObject()
        .put("sig", b64(jdkSign("Ed25519", k.getPrivate(), Dsse.pae(DsseV001.IN_TOTO_PAYLOAD_TYPE, payload))));
    CanonicalEntry e = canonicalize(Proposals.dsse(env.toString(), List.of(Proposals.publicKeyPem(k.getPublic()))),
        VerificationBudget.perRequest());
    assertEquals(IndexKeys.MAX_PER_ENTRY, e.indexKeys().size());
    // The entry's own keys first (verifier, payload, envelope), then the subjects in order.
    assertEquals(((DsseBody) e.content()).indexKeys(), e.indexKeys().subList(0, 3));
    assertEquals("sha256:" + String.format("%064x", 0), e.indexKeys().get(3));
    assertEquals("sha256:" + String.format("%064x", 252), e.indexKeys().get(255));
  }

  @Test
  void subjectAlternativeNames_longerThan512_areNotIndexed() throws Exception {
    KeyPair leaf = generate("EC", "secp256r1");
    String longUri = "https://example.com/" + "a".repeat(600);
    var cert = Proposals.certificate(leaf, null, "leaf", false, "a@example.com", longUri);
    byte[] digest = HashAlgorithm.SHA256.digest(PAYLOAD);
    ObjectNode p = Proposals.hashedRekord("sha256", HexFormat.of().formatHex(digest),
        jdkSign("SHA256withECDSA", leaf.getPrivate(), PAYLOAD), Proposals.certificatePem(cert));
    CanonicalEntry e = canonicalize(p, VerificationBudget.perRequest());
    assertTrue(e.indexKeys().contains("a@example.com"), e.indexKeys().toString());
    assertFalse(e.indexKeys().stream().anyMatch(k -> k.length() > IndexKeys.MAX_KEY_LENGTH), e.indexKeys().toString());
  }
}
