package dev.stele.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.oci.CosignBundle;
import dev.stele.client.oci.Digest;
import dev.stele.client.oci.MediaTypes;
import dev.stele.client.oci.OciSignature;
import dev.stele.client.oci.Repository;
import dev.stele.client.oci.SimpleSigningPayload;
import dev.stele.client.protocol.EntryKinds;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.Pem;
import dev.stele.client.protocol.RekorJson;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.protocol.TreeInfo;
import dev.stele.client.rekor.ProposedEntries;
import dev.stele.merkle.Hash;
import dev.stele.merkle.tiles.EntryBundle;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Writes the seed corpus: real data from the repository's test vectors (log-client and merkle
 * {@code src/test/resources/vectors}), valid entries signed here with fresh keys, and small
 * hand-made edge cases, into Jazzer's layout
 * {@code src/test/resources/<package>/<TestClass>Inputs/<method>/<seed>}. Not a test: run it
 * when the targets or the vectors change (README.md, "Seeds"), then review and commit the
 * difference. Files it did not write (findings kept as regression inputs) are left alone.
 *
 * <p>Usage: {@code SeedCorpus <repository root>}.
 */
public final class SeedCorpus {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Decoder B64 = Base64.getDecoder();
  private static final Base64.Encoder B64E = Base64.getEncoder();

  private final Path root;
  private final Path resources;
  private final Path clientVectors;
  private final Path merkleVectors;
  private int written;

  private SeedCorpus(Path root) {
    this.root = root;
    this.resources = root.resolve("fuzz/src/test/resources");
    this.clientVectors = root.resolve("log-client/src/test/resources/vectors");
    this.merkleVectors = root.resolve("merkle/src/test/resources/vectors");
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: SeedCorpus <repository root>");
    }
    SeedCorpus s = new SeedCorpus(Path.of(args[0]).toAbsolutePath().normalize());
    s.entries();
    s.admissionReviews();
    s.rekorJson();
    s.notes();
    s.bundles();
    s.keys();
    s.tiles();
    s.oci();
    s.server();
    System.out.println("wrote " + s.written + " seeds under " + s.resources);
  }

  // ---- where seeds go ---------------------------------------------------------------------

  private void seed(Class<?> test, String method, String name, byte[] content) throws IOException {
    Path dir = resources.resolve(test.getPackageName().replace('.', '/'))
        .resolve(test.getSimpleName() + "Inputs").resolve(method);
    Files.createDirectories(dir);
    Files.write(dir.resolve(name), content);
    written++;
  }

  private void seed(Class<?> test, String method, String name, String content) throws IOException {
    seed(test, method, name, content.getBytes(StandardCharsets.UTF_8));
  }

  private static Class<?> ociTest() throws ClassNotFoundException {
    return Class.forName("dev.stele.client.oci.OciFuzzTest");
  }

  /** Rekor v2 requests: each kind as the released clients send it, and near misses. */
  private void v2Entries(Proposals p) throws Exception {
    Class<?> t = ProposedEntryFuzzTest.class;
    byte[] hashed = p.hashedRekordV2("an artifact".getBytes(StandardCharsets.UTF_8));
    seed(t, "proposedEntryV2", "hashedrekord-v002-ecdsa-p256.json", hashed);
    byte[] statement = ("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"a\",\"digest\":"
        + "{\"sha256\":\"" + "a".repeat(64) + "\"}}],\"predicateType\":\"https://example.com/p\",\"predicate\":{}}")
        .getBytes(StandardCharsets.UTF_8);
    seed(t, "proposedEntryV2", "dsse-v002-public-key.json", p.dsseV2("application/vnd.in-toto+json", statement, false));
    seed(t, "proposedEntryV2", "dsse-v002-key-in-certificate-field.json",
        p.dsseV2("application/vnd.in-toto+json", statement, true));
    String text = new String(hashed, StandardCharsets.UTF_8);
    seed(t, "proposedEntryV2", "snake-case-name.json", text.replace("hashedRekordRequestV002",
        "hashed_rekord_request_v002"));
    seed(t, "proposedEntryV2", "two-entries.json", text.replace("{\"hashedRekordRequestV002\"",
        "{\"dsseRequestV002\":{},\"hashedRekordRequestV002\""));
    seed(t, "proposedEntryV2", "unknown-key-details.json", text.replace("PKIX_ECDSA_P256_SHA_256",
        "PKIX_ECDSA_P521_SHA_512"));
    seed(t, "proposedEntryV2", "empty-object.json", "{}");
    seed(t, "proposedEntryV2", "v1-proposal.json", p.hashedRekord("an artifact".getBytes(StandardCharsets.UTF_8)));
  }

  /** AdmissionReviews as the Kubernetes API server sends them, and malformed ones. */
  private void admissionReviews() throws Exception {
    Class<?> t = Class.forName("dev.stele.admission.AdmissionReviewFuzzTest");
    String pod = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":"
        + "\"705ab4f5-6393-11e8-b7cc-42010a800002\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},"
        + "\"resource\":{\"group\":\"\",\"version\":\"v1\",\"resource\":\"pods\"},\"namespace\":\"default\","
        + "\"operation\":\"CREATE\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":"
        + "\"web\"},\"spec\":{\"initContainers\":[{\"name\":\"setup\",\"image\":\"busybox:1.36\"}],"
        + "\"containers\":[{\"name\":\"app\",\"image\":\"registry.example.com:5000/team/app@sha256:"
        + "b".repeat(64) + "\"},{\"name\":\"side\",\"image\":\"ghcr.io/org/side:v1\"}]}}}}";
    seed(t, "review", "pod.json", pod);
    String deployment = pod.replace("\"kind\":\"Pod\"},", "\"kind\":\"Deployment\"},")
        .replace("\"group\":\"\",\"version\":\"v1\",\"kind\"", "\"group\":\"apps\",\"version\":\"v1\",\"kind\"")
        .replace("\"spec\":{\"initContainers\"", "\"spec\":{\"template\":{\"spec\":{\"initContainers\"")
        .replace("]}}}}", "]}}}}}}");
    seed(t, "review", "deployment.json", deployment);
    seed(t, "review", "delete-without-object.json", pod.replace("\"CREATE\"", "\"DELETE\"")
        .replaceAll(",\"object\":\\{.*\\}\\}\\}$", "}}"));
    seed(t, "review", "v1beta1.json", pod.replace("admission.k8s.io/v1", "admission.k8s.io/v1beta1"));
    seed(t, "review", "image-not-a-string.json", pod.replace("\"busybox:1.36\"", "[\"busybox\"]"));
    seed(t, "review", "bad-reference.json", pod.replace("busybox:1.36", "UPPER/Case::tag@sha256:zz"));
    seed(t, "review", "unknown-kind.json", pod.replace("\"kind\":\"Pod\"},", "\"kind\":\"Secret\"},"));
    seed(t, "review", "no-uid.json", pod.replace("\"uid\":\"705ab4f5-6393-11e8-b7cc-42010a800002\",", ""));
  }

  // ---- the repository's vectors -----------------------------------------------------------

  private List<Path> bundleFiles() throws IOException {
    try (Stream<Path> files = Files.walk(clientVectors.resolve("rekor-public-good/bundles"))) {
      return files.filter(p -> p.getFileName().toString().endsWith(".sigstore.json")).sorted().toList();
    }
  }

  /** A short, unique, readable name for a vector file. */
  private String nameOf(Path file) {
    Path rel = clientVectors.resolve("rekor-public-good/bundles").relativize(file);
    return rel.toString().replace('/', '_').replace(".sigstore.json", "").replace("bundle.sigstore.json", "");
  }

  private JsonNode json(Path file) throws IOException {
    return JSON.readTree(file.toFile());
  }

  /** The one-entry answers of the vectors: three from Rekor, 25 converted from bundles. */
  private Map<String, byte[]> entryAnswers() throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    Path dir = clientVectors.resolve("rekor-public-good/api-responses");
    for (String f : List.of("production-jar-entry.json", "staging-hashedrekord-entry.json",
        "staging-entry-no-inclusion-proof.json")) {
      out.put(f.replace(".json", ""), Files.readAllBytes(dir.resolve(f)));
    }
    for (JsonNode e : json(dir.resolve("converted-from-bundles.json")).get("entries")) {
      String name = "converted_" + e.get("from_bundle").asText().replaceAll("[^A-Za-z0-9.-]+", "_");
      out.put(name, JSON.writeValueAsBytes(e.get("response")));
    }
    return out;
  }

  /** Every checkpoint note the vectors hold (bundles, Rekor answers, sigstore-java, tessera). */
  private Map<String, byte[]> noteSources() throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    for (Path f : bundleFiles()) {
      int i = 0;
      for (JsonNode t : json(f).path("verificationMaterial").path("tlogEntries")) {
        JsonNode env = t.path("inclusionProof").path("checkpoint").path("envelope");
        if (env.isTextual()) {
          out.put("bundle_" + nameOf(f) + (i++ == 0 ? "" : "_" + i), env.asText().getBytes(StandardCharsets.UTF_8));
        }
      }
    }
    for (Map.Entry<String, byte[]> a : entryAnswers().entrySet()) {
      JsonNode cp = JSON.readTree(a.getValue()).elements().next().path("verification").path("inclusionProof")
          .path("checkpoint");
      if (cp.isTextual()) {
        out.put("answer_" + a.getKey(), cp.asText().getBytes(StandardCharsets.UTF_8));
      }
    }
    try (Stream<Path> files = Files.list(clientVectors.resolve("signed-note/sigstore-java-checkpoints"))) {
      for (Path f : files.sorted().toList()) {
        out.put("sigstore-java_" + f.getFileName().toString().replace(".txt", ""), Files.readAllBytes(f));
      }
    }
    for (JsonNode c : json(clientVectors.resolve("signed-note/notes.json")).get("cases")) {
      out.put("notes_" + c.get("id").asText(), B64.decode(c.get("note_b64").asText()));
    }
    try (Stream<Path> files = Files.list(merkleVectors.resolve("tlog-tiles/tessera-testdata-log"))) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        out.put("tessera_" + f.getFileName(), Files.readAllBytes(f));
      }
    }
    return out;
  }

  // ---- entries ----------------------------------------------------------------------------

  private void entries() throws Exception {
    Class<?> t = ProposedEntryFuzzTest.class;
    Proposals p = new Proposals();
    byte[] hashedRekord = p.hashedRekord("an artifact".getBytes(StandardCharsets.UTF_8));
    seed(t, "proposedEntry", "hashedrekord-ecdsa-p256.json", hashedRekord);
    seed(t, "proposedEntry", "hashedrekord-ecdsa-p384.json", signedHashedRekord("EC", "secp384r1",
        "SHA384withECDSA", HashAlgorithm.SHA384));
    seed(t, "proposedEntry", "hashedrekord-rsa-2048.json", signedHashedRekord("RSA", null,
        "SHA256withRSA", HashAlgorithm.SHA256));
    seed(t, "proposedEntry", "hashedrekord-certificate.json", certificateHashedRekord());
    seed(t, "proposedEntry", "dsse-in-toto.json", p.dsse("application/vnd.in-toto+json",
        ("{\"_type\":\"https://in-toto.io/Statement/v0.1\",\"subject\":[{\"name\":\"a\",\"digest\":{\"sha256\":\""
            + "a".repeat(64) + "\"}}],\"predicateType\":\"https://slsa.dev/provenance/v0.2\",\"predicate\":"
            + "{\"materials\":[{\"uri\":\"git+https://example.com\",\"digest\":{\"sha1\":\"" + "b".repeat(40)
            + "\"}}]}}").getBytes(StandardCharsets.UTF_8)));
    seed(t, "proposedEntry", "dsse-two-verifiers.json", twoVerifierDsse(p));
    // Every signature is tried against every verifier: many of either multiply the work.
    seed(t, "proposedEntry", "dsse-17-verifiers.json", repeatedDsse(p, 17, 1));
    seed(t, "proposedEntry", "dsse-17-signatures.json", repeatedDsse(p, 1, 17));
    String text = new String(hashedRekord, StandardCharsets.UTF_8);
    String hex = JSON.readTree(hashedRekord).at("/spec/data/hash/value").asText();
    // Known from issue 12: a digit of another script passes Character.digit but not HexFormat.
    seed(t, "proposedEntry", "non-ascii-digit-in-hash.json", text.replace(hex, "\u0663" + hex.substring(1)));
    seed(t, "proposedEntry", "fullwidth-digit-in-hash.json", text.replace(hex, hex.substring(1) + "\uff10"));
    seed(t, "proposedEntry", "intoto-0.0.2.json", "{\"apiVersion\":\"0.0.2\",\"kind\":\"intoto\",\"spec\":"
        + "{\"content\":{\"envelope\":{\"payload\":\"e30=\",\"payloadType\":\"application/vnd.in-toto+json\","
        + "\"signatures\":[{\"sig\":\"AAAA\",\"publicKey\":\"AAAA\"}]},\"hash\":{\"algorithm\":\"sha256\","
        + "\"value\":\"" + "0".repeat(64) + "\"}}}}");
    seed(t, "proposedEntry", "rekord-0.0.1.json", "{\"apiVersion\":\"0.0.1\",\"kind\":\"rekord\",\"spec\":{}}");
    seed(t, "proposedEntry", "deep-nesting.json", "{\"spec\":" + "[".repeat(100) + "]".repeat(100) + "}");
    seed(t, "proposedEntry", "duplicate-key.json", "{\"kind\":\"dsse\",\"kind\":\"hashedrekord\"}");
    seed(t, "proposedEntry", "not-an-object.json", "[1,2.5e300,\"x\",null,true]");

    v2Entries(p);

    for (Path f : bundleFiles()) {
      int i = 0;
      for (JsonNode e : json(f).path("verificationMaterial").path("tlogEntries")) {
        seed(t, "storedBody", "bundle_" + nameOf(f) + (i++ == 0 ? "" : "_" + i),
            B64.decode(e.path("canonicalizedBody").asText()));
      }
    }
    for (Map.Entry<String, byte[]> a : entryAnswers().entrySet()) {
      seed(t, "storedBody", "answer_" + a.getKey(),
          B64.decode(JSON.readTree(a.getValue()).elements().next().get("body").asText()));
    }
    seed(t, "storedBody", "generated-hashedrekord.json", EntryKinds.canonicalize(hashedRekord).body());
  }

  private static byte[] signedHashedRekord(String algorithm, String curve, String signatureAlgorithm,
      HashAlgorithm digest) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
    if (curve != null) {
      g.initialize(new ECGenParameterSpec(curve));
    } else {
      g.initialize(2048);
    }
    KeyPair key = g.generateKeyPair();
    byte[] artifact = "an artifact".getBytes(StandardCharsets.UTF_8);
    Signature s = Signature.getInstance(signatureAlgorithm);
    s.initSign(key.getPrivate());
    s.update(artifact);
    return ProposedEntries.hashedRekord(digest, digest.digest(artifact), s.sign(),
        Pem.encode("PUBLIC KEY", key.getPublic().getEncoded()));
  }

  /** A hashedrekord signed by the key of a self-signed certificate naming an e-mail address. */
  private static byte[] certificateHashedRekord() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair key = g.generateKeyPair();
    X500Name name = new X500Name("CN=fuzz");
    long now = System.currentTimeMillis();
    var builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, new Date(now - 86_400_000L),
        new Date(now + 86_400_000L), name, key.getPublic());
    builder.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(GeneralName.rfc822Name, "Signer@Example.com")));
    byte[] der = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())).getEncoded();
    byte[] artifact = "an artifact".getBytes(StandardCharsets.UTF_8);
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(key.getPrivate());
    s.update(artifact);
    return ProposedEntries.hashedRekord(HashAlgorithm.SHA256, HashAlgorithm.SHA256.digest(artifact), s.sign(),
        Pem.encode("CERTIFICATE", der));
  }

  private static byte[] twoVerifierDsse(Proposals signer) throws Exception {
    Proposals other = new Proposals();
    String type = "text/plain";
    byte[] payload = "hello".getBytes(StandardCharsets.UTF_8);
    byte[] pae = dev.stele.client.protocol.Dsse.pae(type, payload);
    String envelope = "{\"payload\":\"" + B64E.encodeToString(payload) + "\",\"payloadType\":\"" + type
        + "\",\"signatures\":[{\"sig\":\"" + B64E.encodeToString(signer.sign(pae)) + "\"},{\"keyid\":\"b\",\"sig\":\""
        + B64E.encodeToString(other.sign(pae)) + "\"}]}";
    return ProposedEntries.dsse(envelope, List.of(other.publicKeyPem(), signer.publicKeyPem()));
  }

  /** A dsse proposal with copies of one verifier and of one valid signature. */
  static byte[] repeatedDsse(Proposals signer, int verifiers, int signatures) throws GeneralSecurityException {
    String type = "text/plain";
    byte[] payload = "hello".getBytes(StandardCharsets.UTF_8);
    String sig = B64E.encodeToString(signer.sign(dev.stele.client.protocol.Dsse.pae(type, payload)));
    StringBuilder envelope = new StringBuilder("{\"payload\":\"" + B64E.encodeToString(payload)
        + "\",\"payloadType\":\"" + type + "\",\"signatures\":[");
    for (int i = 0; i < signatures; i++) {
      envelope.append(i > 0 ? "," : "").append("{\"sig\":\"").append(sig).append("\"}");
    }
    envelope.append("]}");
    return ProposedEntries.dsse(envelope.toString(), java.util.Collections.nCopies(verifiers, signer.publicKeyPem()));
  }

  // ---- Rekor JSON ---------------------------------------------------------------------------

  private void rekorJson() throws Exception {
    Class<?> t = RekorJsonFuzzTest.class;
    Map<String, byte[]> answers = entryAnswers();
    List<String> ids = new ArrayList<>();
    for (Map.Entry<String, byte[]> a : answers.entrySet()) {
      seed(t, "logEntry", a.getKey() + ".json", a.getValue());
      seed(t, "retrieveAnswer", a.getKey() + ".json", "[" + new String(a.getValue(), StandardCharsets.UTF_8) + "]");
      ids.add(JSON.readTree(a.getValue()).fieldNames().next());
    }
    seed(t, "retrieveAnswer", "empty.json", "[]");
    seed(t, "retrieveAnswer", "null-element.json", "[null]");
    seed(t, "logEntry", "null-value.json", "{\"" + ids.get(0) + "\":null}");

    // Log info: the vectors hold no answer of this kind, so it is written from their checkpoints.
    int n = 0;
    for (Map.Entry<String, byte[]> note : noteSources().entrySet()) {
      if (!note.getKey().startsWith("bundle_") || n++ >= 4) {
        continue;
      }
      SignedNote sth = SignedNote.parse(note.getValue());
      String[] lines = sth.text().split("\n");
      TreeInfo info = new TreeInfo(Hash.fromBase64(lines[2]), Long.parseLong(lines[1]), sth,
          1193050959916656506L, List.of());
      seed(t, "logInfo", note.getKey() + ".json", RekorJson.writeLogInfo(info));
      if (n == 1) {
        TreeInfo sharded = new TreeInfo(info.rootHash(), info.treeSize(), sth, 1193050959916656506L, List.of(
            new TreeInfo(info.rootHash(), 7, sth, 2605736670972794746L, List.of())));
        seed(t, "logInfo", "with-inactive-shard.json", RekorJson.writeLogInfo(sharded));
        ObjectNode broken = (ObjectNode) JSON.readTree(RekorJson.writeLogInfo(info));
        broken.putArray("inactiveShards").addNull();
        seed(t, "logInfo", "null-shard.json", JSON.writeValueAsBytes(broken));
      }
    }
    int c = 0;
    for (JsonNode k : json(clientVectors.resolve("rekor-public-good/rekor-unit-test-entries.json")).get("consistency")) {
      List<Hash> proof = new ArrayList<>();
      k.get("proof").forEach(h -> proof.add(Hash.fromHex(h.asText())));
      seed(t, "consistencyProof", "rekor-unit-test-" + c++ + ".json",
          RekorJson.writeConsistencyProof(Hash.fromHex(k.get("root2").asText()), proof));
    }
    seed(t, "searchAnswer", "ids.json", JSON.writeValueAsBytes(ids.subList(0, 3)));
    seed(t, "searchAnswer", "uuids.json", JSON.writeValueAsBytes(ids.stream().map(i -> i.substring(i.length() - 64)).limit(3).toList()));
    seed(t, "searchAnswer", "null-element.json", "[null]");
    seed(t, "searchAnswer", "non-ascii-digit.json", "[\"\u0663" + ids.get(0).substring(1) + "\"]");

    String uuid = ids.get(0).substring(ids.get(0).length() - 64);
    seed(t, "retrieveRequest", "entry-uuids.json", "{\"entryUUIDs\":[\"" + uuid + "\",\"" + ids.get(1) + "\"]}");
    seed(t, "retrieveRequest", "log-indexes.json", "{\"logIndexes\":[0,1,2]}");
    seed(t, "retrieveRequest", "entries.json", "{\"entries\":[" + new String(new Proposals().hashedRekord(
        new byte[] {1}), StandardCharsets.UTF_8) + "]}");
    // Known from issue 12: a null element among the UUIDs.
    seed(t, "retrieveRequest", "null-entry-uuid.json", "{\"entryUUIDs\":[null]}");
    seed(t, "retrieveRequest", "null-log-index.json", "{\"logIndexes\":[null]}");
    seed(t, "searchRequest", "hash.json", "{\"hash\":\"sha256:" + "0123456789abcdef".repeat(4) + "\"}");
    seed(t, "searchRequest", "bare-hash.json", "{\"hash\":\"" + "a".repeat(40) + "\",\"operator\":\"and\"}");
    seed(t, "searchRequest", "email.json", "{\"email\":\"Someone@Example.com\",\"subject\":\"x\"}");
    seed(t, "searchRequest", "public-key.json", "{\"publicKey\":{\"format\":\"x509\",\"content\":\""
        + B64E.encodeToString(Files.readAllBytes(clientVectors.resolve("rekor-public-good/trust/rekor.sigstore.dev.pub.pem")))
        + "\"}}");
    seed(t, "searchRequest", "non-ascii-digit-hash.json", "{\"hash\":\"sha256:\u0663" + "0".repeat(63) + "\"}");
  }

  // ---- notes --------------------------------------------------------------------------------

  private void notes() throws Exception {
    Class<?> t = NoteFuzzTest.class;
    for (Map.Entry<String, byte[]> note : noteSources().entrySet()) {
      seed(t, "signedNote", note.getKey(), note.getValue());
    }
    int b = 0;
    for (JsonNode c : json(clientVectors.resolve("signed-note/checkpoint-body-parse.json")).get("cases")) {
      seed(t, "checkpointText", "body-parse-" + b++, c.get("body").asText());
    }
    for (Map.Entry<String, byte[]> note : noteSources().entrySet()) {
      if (note.getKey().startsWith("bundle_") || note.getKey().startsWith("tessera_")) {
        String text = new String(note.getValue(), StandardCharsets.UTF_8);
        int split = text.lastIndexOf("\n\n");
        if (split > 0) {
          seed(t, "checkpointText", note.getKey(), text.substring(0, split + 1));
        }
      }
    }
    JsonNode keys = json(clientVectors.resolve("signed-note/keys.json"));
    int i = 0;
    for (String group : List.of("ed25519_keypairs", "vkeys_other_types", "invalid_vkeys")) {
      for (JsonNode k : keys.get(group)) {
        if (k.path("vkey").isTextual()) {
          seed(t, "verifierKey", group + "_" + i++, k.get("vkey").asText());
        }
      }
    }
  }

  // ---- bundles and trusted roots --------------------------------------------------------------

  private void bundles() throws IOException {
    Class<?> t = BundleFuzzTest.class;
    for (Path f : bundleFiles()) {
      seed(t, "bundle", nameOf(f) + ".json", Files.readAllBytes(f));
      seed(t, "bundleVerify", nameOf(f) + ".json", Files.readAllBytes(f));
    }
    seed(t, "trustedRoot", "production.json",
        Files.readAllBytes(clientVectors.resolve("rekor-public-good/trust/trusted_root.production.json")));
    seed(t, "trustedRoot", "staging.json",
        Files.readAllBytes(clientVectors.resolve("rekor-public-good/trust/trusted_root.staging.json")));
    try (Stream<Path> files = Files.walk(clientVectors.resolve("rekor-public-good/bundles/conformance"))) {
      for (Path f : files.filter(p -> p.getFileName().toString().equals("trusted_root.json")).sorted().toList()) {
        seed(t, "trustedRoot", "conformance_" + f.getParent().getFileName() + ".json", Files.readAllBytes(f));
      }
    }
  }

  // ---- keys and certificates ----------------------------------------------------------------

  private void keys() throws Exception {
    Class<?> t = KeyFuzzTest.class;
    List<byte[]> certificates = new ArrayList<>();
    for (Path f : bundleFiles()) {
      JsonNode vm = json(f).path("verificationMaterial");
      for (JsonNode c : vm.path("x509CertificateChain").path("certificates")) {
        certificates.add(B64.decode(c.path("rawBytes").asText()));
      }
      if (vm.path("certificate").path("rawBytes").isTextual()) {
        certificates.add(B64.decode(vm.path("certificate").path("rawBytes").asText()));
      }
    }
    JsonNode production = json(clientVectors.resolve("rekor-public-good/trust/trusted_root.production.json"));
    List<byte[]> chain = new ArrayList<>();
    for (JsonNode ca : production.path("certificateAuthorities")) {
      for (JsonNode c : ca.path("certChain").path("certificates")) {
        chain.add(B64.decode(c.path("rawBytes").asText()));
      }
    }
    int i = 0;
    for (byte[] der : certificates.subList(0, Math.min(6, certificates.size()))) {
      seed(t, "derCertificate", "bundle-certificate-" + i, der);
      seed(t, "keyMaterial", "bundle-certificate-" + i + ".pem", Pem.encode("CERTIFICATE", der));
      i++;
    }
    for (int c = 0; c < chain.size(); c++) {
      seed(t, "derCertificate", "fulcio-" + c, chain.get(c));
    }
    if (chain.size() >= 2) {
      seed(t, "keyMaterial", "fulcio-chain.pem", Pem.encode("CERTIFICATE", chain.get(0)) + Pem.encode("CERTIFICATE", chain.get(1)));
    }
    int k = 0;
    for (JsonNode log : production.path("tlogs")) {
      byte[] der = B64.decode(log.path("publicKey").path("rawBytes").asText());
      seed(t, "derPublicKey", "production-tlog-" + k, der);
      seed(t, "keyMaterial", "production-tlog-" + k + ".pem", Pem.encode("PUBLIC KEY", der));
      seed(t, "logPublicKey", "production-tlog-" + k + ".pem", Pem.encode("PUBLIC KEY", der));
      k++;
    }
    for (String[] type : new String[][] {{"EC", "secp384r1"}, {"EC", "secp521r1"}, {"Ed25519", null}, {"RSA", null}}) {
      KeyPairGenerator g = KeyPairGenerator.getInstance(type[0]);
      if (type[1] != null) {
        g.initialize(new ECGenParameterSpec(type[1]));
      } else if (type[0].equals("RSA")) {
        g.initialize(2048);
      }
      byte[] der = g.generateKeyPair().getPublic().getEncoded();
      String name = (type[0] + (type[1] == null ? "" : "-" + type[1])).toLowerCase();
      seed(t, "derPublicKey", name, der);
      seed(t, "keyMaterial", name + ".pem", Pem.encode("PUBLIC KEY", der));
    }
    Path pem = clientVectors.resolve("rekor-public-good/trust/rekor.sigstage.dev.pub.pem");
    seed(t, "logPublicKey", "rekor.sigstage.dev.pem", Files.readAllBytes(pem));
    seed(t, "pemBlocks", "rekor.sigstage.dev.pem", Files.readAllBytes(pem));
    seed(t, "pemBlocks", "crlf-and-indent.pem", new String(Files.readAllBytes(pem), StandardCharsets.US_ASCII)
        .replace("\n", "\r\n  "));
    seed(t, "pemBlocks", "header.pem", "-----BEGIN PUBLIC KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END PUBLIC KEY-----\n");
    seed(t, "pemBlocks", "two-blocks.pem", Pem.encode("CERTIFICATE", new byte[] {1, 2, 3}) + Pem.encode("X", new byte[] {4}));
  }

  // ---- tiles -------------------------------------------------------------------------------

  private void tiles() throws IOException {
    Class<?> t = TileFuzzTest.class;
    int i = 0;
    for (JsonNode p : json(merkleVectors.resolve("tlog-tiles/tile-paths.json"))) {
      if (p.isArray()) {
        for (JsonNode c : p) {
          if (c.path("path").isTextual()) {
            seed(t, "tilePath", "vector-" + i++, c.get("path").asText());
          }
        }
      }
    }
    // Known from issue 12: tile levels from 8 on address tree levels of 64 and more.
    seed(t, "tilePath", "level-8", "tile/8/000");
    seed(t, "tilePath", "level-63-partial", "/tile/63/x009/x223/x372/x036/x854/x775/807.p/255");
    seed(t, "tilePath", "entries-full", "tile/entries/x001/x234/067");
    seed(t, "tileInTree", "size-3-level-8", ByteBuffer.allocate(17).putLong(3).put((byte) 8).putLong(0).array());
    seed(t, "tileInTree", "size-max-level-7", ByteBuffer.allocate(17).putLong(Long.MAX_VALUE).put((byte) 7).putLong(127).array());
    seed(t, "tileInTree", "size-257-level-0-index-1", ByteBuffer.allocate(17).putLong(257).put((byte) 0).putLong(1).array());
    Path log = merkleVectors.resolve("tlog-tiles/tessera-testdata-log/tile");
    try (Stream<Path> files = Files.list(log.resolve("0/000.p"))) {
      for (Path f : files.sorted().toList()) {
        seed(t, "hashTile", "tessera-0-000.p-" + f.getFileName(), Files.readAllBytes(f));
      }
    }
    try (Stream<Path> files = Files.list(log.resolve("entries/000.p"))) {
      for (Path f : files.sorted().toList()) {
        seed(t, "entryBundle", "tessera-entries-000.p-" + f.getFileName(), Files.readAllBytes(f));
      }
    }
    seed(t, "entryBundle", "empty-entry", EntryBundle.encode(List.of(new byte[0])));
    for (long[] sizes : new long[][] {{3, 1}, {300, 17}, {65537, 256}, {Long.MAX_VALUE, Long.MAX_VALUE - 1}}) {
      ByteBuffer b = ByteBuffer.allocate(16 + 40 * (1 + 32));
      b.putLong(sizes[0]).putLong(sizes[1] - 1);
      while (b.remaining() >= 33) {
        b.put((byte) 1).put(new byte[32]);
      }
      seed(t, "proofFromTiles", "size-" + sizes[0], b.array());
    }
  }

  // ---- OCI ---------------------------------------------------------------------------------

  private void oci() throws Exception {
    Class<?> t = ociTest();
    seed(t, "authChallenge", "docker-hub", "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
        + "scope=\"repository:library/alpine:pull\"");
    seed(t, "authChallenge", "basic", "Basic realm=\"Registry Realm\"");
    seed(t, "authChallenge", "two-challenges", "Basic realm=\"x \\\"y\\\"\", Bearer Realm=tok , service=s,error=\"insufficient_scope\"");
    seed(t, "authChallenge", "unterminated", "Bearer realm=\"https://a/t");

    byte[] config = "{}".getBytes(StandardCharsets.US_ASCII);
    String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
        + MediaTypes.OCI_CONFIG + "\",\"size\":2,\"digest\":\"" + Digest.of(config) + "\"},\"layers\":[{\"mediaType\":\""
        + MediaTypes.OCI_LAYER_TAR_GZIP + "\",\"size\":3,\"digest\":\"" + Digest.of(new byte[3]) + "\"}]}";
    seed(t, "registryManifest", "oci-manifest", MediaTypes.OCI_MANIFEST + "\n" + manifest);
    seed(t, "registryManifest", "docker-manifest-no-content-type", "\n" + manifest.replace(MediaTypes.OCI_MANIFEST,
        MediaTypes.DOCKER_MANIFEST));
    String index = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[{\"mediaType\":\""
        + MediaTypes.OCI_MANIFEST + "\",\"size\":" + manifest.length() + ",\"digest\":\""
        + Digest.of(manifest.getBytes(StandardCharsets.US_ASCII)) + "\",\"platform\":{\"architecture\":\"amd64\","
        + "\"os\":\"linux\"}},{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"size\":1,\"digest\":\"sha256:"
        + "0".repeat(64) + "\",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}}]}";
    seed(t, "registryManifest", "oci-index", MediaTypes.OCI_INDEX + "\n" + index);
    seed(t, "registryManifest", "docker-manifest-list", MediaTypes.DOCKER_MANIFEST_LIST + "; charset=utf-8\n"
        + index.replace(MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST_LIST));

    byte[] payload = new SimpleSigningPayload("127.0.0.1:5000/fuzz/image", Digest.of(new byte[0]),
        new TreeMap<>(Map.of("creator", "fuzz", "<&>", "\u2028"))).toBytes();
    JsonNode answer = JSON.readTree(entryAnswers().get("staging-hashedrekord-entry"));
    JsonNode entry = answer.elements().next();
    String bundle = new CosignBundle(B64.decode(entry.at("/verification/signedEntryTimestamp").asText()),
        B64.decode(entry.get("body").asText()), entry.get("integratedTime").asLong(), entry.get("logIndex").asLong(),
        entry.get("logID").asText()).toJson();
    String signatureManifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{"
        + "\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"size\":2,\"digest\":\"" + Digest.of(config) + "\"},"
        + "\"layers\":[{\"mediaType\":\"" + MediaTypes.COSIGN_SIMPLE_SIGNING + "\",\"size\":" + payload.length
        + ",\"digest\":\"" + Digest.of(payload) + "\",\"annotations\":{\"" + OciSignature.SIGNATURE_ANNOTATION
        + "\":\"MEUCIQ==\",\"" + OciSignature.BUNDLE_ANNOTATION + "\":" + JSON.writeValueAsString(bundle) + "}}]}";
    byte[] withBlob = (MediaTypes.OCI_MANIFEST + "\n" + signatureManifest + "\0").getBytes(StandardCharsets.UTF_8);
    byte[] signatureSeed = new byte[withBlob.length + payload.length];
    System.arraycopy(withBlob, 0, signatureSeed, 0, withBlob.length);
    System.arraycopy(payload, 0, signatureSeed, withBlob.length, payload.length);
    seed(t, "registryManifest", "cosign-signature-manifest", signatureSeed);

    seed(t, "registryToken", "bearer", "Bearer realm=\"http://{registry}/token\",service=\"fuzz\",scope=\"repository:fuzz/image:pull\"\n"
        + "{\"token\":\"abc\",\"expires_in\":300}");
    seed(t, "registryToken", "access-token", "Bearer realm=\"http://{registry}/token\"\n{\"access_token\":\"abc\"}");
    seed(t, "registryToken", "huge-expiry", "Bearer realm=\"http://{registry}/token\"\n"
        + "{\"token\":\"abc\",\"expires_in\":9223372036854775807}");
    seed(t, "registryToken", "basic", "Basic realm=\"r\"\n");
    seed(t, "registryToken", "realm-without-scheme", "Bearer realm=\"{registry}/token\"\n{}");

    seed(t, "cosignBundle", "staging-hashedrekord-entry.json", bundle);
    seed(t, "simpleSigningPayload", "with-optional.json", payload);
    seed(t, "simpleSigningPayload", "cosign.json", SimpleSigningPayload.forImage(
        Repository.of("ghcr.io", "stele/app"), Digest.of(new byte[1])).toBytes());
    seed(t, "imageReference", "tag", "registry.example.com/team/app:1.0");
    seed(t, "imageReference", "digest", "127.0.0.1:5000/app@" + Digest.of(new byte[0]));
    seed(t, "imageReference", "ipv6-tag-digest", "[::1]:5000/a/b:v1@" + Digest.of(new byte[1]));
    seed(t, "imageReference", "localhost", "localhost/x");
  }

  // ---- the log server ----------------------------------------------------------------------

  private void server() throws Exception {
    Class<?> t = LogServerFuzzTest.class;
    Proposals p = new Proposals();
    byte[] entry = p.hashedRekord("a new artifact".getBytes(StandardCharsets.UTF_8));
    String hex = JSON.readTree(entry).at("/spec/data/hash/value").asText();
    String text = new String(entry, StandardCharsets.UTF_8);
    seed(t, "request", "post-entry", "POST /api/v1/log/entries\n" + text);
    seed(t, "request", "post-entry-non-ascii-digit", "POST /api/v1/log/entries\n" + text.replace(hex, "\u0663" + hex.substring(1)));
    seed(t, "request", "post-dsse", "POST /api/v1/log/entries\n" + new String(p.dsse("text/plain", new byte[] {'x'}),
        StandardCharsets.UTF_8));
    seed(t, "request", "retrieve-indexes", "POST /api/v1/log/entries/retrieve\n{\"logIndexes\":[0,1,2]}");
    seed(t, "request", "retrieve-null-uuid", "POST /api/v1/log/entries/retrieve\n{\"entryUUIDs\":[null]}");
    seed(t, "request", "retrieve-entries", "POST /api/v1/log/entries/retrieve\n{\"entries\":[" + text + "]}");
    seed(t, "request", "search-hash", "POST /api/v1/index/retrieve\n{\"hash\":\"sha256:" + hex + "\"}");
    seed(t, "request", "search-key", "POST /api/v1/index/retrieve\n{\"operator\":\"and\",\"publicKey\":{\"format\":\"x509\","
        + "\"content\":\"" + B64E.encodeToString(p.publicKeyPem().getBytes(StandardCharsets.US_ASCII)) + "\"},\"email\":\"a@b\"}");
    seed(t, "request", "get-by-index", "GET /api/v1/log/entries?logIndex=1\n");
    seed(t, "request", "get-by-uuid", "GET /api/v1/log/entries/" + "0".repeat(64) + "\n");
    seed(t, "request", "log-info", "GET /api/v1/log\n");
    seed(t, "request", "proof", "GET /api/v1/log/proof?firstSize=1&lastSize=3\n");
    seed(t, "request", "public-key", "GET /api/v1/log/publicKey?treeID=7\n");
    seed(t, "request", "checkpoint", "GET /checkpoint\n");
    seed(t, "request", "tile-partial", "GET /tile/0/000.p/3\n");
    seed(t, "request", "entries-partial", "GET /tile/entries/000.p/2\n");
    // Known from issue 12: tile level 8 and more.
    seed(t, "request", "tile-level-8", "GET /tile/8/000.p/1\n");
    seed(t, "request", "tile-level-63", "GET /tile/63/000\n");
  }
}
