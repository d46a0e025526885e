package dev.stele.client.protocol;

import java.util.List;

/**
 * A stored (canonical) entry body, parsed: what a verifier compares with the artifact it holds,
 * and what the search index is built from. See {@link EntryKinds#parseBody}.
 */
public sealed interface EntryBody permits HashedRekordBody, HashedRekordV2Body, DsseBody, DsseV2Body, OtherBody {
  /** The entry kind, e.g. {@code hashedrekord}. */
  String kind();

  /** The kind's version, e.g. {@code 0.0.1}. */
  String apiVersion();

  /**
   * The search-index keys this body yields, lower-cased, without duplicates (docs/protocol.md 3.1,
   * 3.2). For dsse, keys taken from the in-toto payload are known only when the entry is
   * proposed (the payload is not stored) and are in {@link CanonicalEntry#indexKeys()} only.
   */
  List<String> indexKeys();
}
