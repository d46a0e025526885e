package dev.stele.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.rekor.ProposedEntries;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Signature;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor follows and audits a log through its Rekor v2 face: the tiles and checkpoint under
 * {@code /api/v2/}, whose checkpoint origin is the bare host, over a tree in which v1 and v2
 * entries interleave.
 */
class RekorV2MonitorTest {
  @TempDir Path dir;

  @Test
  void followsAndAuditsThroughTheV2Prefix_v1AndV2EntriesInOneTree() throws Exception {
    try (RealLog log = new RealLog(dir.resolve("log"))) {
      TestEntries signer = new TestEntries();
      TestConfig c = new TestConfig(URI.create(log.url() + "/api/v2"), log.key(), dir.resolve("state"));
      c.protocol = LogSource.Protocol.TILES;
      c.audit = true;
      try (Monitor m = c.monitor()) {
        log.add(signer, "v1-", 3);
        for (int i = 0; i < 3; i++) addV2(log, signer, "v2-" + i);
        Monitor.Result r = m.check();
        assertEquals(List.of(), r.raised(), r.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(6, r.verifiedSize());
        assertTrue(c.verifiedNote().startsWith("127.0.0.1\n6\n"), "the v2 checkpoint: " + c.verifiedNote());
        log.add(signer, "more-", 260);
        addV2(log, signer, "last");
        r = m.check();
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(267, r.verifiedSize());
      }
    }
  }

  private static void addV2(RealLog log, TestEntries signer, String artifact) throws Exception {
    byte[] data = artifact.getBytes(StandardCharsets.UTF_8);
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(signer.pair.getPrivate());
    s.update(data);
    byte[] request = ProposedEntries.hashedRekordV2(HashAlgorithm.SHA256.digest(data), s.sign(),
        signer.pair.getPublic(), "PKIX_ECDSA_P256_SHA_256");
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(log.url() + "/api/v2/log/entries")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, r.statusCode(), r.body());
  }
}
