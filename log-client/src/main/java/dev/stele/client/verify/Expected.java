package dev.stele.client.verify;

import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.merkle.proof.ConsistencyProof;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a verifier expects of a log entry: the artifact, the signers it accepts, and which pieces
 * of evidence must be present. Immutable; built with {@link #builder(Artifact)}.
 *
 * <p>Signers: public keys ({@link Builder#trustedKey}) and/or certificates from the trusted
 * certificate authorities whose identity matches an {@link IdentityPolicy}. At least one of the
 * two must be given; a certificate signer without an identity policy is refused.
 *
 * <p>Presence: by default the signed entry timestamp (SET) and the inclusion proof with its
 * checkpoint are both required. A policy may relax <em>presence</em> only ({@link
 * Builder#setOptional}, {@link Builder#inclusionProofOptional}); whatever is present is always
 * checked.
 */
public final class Expected {
  private final Artifact artifact;
  private final List<PublicKey> keys;
  private final IdentityPolicy identities;
  private final boolean setRequired;
  private final boolean inclusionProofRequired;
  private final Consistency consistency;
  private final List<byte[]> timestamps;

  /**
   * A consistency requirement: the entry's checkpoint must be consistent with {@code previous}, a
   * checkpoint the caller verified earlier, by {@code proof} (between the two tree sizes, in
   * either order).
   *
   * @param previous the last checkpoint the caller saw (already verified)
   * @param proof an RFC 6962 consistency proof between its size and the entry checkpoint's size
   */
  public record Consistency(Checkpoint previous, ConsistencyProof proof) {
    public Consistency {
      Objects.requireNonNull(previous, "previous");
      Objects.requireNonNull(proof, "proof");
    }
  }

  private Expected(Builder b) {
    this.artifact = b.artifact;
    this.keys = List.copyOf(b.keys);
    this.identities = b.identities;
    this.setRequired = b.setRequired;
    this.inclusionProofRequired = b.inclusionProofRequired;
    this.consistency = b.consistency;
    this.timestamps = List.copyOf(b.timestamps);
  }

  /** Starts a builder for entries about {@code artifact}. */
  public static Builder builder(Artifact artifact) {
    return new Builder(Objects.requireNonNull(artifact, "artifact"));
  }

  public Artifact artifact() {
    return artifact;
  }

  /** Public keys accepted as signers. */
  public List<PublicKey> trustedKeys() {
    return keys;
  }

  /** The identity policy for certificate signers, if certificate signers are accepted. */
  public Optional<IdentityPolicy> identities() {
    return Optional.ofNullable(identities);
  }

  /** Whether an entry without a SET fails. */
  public boolean setRequired() {
    return setRequired;
  }

  /** Whether an entry without an inclusion proof and checkpoint fails. */
  public boolean inclusionProofRequired() {
    return inclusionProofRequired;
  }

  public Optional<Consistency> consistency() {
    return Optional.ofNullable(consistency);
  }

  /**
   * RFC 3161 timestamps over the artifact signature (DER TimeStampResp, as a bundle carries them):
   * each is verified against the trusted timestamp authorities, and the first gives the signed time
   * when the entry has no SET (a Rekor v2 entry).
   */
  public List<byte[]> timestamps() {
    return timestamps;
  }

  /** A builder with this policy's values, e.g. to add a consistency requirement. */
  public Builder toBuilder() {
    Builder b = new Builder(artifact);
    b.keys.addAll(keys);
    b.identities = identities;
    b.setRequired = setRequired;
    b.inclusionProofRequired = inclusionProofRequired;
    b.consistency = consistency;
    b.timestamps.addAll(timestamps);
    return b;
  }

  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    keys.forEach(k -> names.add(PublicKeys.describe(k)));
    return "Expected[" + artifact + ", keys " + names + (identities == null ? "" : ", " + identities)
        + (setRequired ? "" : ", SET optional") + (inclusionProofRequired ? "" : ", proof optional")
        + (consistency == null ? "" : ", consistent with size " + consistency.previous().size()) + "]";
  }

  /** Builds an {@link Expected}. */
  public static final class Builder {
    private final Artifact artifact;
    private final List<PublicKey> keys = new ArrayList<>();
    private IdentityPolicy identities;
    private boolean setRequired = true;
    private boolean inclusionProofRequired = true;
    private Consistency consistency;
    private final List<byte[]> timestamps = new ArrayList<>();

    private Builder(Artifact artifact) {
      this.artifact = artifact;
    }

    /** Accepts signatures by this key. */
    public Builder trustedKey(PublicKey key) {
      keys.add(Objects.requireNonNull(key, "key"));
      return this;
    }

    /** Accepts signatures by any of these keys. */
    public Builder trustedKeys(Collection<PublicKey> values) {
      values.forEach(this::trustedKey);
      return this;
    }

    /** Accepts certificate signers from the trusted CAs whose identity matches {@code policy}. */
    public Builder identities(IdentityPolicy policy) {
      this.identities = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** An entry without a SET is accepted (a SET that is present is still verified). */
    public Builder setOptional() {
      this.setRequired = false;
      return this;
    }

    /**
     * An entry without an inclusion proof is accepted (a proof that is present is still verified,
     * and must come with a checkpoint).
     */
    public Builder inclusionProofOptional() {
      this.inclusionProofRequired = false;
      return this;
    }

    /** RFC 3161 timestamps over the artifact signature, to verify and to take signed time from. */
    public Builder timestamps(Collection<byte[]> values) {
      values.forEach(v -> timestamps.add(v.clone()));
      return this;
    }

    /** Requires the entry's checkpoint to be consistent with {@code previous} by {@code proof}. */
    public Builder consistentWith(Checkpoint previous, ConsistencyProof proof) {
      this.consistency = new Consistency(previous, proof);
      return this;
    }

    /** @throws IllegalStateException if no signer (key or identity policy) is accepted */
    public Expected build() {
      if (keys.isEmpty() && identities == null) {
        throw new IllegalStateException("no signer would be accepted: give trusted keys or an identity"
            + " policy for certificate signers");
      }
      return new Expected(this);
    }
  }
}
