package dev.stele.client.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.TrustedLog;
import dev.stele.client.crypto.KeyType;
import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.KeyMaterial;
import dev.stele.client.protocol.Vectors;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrustRootTest {
  private static final String REKOR_LOG_ID = "c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d";

  @Test
  void parse_productionRoot_readsLogsAuthoritiesAndValidity() throws Exception {
    TrustRoot root = TrustRoot.parse(Vectors.bytes("rekor-public-good/trust/trusted_root.production.json"));
    assertEquals(2, root.logs().size());
    TrustedLog rekor = root.logs().get(0);
    assertEquals(URI.create("https://rekor.sigstore.dev"), rekor.baseUrl());
    assertEquals("rekor.sigstore.dev", rekor.checkpointName());
    assertEquals(REKOR_LOG_ID, rekor.logId().hex());
    // A Rekor v1 log ID is the SHA-256 of the key; the noteVerifier's key ID is its prefix.
    assertEquals(REKOR_LOG_ID, PublicKeys.logId(rekor.key()).hex());
    assertEquals(0xc0d23d6a, rekor.noteVerifier().keyId());
    assertEquals(Instant.parse("2021-01-12T11:53:27Z"), rekor.validity().start());
    assertTrue(rekor.validity().end().isEmpty());
    assertEquals(KeyType.ED25519, PublicKeys.typeOf(root.logs().get(1).key()));
    assertEquals(2, root.certificateAuthorities().size());
    assertEquals(Optional.of(Instant.parse("2022-12-31T23:59:59.999Z")),
        root.certificateAuthorities().get(0).validity().end());
    assertEquals(2, root.certificateAuthorities().get(1).chain().size());
    assertEquals(2, root.ctLogs().size());
    assertEquals(1, root.timestampAuthorities().size());
  }

  @Test
  void parse_stagingRoot_readsThePkcs1RsaCtLog() throws Exception {
    TrustRoot root = TrustRoot.parse(Vectors.bytes("rekor-public-good/trust/trusted_root.staging.json"));
    assertEquals(4, root.logs().size());
    assertEquals(4, root.ctLogs().size());
    assertTrue(PublicKeys.typeOf(root.ctLogs().get(0).key()).isRsa());
  }

  @Test
  void forLogKey_rekorKey_hasTheProductionLogId() throws Exception {
    PublicKey key = KeyMaterial.parsePublicKey(Vectors.text("rekor-public-good/trust/rekor.sigstore.dev.pub.pem"));
    TrustRoot root = TrustRoot.forLogKey(URI.create("https://rekor.sigstore.dev"), key);
    assertEquals(REKOR_LOG_ID, root.logs().get(0).logId().hex());
    assertTrue(root.logs().get(0).validity().contains(Instant.EPOCH));
  }

  @Test
  void parsePublicKey_certificate_throwsFormat() {
    assertThrows(FormatException.class, () -> KeyMaterial.parsePublicKey(
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));
  }

  private static final String P256 = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2G2Y+2tabdTV5BcGiBIx0a9fAFwrkBbmLSGtks4L3qX6yYY0zufBnhC8Ur/iy55GhWP/9A/bY2LhC30M9+RYtw==";

  private static byte[] root(String tlog) {
    return ("{\"mediaType\":\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\",\"tlogs\":[" + tlog
        + "]}").getBytes(StandardCharsets.UTF_8);
  }

  private static String tlog(String keyDetails, String validFor) {
    return "{\"baseUrl\":\"http://127.0.0.1:3000\",\"hashAlgorithm\":\"SHA2_256\",\"publicKey\":{\"rawBytes\":\""
        + P256 + "\",\"keyDetails\":\"" + keyDetails + "\",\"validFor\":" + validFor
        + "},\"logId\":{\"keyId\":\"wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0=\"}}";
  }

  @Test
  void parse_localLog_nameIsTheBareHost() throws Exception {
    TrustRoot root = TrustRoot.parse(root(tlog("PKIX_ECDSA_P256_SHA_256", "{\"start\":\"2020-01-01T00:00:00Z\"}")));
    assertEquals("127.0.0.1", root.logs().get(0).checkpointName());
  }

  @Test
  void parse_keyDetailsDisagreeWithKey_throwsFormat() {
    FormatException e = assertThrows(FormatException.class,
        () -> TrustRoot.parse(root(tlog("PKIX_ED25519", "{\"start\":\"2020-01-01T00:00:00Z\"}"))));
    assertTrue(e.getMessage().contains("tlogs[0].publicKey.keyDetails says PKIX_ED25519"), e.getMessage());
  }

  @Test
  void parse_unknownKeyDetails_throwsFormat() {
    FormatException e = assertThrows(FormatException.class,
        () -> TrustRoot.parse(root(tlog("PKIX_SOMETHING", "{\"start\":\"2020-01-01T00:00:00Z\"}"))));
    assertTrue(e.getMessage().contains("PKIX_SOMETHING is not supported"), e.getMessage());
  }

  @Test
  void parse_validityEndingBeforeStart_throwsFormat() {
    FormatException e = assertThrows(FormatException.class, () -> TrustRoot.parse(root(tlog(
        "PKIX_ECDSA_P256_SHA_256", "{\"start\":\"2020-01-01T00:00:00Z\",\"end\":\"2019-01-01T00:00:00Z\"}"))));
    assertTrue(e.getMessage().contains("tlogs[0].publicKey.validFor ends before it starts"), e.getMessage());
  }

  @Test
  void parse_validityWithoutStart_throwsFormat() {
    assertThrows(FormatException.class, () -> TrustRoot.parse(root(tlog("PKIX_ECDSA_P256_SHA_256", "{}"))));
  }

  @Test
  void parse_otherMediaType_throwsFormat() {
    FormatException e = assertThrows(FormatException.class, () -> TrustRoot.parse(
        "{\"mediaType\":\"application/vnd.dev.sigstore.bundle+json;version=0.1\"}".getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("is not a trusted root"), e.getMessage());
  }

  @Test
  void parse_logIdOfWrongLength_throwsFormat() {
    String bad = tlog("PKIX_ECDSA_P256_SHA_256", "{\"start\":\"2020-01-01T00:00:00Z\"}")
        .replace("wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0=", "wNI9ag==");
    FormatException e = assertThrows(FormatException.class, () -> TrustRoot.parse(root(bad)));
    assertTrue(e.getMessage().contains("tlogs[0].logId.keyId must be 32 bytes, got 4"), e.getMessage());
  }

  /** Protobuf JSON bytes: URL-safe and unpadded is the same key ID; a mix of alphabets is not base64. */
  @Test
  void parse_logId_urlSafeUnpaddedAccepted_mixedAlphabetsRefused() throws Exception {
    String good = tlog("PKIX_ECDSA_P256_SHA_256", "{\"start\":\"2020-01-01T00:00:00Z\"}");
    String urlSafe = good.replace("wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0=", "wNI9atQGlz-VWfO6LRygH4QUfY_8W4RFwiT5i5WRgB0");
    assertEquals(REKOR_LOG_ID, TrustRoot.parse(root(urlSafe)).logs().get(0).logId().hex());
    String mixed = good.replace("wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0=", "wNI9atQGlz-VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0=");
    FormatException e = assertThrows(FormatException.class, () -> TrustRoot.parse(root(mixed)));
    assertEquals("tlogs[0].logId.keyId is not base64: it mixes the standard ('+', '/') and the URL-safe"
        + " ('-', '_') alphabet", e.getMessage());
  }

  @Test
  void parse_notJson_throwsFormat() {
    assertThrows(FormatException.class, () -> TrustRoot.parse("{".getBytes(StandardCharsets.UTF_8)));
  }
}
