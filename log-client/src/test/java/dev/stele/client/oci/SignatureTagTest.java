package dev.stele.client.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Where {@link OciSignatureStore} keeps an image's signatures: cosign's tag. */
class SignatureTagTest {

  @Test
  void signatureTag_isCosignsName() throws Exception {
    Digest d = Digest.parse("sha256:" + HexFormat.of().formatHex(new byte[32]).replace('0', 'a'));
    assertEquals("sha256-" + "a".repeat(64) + ".sig", OciSignatureStore.signatureTag(d));
  }
}
