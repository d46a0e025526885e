package dev.stele.client.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CosignBundleTest {
  private static final String LOG_ID = "c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d";

  @Test
  void toJson_hasCosignsFieldNamesAndOrder_andRoundTrips() throws Exception {
    CosignBundle b = new CosignBundle(new byte[] {1, 2, 3}, "{\"kind\":\"hashedrekord\"}".getBytes(StandardCharsets.UTF_8),
        1_700_000_123L, 5, LOG_ID);
    assertEquals("{\"SignedEntryTimestamp\":\"AQID\",\"Payload\":{\"body\":\"eyJraW5kIjoiaGFzaGVkcmVrb3JkIn0=\","
        + "\"integratedTime\":1700000123,\"logIndex\":5,\"logID\":\"" + LOG_ID + "\"}}", b.toJson());
    CosignBundle back = CosignBundle.parse(b.toJson());
    assertEquals(b, back);
    assertArrayEquals(new byte[] {1, 2, 3}, back.signedEntryTimestamp());
    assertEquals(5, back.logIndex());
  }

  @Test
  void parse_isStrict() {
    String good = new CosignBundle(new byte[] {1}, new byte[] {2}, 1, 2, LOG_ID).toJson();
    String[][] cases = {
        {"{", "not valid JSON"},
        {good.replace("\"logIndex\":2", "\"logIndex\":-2"), "Payload.logIndex"},
        {good.replace("\"logIndex\":2", "\"logIndex\":\"2\""), "Payload.logIndex"},
        {good.replace(LOG_ID, LOG_ID.toUpperCase()), "Payload.logID"},
        {good.replace("\"AQ==\"", "\"!!\""), "SignedEntryTimestamp is not standard base64"},
        {good.replace("\"AQ==\"", "\"AQ\""), "SignedEntryTimestamp is not padded standard base64"},
        {good.replace("\"AQ==\"", "\"AR==\""), "SignedEntryTimestamp is not canonical base64"},
        {good.replace("\"Ag==\"", "\"Ag-=\""), "Payload.body is not standard base64: '-' at position 2"},
        {good.replace("\"Payload\":{", "\"Payload\":{\"extra\":1,"), "unknown field Payload.extra"},
        {good.replace("{\"SignedEntryTimestamp\"", "{\"x\":1,\"SignedEntryTimestamp\""), "unknown field x"},
        {"{\"SignedEntryTimestamp\":\"AQ==\"}", "Payload is missing"},
        {good.replace("\"AQ==\"", "\"\""), "empty SignedEntryTimestamp"},
    };
    List<String> failures = new ArrayList<>();
    for (String[] c : cases) {
      try {
        CosignBundle.parse(c[0]);
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
