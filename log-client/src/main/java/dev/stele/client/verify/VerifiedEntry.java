package dev.stele.client.verify;

import dev.stele.client.TrustedLog;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.KeyMaterial;
import dev.stele.client.protocol.LoggedEntry;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link EntryVerifier#verify} established, for callers that report or record it.
 *
 * @param entry the entry verified
 * @param kind the entry's kind and version, e.g. {@code hashedrekord 0.0.1}
 * @param signer the key or certificate that signed the artifact, as the entry names it
 * @param log the trusted log that holds the entry
 * @param checkpoint the checkpoint the inclusion proof was checked against, if there was a proof
 * @param signedTime the integrated time, if the SET covering it verified
 */
public record VerifiedEntry(LoggedEntry entry, String kind, KeyMaterial signer, TrustedLog log,
    Optional<Checkpoint> checkpoint, Optional<Instant> signedTime) {
  public VerifiedEntry {
    Objects.requireNonNull(entry);
    Objects.requireNonNull(kind);
    Objects.requireNonNull(signer);
    Objects.requireNonNull(log);
    Objects.requireNonNull(checkpoint);
    Objects.requireNonNull(signedTime);
  }
}
