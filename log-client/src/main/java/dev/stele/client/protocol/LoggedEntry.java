package dev.stele.client.protocol;

import dev.stele.merkle.Hash;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A log entry as the Rekor v1 API returns it (docs/protocol.md 2.1), in domain types: what a verifier
 * checks and what the server answers with. Convert from and to JSON with {@link RekorJson}.
 *
 * @param id the entry ID (the key of the response map): 80 hex digits with a tree ID, or 64
 * @param body the canonical entry body (the Merkle leaf data); copied in and out
 * @param integratedTime Unix seconds at which the entry was integrated, non-negative
 * @param logId SHA-256 of the log key's DER SubjectPublicKeyInfo
 * @param logIndex the global index of the entry, non-negative
 * @param signedEntryTimestamp the SET (a signature over {@link SetPayload}), if present
 * @param inclusion the inclusion proof and its signed checkpoint, if present
 * @param attestation stored attestation bytes, if the log keeps them (rare)
 */
public record LoggedEntry(EntryId id, byte[] body, long integratedTime, Hash logId, long logIndex,
    Optional<byte[]> signedEntryTimestamp, Optional<Inclusion> inclusion, Optional<byte[]> attestation) {
  public LoggedEntry {
    Objects.requireNonNull(id, "id");
    body = body.clone();
    Objects.requireNonNull(logId, "logId");
    if (integratedTime < 0 || logIndex < 0) {
      throw new IllegalArgumentException(
          "integratedTime and logIndex must be non-negative, got " + integratedTime + " and " + logIndex);
    }
    signedEntryTimestamp = signedEntryTimestamp.map(byte[]::clone);
    Objects.requireNonNull(inclusion, "inclusion");
    attestation = attestation.map(byte[]::clone);
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  @Override
  public Optional<byte[]> signedEntryTimestamp() {
    return signedEntryTimestamp.map(byte[]::clone);
  }

  @Override
  public Optional<byte[]> attestation() {
    return attestation.map(byte[]::clone);
  }

  /** The bytes the SET signs: {@link SetPayload#bytes} of this entry. */
  public byte[] setPayload() {
    return SetPayload.bytes(body, integratedTime, logId, logIndex);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof LoggedEntry)) {
      return false;
    }
    LoggedEntry e = (LoggedEntry) o;
    return id.equals(e.id) && Arrays.equals(body, e.body) && integratedTime == e.integratedTime
        && logId.equals(e.logId) && logIndex == e.logIndex
        && Arrays.equals(signedEntryTimestamp.orElse(null), e.signedEntryTimestamp.orElse(null))
        && inclusion.equals(e.inclusion)
        && Arrays.equals(attestation.orElse(null), e.attestation.orElse(null));
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, Arrays.hashCode(body), integratedTime, logId, logIndex);
  }

  @Override
  public String toString() {
    return "LoggedEntry[" + id + ", index " + logIndex + ", integrated " + integratedTime + "]";
  }
}
