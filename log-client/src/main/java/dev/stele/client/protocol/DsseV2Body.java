package dev.stele.client.protocol;

import dev.stele.merkle.Hash;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A {@code dsse} 0.0.2 body (docs/protocol.md 3.5; Rekor v2's {@code dsseRequestV002}): the
 * SHA-256 of the envelope's payload and each signature with the key that verified it. Neither the
 * envelope nor its payload is stored.
 *
 * @param payloadHash SHA-256 of the decoded payload
 * @param signatures in the envelope's order
 */
public record DsseV2Body(Hash payloadHash, List<Signature> signatures) implements EntryBody {
  static final String KIND = "dsse";
  static final String VERSION = "0.0.2";

  public DsseV2Body {
    Objects.requireNonNull(payloadHash);
    signatures = List.copyOf(signatures);
    if (signatures.isEmpty()) {
      throw new IllegalArgumentException("a dsse entry has at least one signature");
    }
  }

  /**
   * One signature of the envelope.
   *
   * @param content the signature bytes
   * @param keyDetails the protobuf {@code PublicKeyDetails} name of the verifier
   * @param verifier the key or certificate that verifies it
   */
  public record Signature(byte[] content, String keyDetails, KeyMaterial verifier) {
    public Signature {
      content = content.clone();
      Objects.requireNonNull(keyDetails);
      Objects.requireNonNull(verifier);
    }

    @Override
    public byte[] content() {
      return content.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Signature && Arrays.equals(content, ((Signature) o).content)
          && keyDetails.equals(((Signature) o).keyDetails)
          && verifier.canonicalPem().equals(((Signature) o).verifier.canonicalPem());
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(content) * 31 + verifier.canonicalPem().hashCode();
    }
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String apiVersion() {
    return VERSION;
  }

  /** The keys of a dsse 0.0.1 entry of the same signers and payload, so one search finds both. */
  @Override
  public List<String> indexKeys() {
    Set<String> keys = new LinkedHashSet<>();
    for (Signature s : signatures) {
      keys.add("sha256:" + s.verifier().canonicalPemHash().hex());
      keys.addAll(s.verifier().subjects());
    }
    keys.add("sha256:" + payloadHash.hex());
    return List.copyOf(keys);
  }
}
