package dev.stele.client.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Real Rekor v1 entries (rekor-public-good): rebuilding each logged hashedrekord or dsse body from
 * its own content, as a client would propose it, must reproduce the logged bytes exactly; this
 * runs the complete validation (PEM, key type, allowed algorithms, signatures) on real material.
 */
class RealEntriesTest {
  /** Every tlog entry of every bundle: bundle path to canonical body. */
  private static Map<String, byte[]> bundleBodies() throws Exception {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(Vectors.path("rekor-public-good/bundles"))) {
      for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".sigstore.json")).sorted()::iterator) {
        JsonNode entries = ProtocolJson.mapper().readTree(p.toFile()).path("verificationMaterial").path("tlogEntries");
        for (JsonNode e : entries) {
          out.put(Vectors.root().relativize(p).toString(), Base64.getDecoder().decode(e.get("canonicalizedBody").asText()));
        }
      }
    }
    return out;
  }

  @Test
  void hashedRekordBodies_rebuiltFromTheirContent_reproduceLoggedBytes() throws Exception {
    Map<String, byte[]> bodies = bundleBodies();
    JsonNode staging = Vectors.json("rekor-public-good/api-responses/staging-hashedrekord-entry.json").elements().next();
    bodies.put("staging-hashedrekord-entry.json", Base64.getDecoder().decode(staging.get("body").asText()));
    List<String> failures = new ArrayList<>();
    int rebuilt = 0;
    for (Map.Entry<String, byte[]> e : bodies.entrySet()) {
      byte[] body = e.getValue();
      if (body.length < 40) {
        continue; // bundle-negative-log-index_fail carries a stub body on purpose
      }
      EntryBody parsed = EntryKinds.parseBody(body);
      if (!(parsed instanceof HashedRekordBody)) {
        continue;
      }
      HashedRekordBody h = (HashedRekordBody) parsed;
      ObjectNode proposal = Proposals.hashedRekord(h.algorithm().rekorName(), h.digestHex(), h.signature(),
          h.key().canonicalPem());
      try {
        CanonicalEntry c = EntryKinds.canonicalize(proposal);
        if (!Arrays.equals(body, c.body())) {
          failures.add(e.getKey() + ": rebuilt body differs");
        }
        if (!c.leafHash().equals(Rfc6962.hashLeaf(body))) {
          failures.add(e.getKey() + ": leaf hash differs");
        }
        if (!c.indexKeys().contains("sha256:" + h.digestHex().toLowerCase())) {
          failures.add(e.getKey() + ": index keys " + c.indexKeys());
        }
        rebuilt++;
      } catch (InvalidEntryException ex) {
        failures.add(e.getKey() + ": " + ex.getMessage());
      }
    }
    assertEquals(List.of(), failures);
    assertTrue(rebuilt >= 20, "rebuilt " + rebuilt);
  }

  /**
   * The dsse entries: the envelope is not logged, but the bundle carries it; the envelope JSON
   * string the client sent is the bundle's envelope serialized compactly (member order payload,
   * payloadType, signatures; each signature as sig and, when the client sent one, keyid).
   */
  @Test
  void dsseBodies_rebuiltFromBundleEnvelope_reproduceLoggedBytes() throws Exception {
    List<String> failures = new ArrayList<>();
    int rebuilt = 0;
    for (String bundle : new String[] {"conformance/happy-path-intoto-in-dsse-v3/bundle.sigstore.json",
        "sigstore-java/bundle.dsse.sigstore.json", "sigstore-js/bundleV03-dsse.sigstore.json"}) {
      JsonNode b = Vectors.json("rekor-public-good/bundles/" + bundle);
      byte[] body = Base64.getDecoder().decode(b.at("/verificationMaterial/tlogEntries/0/canonicalizedBody").asText());
      DsseBody parsed = (DsseBody) EntryKinds.parseBody(body);
      List<String> verifiers = new ArrayList<>();
      parsed.signatures().forEach(s -> verifiers.add(s.verifier().canonicalPem()));
      String envelope = null;
      for (boolean withKeyId : new boolean[] {false, true}) {
        String candidate = envelopeJson(b.get("dsseEnvelope"), withKeyId);
        if (Rfc6962.sha256(candidate.getBytes(StandardCharsets.UTF_8)).equals(parsed.envelopeHash())) {
          envelope = candidate;
        }
      }
      if (envelope == null) {
        failures.add(bundle + ": no serialization of the envelope matches envelopeHash");
        continue;
      }
      try {
        CanonicalEntry c = EntryKinds.canonicalize(Proposals.dsse(envelope, verifiers));
        if (!Arrays.equals(body, c.body())) {
          failures.add(bundle + ": rebuilt body differs:\n" + new String(c.body(), StandardCharsets.UTF_8));
        }
        rebuilt++;
      } catch (InvalidEntryException ex) {
        failures.add(bundle + ": " + ex.getMessage());
      }
    }
    assertEquals(List.of(), failures);
    assertEquals(3, rebuilt);
  }

  private static String envelopeJson(JsonNode env, boolean withKeyId) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("payload", env.get("payload").asText());
    o.put("payloadType", env.get("payloadType").asText());
    for (JsonNode s : env.get("signatures")) {
      ObjectNode sig = o.withArray("signatures").addObject();
      sig.put("sig", s.get("sig").asText());
      if (withKeyId) {
        sig.put("keyid", s.path("keyid").asText(""));
      }
    }
    return o.toString();
  }

  /** Every logged body parses, and the kinds this log writes re-serialize to the same bytes. */
  @Test
  void everyLoggedBody_parsesAndRoundTrips() throws Exception {
    Map<String, byte[]> bodies = bundleBodies();
    for (String f : new String[] {"production-jar-entry.json", "staging-hashedrekord-entry.json",
        "staging-entry-no-inclusion-proof.json"}) {
      JsonNode r = Vectors.json("rekor-public-good/api-responses/" + f).elements().next();
      bodies.put(f, Base64.getDecoder().decode(r.get("body").asText()));
    }
    JsonNode unit = Vectors.json("rekor-public-good/rekor-unit-test-entries.json").get("entries").get(0);
    byte[] unitBody = Base64.getDecoder().decode(unit.at("/entry/body").asText());
    assertEquals(Hash.fromHex(unit.get("computed_leaf_hash").asText()), Rfc6962.hashLeaf(unitBody));
    bodies.put("rekor-unit-test-entries.json", unitBody);

    Map<String, Integer> kinds = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : bodies.entrySet()) {
      if (e.getValue().length < 40) {
        continue;
      }
      EntryBody parsed = EntryKinds.parseBody(e.getValue());
      kinds.merge(parsed.kind() + " " + parsed.apiVersion(), 1, Integer::sum);
      if (!(parsed instanceof OtherBody) && !Arrays.equals(e.getValue(), EntryKinds.canonicalBody(parsed))) {
        failures.add(e.getKey() + ": does not round-trip");
      }
      if ((parsed.kind().equals("hashedrekord") || parsed.kind().equals("dsse"))
          && parsed.apiVersion().equals("0.0.1") && parsed instanceof OtherBody) {
        failures.add(e.getKey() + ": not parsed as its kind");
      }
    }
    assertEquals(List.of(), failures);
    assertEquals(Map.of("dsse 0.0.1", 3, "hashedrekord 0.0.1", 22, "hashedrekord 0.0.2", 13, "intoto 0.0.2", 4,
        "jar 0.0.1", 1, "rekord 0.0.1", 1), kinds);
  }
}
