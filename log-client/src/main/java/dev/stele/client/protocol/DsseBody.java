package dev.stele.client.protocol;

import dev.stele.merkle.Hash;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A {@code dsse} 0.0.1 body (docs/protocol.md 3.2): hashes of the DSSE envelope and its payload, and
 * each signature with the key that verified it. The envelope itself is not stored.
 *
 * @param envelopeHash SHA-256 of the envelope JSON string as the signer sent it
 * @param payloadHash SHA-256 of the decoded payload
 * @param signatures sorted by signature string
 */
public record DsseBody(Hash envelopeHash, Hash payloadHash, List<Signature> signatures) implements EntryBody {
  static final String KIND = "dsse";
  static final String VERSION = "0.0.1";

  public DsseBody {
    Objects.requireNonNull(envelopeHash);
    Objects.requireNonNull(payloadHash);
    signatures = List.copyOf(signatures);
    if (signatures.isEmpty()) {
      throw new IllegalArgumentException("a dsse entry has at least one signature");
    }
  }

  /**
   * One signature of the envelope.
   *
   * @param signature the base64 signature exactly as in the envelope's {@code sig}
   * @param verifier the key or certificate that verifies it
   */
  public record Signature(String signature, KeyMaterial verifier) {
    public Signature {
      Objects.requireNonNull(signature);
      Objects.requireNonNull(verifier);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Signature && signature.equals(((Signature) o).signature)
          && verifier.canonicalPem().equals(((Signature) o).verifier.canonicalPem());
    }

    @Override
    public int hashCode() {
      return signature.hashCode() * 31 + verifier.canonicalPem().hashCode();
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

  @Override
  public List<String> indexKeys() {
    Set<String> keys = new LinkedHashSet<>();
    for (Signature s : signatures) {
      keys.add("sha256:" + s.verifier().canonicalPemHash().hex());
      keys.addAll(s.verifier().subjects());
    }
    keys.add("sha256:" + payloadHash.hex());
    keys.add("sha256:" + envelopeHash.hex());
    return List.copyOf(keys);
  }
}
