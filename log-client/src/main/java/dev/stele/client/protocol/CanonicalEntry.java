package dev.stele.client.protocol;

import dev.stele.merkle.Hash;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A validated entry in canonical form, ready to be appended: the bytes that become the Merkle
 * leaf, their leaf hash (which is also the entry's UUID and the deduplication key) and the
 * search-index keys. Produced only by {@link EntryKinds#canonicalize}.
 *
 * @param kind the entry kind, e.g. {@code hashedrekord}
 * @param apiVersion the kind's version, e.g. {@code 0.0.1}
 * @param body the RFC 8785 canonical JSON body (the leaf data); copied in and out
 * @param leafHash {@code Rfc6962.hashLeaf(body)}
 * @param indexKeys the search-index keys, lower-cased, without duplicates
 * @param content the body, parsed
 */
public record CanonicalEntry(String kind, String apiVersion, byte[] body, Hash leafHash,
    List<String> indexKeys, EntryBody content) {
  public CanonicalEntry {
    Objects.requireNonNull(kind);
    Objects.requireNonNull(apiVersion);
    body = body.clone();
    Objects.requireNonNull(leafHash);
    indexKeys = List.copyOf(indexKeys);
    Objects.requireNonNull(content);
  }

  /** A copy of the canonical body. */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The UUID: the leaf hash as 64 lower-case hex digits. */
  public String uuid() {
    return leafHash.hex();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CanonicalEntry && Arrays.equals(body, ((CanonicalEntry) o).body);
  }

  @Override
  public int hashCode() {
    return leafHash.hashCode();
  }

  @Override
  public String toString() {
    return "CanonicalEntry[" + kind + " " + apiVersion + ", " + leafHash.hex() + "]";
  }
}
