package dev.stele.client.verify;

import dev.stele.client.protocol.Dsse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * A DSSE envelope (in-toto/DSSE v1): a typed payload and its signatures. Signatures are over the
 * pre-authentication encoding {@link #pae()}, never over the payload alone.
 *
 * <p>Immutable; byte arrays are copied in and out.
 */
public final class DsseEnvelope {
  private final String payloadType;
  private final byte[] payload;
  private final List<Signature> signatures;

  /**
   * One signature.
   *
   * @param keyId the optional, unauthenticated key ID hint ("" if none)
   * @param signature the signature bytes
   */
  public record Signature(String keyId, byte[] signature) {
    public Signature {
      Objects.requireNonNull(keyId, "keyId");
      signature = signature.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Signature && keyId.equals(((Signature) o).keyId)
          && java.util.Arrays.equals(signature, ((Signature) o).signature);
    }

    @Override
    public int hashCode() {
      return keyId.hashCode() * 31 + java.util.Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
      return "Signature[" + (keyId.isEmpty() ? "" : keyId + ", ") + signature.length + " bytes]";
    }
  }

  public DsseEnvelope(String payloadType, byte[] payload, List<Signature> signatures) {
    this.payloadType = Objects.requireNonNull(payloadType, "payloadType");
    this.payload = payload.clone();
    this.signatures = List.copyOf(signatures);
  }

  public String payloadType() {
    return payloadType;
  }

  /** A copy of the payload bytes. */
  public byte[] payload() {
    return payload.clone();
  }

  public List<Signature> signatures() {
    return signatures;
  }

  /**
   * The DSSE v1 pre-authentication encoding:
   * {@code "DSSEv1" SP len(type) SP type SP len(payload) SP payload}, lengths in decimal bytes.
   */
  public byte[] pae() {
    return Dsse.pae(payloadType, payload);
  }

  @Override
  public String toString() {
    return "DsseEnvelope[" + payloadType + ", " + payload.length + " bytes, " + signatures.size()
        + " signatures]";
  }
}
