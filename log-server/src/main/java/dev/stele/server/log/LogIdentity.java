package dev.stele.server.log;

import dev.stele.merkle.Hash;
import java.util.Objects;

/**
 * What makes a data directory belong to one log: its tree ID (a positive int64, printed in decimal
 * in the checkpoint origin and as 16 hex digits in entry IDs) and its log ID (SHA-256 of the log
 * key's DER SubjectPublicKeyInfo). Written once, when the store is created; a server started
 * with another key refuses the directory.
 */
public record LogIdentity(long treeId, Hash logId) {
  public LogIdentity {
    if (treeId <= 0) throw new IllegalArgumentException("treeId " + treeId + " must be positive");
    Objects.requireNonNull(logId, "logId");
  }
}
