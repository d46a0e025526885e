package dev.stele.client.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.SignatureVerifier;
import dev.stele.client.crypto.SignatureVerifiers;
import dev.stele.client.crypto.Signers;
import dev.stele.client.crypto.TestKeys;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SetPayloadTest {
  @Test
  void bytes_equalJcsOfTheFourMembers() throws Exception {
    Random rnd = new Random(7);
    for (int n : new int[] {0, 1, 2, 3, 100, 4145}) {
      byte[] body = new byte[n];
      rnd.nextBytes(body);
      Hash logId = Rfc6962.sha256(body);
      long time = 1_661_794_812L + n;
      long index = n * 1_000_003L;
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("logIndex", index);
      o.put("logID", logId.hex());
      o.put("integratedTime", time);
      o.put("body", Base64.getEncoder().encodeToString(body));
      assertArrayEquals(Jcs.canonicalize(o), SetPayload.bytes(body, time, logId, index));
    }
  }

  @Test
  void bytes_knownAnswer() {
    byte[] body = "{}".getBytes(StandardCharsets.US_ASCII);
    Hash logId = Hash.fromHex("c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d");
    assertEquals("{\"body\":\"e30=\",\"integratedTime\":1700000000,"
            + "\"logID\":\"c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d\",\"logIndex\":0}",
        new String(SetPayload.bytes(body, 1_700_000_000L, logId, 0), StandardCharsets.US_ASCII));
  }

  @Test
  void bytes_outOfRangeNumbers_throw() {
    Hash id = Rfc6962.EMPTY_ROOT;
    assertThrows(IllegalArgumentException.class, () -> SetPayload.bytes(new byte[1], -1, id, 0));
    assertThrows(IllegalArgumentException.class, () -> SetPayload.bytes(new byte[1], 0, id, -1));
    assertThrows(IllegalArgumentException.class, () -> SetPayload.bytes(new byte[1], 0, id, (1L << 53) + 1));
  }

  @Test
  void signAndVerify_withALogKey() throws Exception {
    var signer = Signers.forKey(TestKeys.p256().getPrivate());
    Hash logId = PublicKeys.logId(signer.publicKey());
    byte[] payload = SetPayload.bytes(new byte[] {1, 2, 3}, 5, logId, 6);
    byte[] set = signer.sign(payload);
    SignatureVerifiers.forKey(signer.publicKey()).verify(set, payload);
    assertThrows(SignatureException.class, () -> SignatureVerifiers.forKey(signer.publicKey())
        .verify(set, SetPayload.bytes(new byte[] {1, 2, 3}, 5, logId, 7)));
  }

  static PublicKey pem(String file) throws Exception {
    return PublicKeys.fromDer(Pem.decodeSingle(Vectors.text("rekor-public-good/trust/" + file), "PUBLIC KEY").bytes());
  }

  /** Rebuilds the payload of real Rekor SETs and checks them with the real log keys. */
  @Test
  void realRekorSets_verifyWithProductionAndStagingKeys() throws Exception {
    PublicKey production = pem("rekor.sigstore.dev.pub.pem");
    PublicKey staging = pem("rekor.sigstage.dev.pub.pem");
    assertEquals("c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d",
        PublicKeys.logId(production).hex());
    List<String> failures = new ArrayList<>();
    Map<String, PublicKey> responses = Map.of(
        "production-jar-entry.json", production,
        "staging-hashedrekord-entry.json", staging,
        "staging-entry-no-inclusion-proof.json", staging);
    for (Map.Entry<String, PublicKey> r : responses.entrySet()) {
      JsonNode entry = Vectors.json("rekor-public-good/api-responses/" + r.getKey()).elements().next();
      try {
        checkSet(entry, r.getValue());
      } catch (SignatureException e) {
        failures.add(r.getKey() + ": " + e.getMessage());
      }
    }
    int verified = 0;
    for (JsonNode c : Vectors.json("rekor-public-good/api-responses/converted-from-bundles.json").get("entries")) {
      String from = c.get("from_bundle").asText();
      JsonNode entry = c.get("response").elements().next();
      if (!entry.path("verification").has("signedEntryTimestamp") || entry.get("logIndex").asLong() < 0) {
        continue;
      }
      boolean setIsBad = from.endsWith("set-invalid-signature_fail") || from.endsWith("bundle-with-mismatched-set.sigstore.json");
      try {
        checkSet(entry, production);
        verified++;
        if (setIsBad) {
          failures.add(from + ": the tampered SET verified");
        }
      } catch (SignatureException e) {
        if (!setIsBad) {
          failures.add(from + ": " + e.getMessage());
        }
      }
    }
    assertTrue(verified >= 20, "verified " + verified);
    assertEquals(List.of(), failures);
  }

  private static void checkSet(JsonNode entry, PublicKey key) throws Exception {
    byte[] body = Base64.getDecoder().decode(entry.get("body").asText());
    Hash logId = Hash.fromHex(entry.get("logID").asText());
    assertEquals(PublicKeys.logId(key), logId);
    byte[] payload = SetPayload.bytes(body, entry.get("integratedTime").asLong(), logId, entry.get("logIndex").asLong());
    byte[] set = Base64.getDecoder().decode(entry.get("verification").get("signedEntryTimestamp").asText());
    SignatureVerifier v = SignatureVerifiers.forKey(key);
    v.verify(set, payload);
  }
}
