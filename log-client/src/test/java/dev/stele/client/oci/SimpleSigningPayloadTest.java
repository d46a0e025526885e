package dev.stele.client.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimpleSigningPayloadTest {
  private static final String HEX = "210405d217c8b3ab14cb3f7943899b07e732e02676280857f8e7ea513a5b40ce";

  /**
   * The exact bytes cosign's payload type writes for these values (Go encoding/json of the
   * simple-signing struct: fields in declaration order, no white space, optional null).
   */
  private static final String EXPECTED = "{\"critical\":{\"identity\":{\"docker-reference\":\"127.0.0.1:15000/demo/hello\"},"
      + "\"image\":{\"docker-manifest-digest\":\"sha256:" + HEX + "\"},\"type\":\"cosign container image signature\"},"
      + "\"optional\":null}";

  @Test
  void toBytes_isCosignsExactOutput() throws Exception {
    byte[] bytes = SimpleSigningPayload.forImage(new Repository("127.0.0.1:15000", "demo/hello"),
        Digest.parse("sha256:" + HEX)).toBytes();
    assertEquals(EXPECTED, new String(bytes, StandardCharsets.UTF_8));
  }

  @Test
  void optional_isSortedByKey_andEscapedAsGoDoes() throws Exception {
    Map<String, String> optional = new LinkedHashMap<>();
    optional.put("zeta", "last");
    optional.put("a<b", "x&y>\"q\"\\\n\u2028\u0001é");
    SimpleSigningPayload p = SimpleSigningPayload.forImage(new Repository("r.example", "x"),
        Digest.parse("sha256:" + HEX)).withOptional(optional);
    String json = new String(p.toBytes(), StandardCharsets.UTF_8);
    assertEquals("\"optional\":{\"a\\u003cb\":\"x\\u0026y\\u003e\\\"q\\\"\\\\\\n\\u2028\\u0001é\",\"zeta\":\"last\"}}",
        json.substring(json.indexOf("\"optional\"")));
    assertEquals(p, SimpleSigningPayload.parse(p.toBytes()), "round trip");
    assertArrayEquals(p.toBytes(), SimpleSigningPayload.parse(p.toBytes()).toBytes(), "stable bytes");
  }

  @Test
  void parse_acceptsCosignOutput_andAbsentOptional() throws Exception {
    SimpleSigningPayload p = SimpleSigningPayload.parse(EXPECTED.getBytes(StandardCharsets.UTF_8));
    assertEquals("127.0.0.1:15000/demo/hello", p.dockerReference());
    assertEquals(HEX, p.manifestDigest().hex());
    assertNull(p.optional());
    String spaced = "{ \"optional\": {\"k\":\"v\"}, \"critical\": {\"type\": \"cosign container image signature\","
        + " \"image\": {\"docker-manifest-digest\": \"sha256:" + HEX + "\"}, \"identity\": {\"docker-reference\": \"r/x\"}}}";
    assertEquals(Map.of("k", "v"), SimpleSigningPayload.parse(spaced.getBytes(StandardCharsets.UTF_8)).optional());
    String noOptional = EXPECTED.replace(",\"optional\":null", "");
    assertNull(SimpleSigningPayload.parse(noOptional.getBytes(StandardCharsets.UTF_8)).optional());
  }

  @Test
  void parse_isStrict() {
    String[][] cases = {
        {"not json", "not valid JSON"},
        {"[]", "not a JSON object"},
        {EXPECTED + "x", "not valid JSON"},
        {EXPECTED.replace("\"optional\":null", "\"optional\":null,\"extra\":1"), "unknown field \"extra\""},
        {EXPECTED.replace("\"type\"", "\"kind\":1,\"type\""), "unknown field \"kind\" in critical"},
        {EXPECTED.replace("cosign container image signature", "atomic container signature"), "critical.type"},
        {EXPECTED.replace("sha256:" + HEX, "sha256:" + HEX.substring(1)), "docker-manifest-digest"},
        {EXPECTED.replace("sha256:" + HEX, "sha512:" + HEX), "only sha256"},
        {EXPECTED.replace("\"docker-reference\":\"127.0.0.1:15000/demo/hello\"", "\"docker-reference\":\"\""),
            "empty critical.identity.docker-reference"},
        {EXPECTED.replace("\"docker-reference\":\"127.0.0.1:15000/demo/hello\"", "\"docker-reference\":7"),
            "critical.identity.docker-reference is missing or not a string"},
        {EXPECTED.replace("{\"critical\":", "{\"critical\":{},\"critical\":"), "not valid JSON"},
        {EXPECTED.replace("\"optional\":null", "\"optional\":{\"n\":1}"), "optional.n is not a string"},
        {EXPECTED.replace("\"optional\":null", "\"optional\":[]"), "neither null nor an object"},
        {"{\"optional\":null}", "critical is missing"},
    };
    List<String> failures = new ArrayList<>();
    for (String[] c : cases) {
      try {
        SimpleSigningPayload.parse(c[0].getBytes(StandardCharsets.UTF_8));
        failures.add("accepted " + c[0]);
      } catch (OciException e) {
        if (!e.getMessage().contains(c[1])) {
          failures.add(c[0] + " -> \"" + e.getMessage() + "\" lacks \"" + c[1] + "\"");
        }
      }
    }
    assertEquals(List.of(), failures);
  }
}
