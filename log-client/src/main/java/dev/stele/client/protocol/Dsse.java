package dev.stele.client.protocol;

import java.nio.charset.StandardCharsets;

/** The DSSE v1 signing format: what a DSSE signature signs. */
public final class Dsse {
  private Dsse() {}

  /**
   * The pre-authentication encoding {@code "DSSEv1" SP len(type) SP type SP len(payload) SP
   * payload}, lengths in decimal bytes: the bytes every DSSE signature is over, never the payload
   * alone.
   */
  public static byte[] pae(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    byte[] head = ("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII);
    byte[] mid = (" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + type.length + mid.length + payload.length];
    int at = 0;
    for (byte[] part : new byte[][] {head, type, mid, payload}) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }
}
