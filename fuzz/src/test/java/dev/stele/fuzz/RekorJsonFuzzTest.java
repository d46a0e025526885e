package dev.stele.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.protocol.EntryId;
import dev.stele.client.protocol.EntryKinds;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.IndexKeys;
import dev.stele.client.protocol.InvalidEntryException;
import dev.stele.client.protocol.KeyMaterial;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.RekorJson;
import dev.stele.client.protocol.TreeInfo;
import dev.stele.merkle.Hash;
import java.util.Base64;
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
   * reads it: the document, then every entry UUID, then every proposed entry.
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
      for (JsonNode proposed : query.entries()) {
        try {
          EntryKinds.canonicalize(proposed);
        } catch (InvalidEntryException e) {
          Contract.refused(e);
        }
      }
    }
  }

  /**
   * A {@code POST /api/v1/index/retrieve} request, read as {@code RekorRoutes.searchIndex} reads
   * it: the document, the hash, and the public key (base64 of PEM).
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
      byte[] pem;
      try {
        // As the server decodes it: java.util.Base64, whose IllegalArgumentException it turns into a 400.
        pem = Base64.getDecoder().decode(query.publicKey().content());
      } catch (IllegalArgumentException e) {
        return;
      }
      try {
        KeyMaterial.parse(pem);
      } catch (FormatException e) {
        Contract.refused(e);
      }
    }
  }
}
