package dev.stele.client.protocol;

import dev.stele.merkle.Hash;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * An entry identifier of the Rekor v1 API (docs/protocol.md section 4): the <b>UUID</b> is the
 * lower-case hex of the entry's RFC 6962 leaf hash (64 digits); the <b>entry ID</b> prefixes it
 * with the tree ID as 16 zero-padded hex digits (80 digits in all). The tree ID is written in
 * decimal everywhere else (checkpoint origins, {@code treeID} in log info).
 *
 * @param treeId the tree (shard) ID if the identifier carries one; non-negative
 * @param uuid the leaf hash
 */
public record EntryId(OptionalLong treeId, Hash uuid) {
  public EntryId {
    if (treeId.isPresent() && treeId.getAsLong() < 0) {
      throw new IllegalArgumentException("tree ID must be non-negative, got " + treeId.getAsLong());
    }
    if (uuid == null) {
      throw new NullPointerException("uuid");
    }
  }

  /** The 80-digit entry ID of a leaf in a tree. */
  public static EntryId of(long treeId, Hash leafHash) {
    return new EntryId(OptionalLong.of(treeId), leafHash);
  }

  /** A 64-digit UUID without tree ID. */
  public static EntryId ofUuid(Hash leafHash) {
    return new EntryId(OptionalLong.empty(), leafHash);
  }

  /** The tree ID as 16 zero-padded lower-case hex digits. */
  public static String treeIdHex(long treeId) {
    if (treeId < 0) {
      throw new IllegalArgumentException("tree ID must be non-negative, got " + treeId);
    }
    return String.format("%016x", treeId);
  }

  /**
   * Parses a 64-digit UUID or an 80-digit entry ID, in either case.
   *
   * @throws FormatException for null (a JSON null where an ID belongs), any other length, a
   *     non-hex digit or a tree ID above 2^63-1
   */
  public static EntryId parse(String id) throws FormatException {
    if (id == null) {
      throw new FormatException("an entry ID is missing (null)");
    }
    if (id.length() != 64 && id.length() != 80) {
      throw new FormatException("an entry ID is 64 hex digits (UUID) or 80 hex digits"
          + " (16-digit tree ID and UUID), got " + id.length() + " characters");
    }
    String lower = id.toLowerCase(Locale.ROOT);
    Hash uuid = Hash.of(Encodings.hex("entry ID", lower.substring(lower.length() - 64)));
    if (id.length() == 64) {
      return ofUuid(uuid);
    }
    String tree = lower.substring(0, 16);
    Encodings.hex("tree ID of entry ID", tree);
    long treeId = Long.parseUnsignedLong(tree, 16);
    if (treeId < 0) {
      throw new FormatException("tree ID " + tree + " of entry ID is above 2^63-1");
    }
    return of(treeId, uuid);
  }

  /** The leaf hash as 64 lower-case hex digits. */
  public String uuidHex() {
    return uuid.hex();
  }

  /** 80 digits with a tree ID, 64 without; lower case. */
  @Override
  public String toString() {
    return treeId.isPresent() ? treeIdHex(treeId.getAsLong()) + uuid.hex() : uuid.hex();
  }
}
