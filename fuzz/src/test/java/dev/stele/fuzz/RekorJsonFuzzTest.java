package dev.stele.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.crypto.VerifierCache;
import dev.stele.client.protocol.Encodings;
import dev.stele.client.protocol.EntryId;
import dev.stele.client.protocol.EntryKinds;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.IndexKeys;
import dev.stele.client.protocol.InvalidEntryException;
import dev.stele.client.protocol.KeyMaterial;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.RekorJson;
import dev.stele.client.protocol.TreeInfo;
import dev.stele.client.protocol.VerificationBudget;
import dev.stele.merkle.Hash;
import dev.stele.merkle.tiles.EntryBundle;
import java.util.List;
import java.util.Map;

/**
 * The Rekor v1 REST documents ({@link RekorJson}): the answers a client reads from a log it does
 * not trust, and the two query documents the server reads from anyone.
 */
class RekorJsonFuzzTest {
  /** A one-entry answer (POST 201, GET by UUID or index); what was read writes back the same. */
  @FuzzTest
  void logEntry(byte[] input) throws FormatException {
    LoggedEntry entry;
    try {
      entry = RekorJson.readEntry(input);
    } catch (FormatException e) {
      Contract.refused(e);
      return;
    }
    assertEquals(entry, RekorJson.readEntry(RekorJson.writeEntry(entry)));
  }

  /** A retrieve answer: an array of one-entry maps. */
  @FuzzTest
  void retrieveAnswer(byte[] input) throws FormatException {
    List<LoggedEntry> entries;
    try {
      entries = RekorJson.readEntries(input);
    } catch (FormatException e) {
      Contract.refused(e);
      return;
    }
    assertEquals(entries, RekorJson.readEntries(RekorJson.writeEntries(entries)));
  }

  /** {@code GET /api/v1/log}. */
  @FuzzTest
  void logInfo(byte[] input) throws FormatException {
    TreeInfo info;
    try {
      info = RekorJson.readLogInfo(input);
    } catch (FormatException e) {
      Contract.refused(e);
      return;
    }
    assertEquals(info, RekorJson.readLogInfo(RekorJson.writeLogInfo(info)));
  }

  /** {@code GET /api/v1/log/proof}. */
  @FuzzTest
  void consistencyProof(byte[] input) throws FormatException {
    Map.Entry<Hash, List<Hash>> proof;
    try {
      proof = RekorJson.readConsistencyProof(input);
    } catch (FormatException e) {
      Contract.refused(e);
      return;
    }
    assertEquals(proof, RekorJson.readConsistencyProof(
        RekorJson.writeConsistencyProof(proof.getKey(), proof.getValue())));
  }

  /**
   * A search answer: an array of entry IDs, each read as {@code RekorClient.searchIndex} reads
   * it. An ID prints back in its canonical form (lower case) and reads back the same.
   */
  @FuzzTest
  void searchAnswer(byte[] input) throws FormatException {
    String[] ids;
    try {
      ids = RekorJson.read(input, String[].class);
    } catch (FormatException e) {
      Contract.refused(e);
      return;
    }
    for (String text : ids) {
      EntryId id;
      try {
        id = EntryId.parse(text);
      } catch (FormatException e) {
        Contract.refused(e);
        continue;
      }
      assertEquals(id, EntryId.parse(id.toString()));
      assertEquals(text.toLowerCase(java.util.Locale.ROOT), id.toString());
    }
  }

  /**
   * A {@code POST /api/v1/log/entries/retrieve} request, read as {@code RekorRoutes.retrieve}
   * reads it: the document, then every entry UUID, then every proposed entry, all of them within
   * one verification budget and each within the entry bundle's size limit.
   */
  @FuzzTest
  void retrieveRequest(byte[] input) {
    RekorJson.SearchLogQuery query;
    try {
      query = RekorJson.read(input, RekorJson.SearchLogQuery.class);
    } catch (FormatException e) {
      Contract.refused(e);
      return;
    }
    if (query.entryUUIDs() != null) {
      for (String uuid : query.entryUUIDs()) {
        try {
          EntryId.parse(uuid);
        } catch (FormatException e) {
          Contract.refused(e);
        }
      }
    }
    if (query.entries() != null) {
      VerificationBudget budget = VerificationBudget.perRequest();
      VerifierCache keys = new VerifierCache(0);
      for (JsonNode proposed : query.entries()) {
        try {
          EntryKinds.canonicalize(proposed, keys, budget, EntryBundle.MAX_ENTRY_SIZE);
        } catch (InvalidEntryException e) {
          Contract.refused(e);
        }
      }
    }
  }

  /**
   * A {@code POST /api/v1/index/retrieve} request, read as {@code SearchRoutes.query} reads it:
   * the document, then the hash, the public key (base64 of PEM), the email and the subject, each
   * made the index keys it is searched under (a key longer than any stored one finds nothing).
   */
  @FuzzTest
  void searchRequest(byte[] input) {
    RekorJson.SearchIndex query;
    try {
      query = RekorJson.read(input, RekorJson.SearchIndex.class);
    } catch (FormatException e) {
      Contract.refused(e);
      return;
    }
    if (query.hash() != null) {
      try {
        String key = IndexKeys.forHash(query.hash());
        assertEquals(key, IndexKeys.forHash(key));
      } catch (FormatException e) {
        Contract.refused(e);
      }
    }
    if (query.publicKey() != null && query.publicKey().content() != null) {
      try {
        KeyMaterial key = KeyMaterial.parse(Encodings.base64("publicKey.content", query.publicKey().content()));
        IndexKeys.forPublicKey(key);
      } catch (FormatException e) {
        Contract.refused(e);
      }
    }
    if (query.email() != null) {
      try {
        IndexKeys.forEmail(query.email());
      } catch (FormatException e) {
        Contract.refused(e);
      }
    }
    if (query.subject() != null) {
      try {
        IndexKeys.forSubject(query.subject());
      } catch (FormatException e) {
        Contract.refused(e);
      }
    }
  }
}
