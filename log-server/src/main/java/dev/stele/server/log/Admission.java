package dev.stele.server.log;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.crypto.VerifierCache;
import dev.stele.client.protocol.CanonicalEntry;
import dev.stele.client.protocol.EntryKinds;
import dev.stele.client.protocol.InvalidEntryException;
import dev.stele.merkle.tiles.EntryBundle;

/**
 * What this log accepts: a proposed entry that the client library turns into a canonical entry
 * (kind and version known, algorithms allowed, signature verified; see {@link EntryKinds}) and
 * whose canonical body fits an entry bundle. Blocking and CPU-heavy (signature checks): runs on the
 * verify pool.
 */
public final class Admission {
  private Admission() {}

  /**
   * The canonical entry for a proposal as sent ({@code POST /api/v1/log/entries}).
   *
   * @throws InvalidRequestException saying why the proposal is refused
   */
  public static CanonicalEntry canonicalize(byte[] proposal, VerifierCache keys) throws InvalidRequestException {
    return checked(() -> EntryKinds.canonicalize(proposal, keys));
  }

  /**
   * The canonical entry for a proposal inside another document (the {@code entries} of a
   * retrieve request).
   *
   * @throws InvalidRequestException saying why the proposal is refused
   */
  public static CanonicalEntry canonicalize(JsonNode proposal, VerifierCache keys) throws InvalidRequestException {
    return checked(() -> EntryKinds.canonicalize(proposal, keys));
  }

  private interface Canonicalization {
    CanonicalEntry run() throws InvalidEntryException;
  }

  /** Runs a canonicalization and applies the log's own limits to its result. */
  private static CanonicalEntry checked(Canonicalization c) throws InvalidRequestException {
    assert Blocking.offEventLoop("entry validation and signature checks");
    CanonicalEntry entry;
    try {
      entry = c.run();
    } catch (InvalidEntryException e) {
      throw new InvalidRequestException(entryError(e.getMessage()));
    }
    int size = entry.body().length;
    if (size > EntryBundle.MAX_ENTRY_SIZE) {
      throw new InvalidRequestException(entryError("the canonical entry is " + size
          + " bytes; this log stores entries of at most " + EntryBundle.MAX_ENTRY_SIZE + " bytes"));
    }
    return entry;
  }

  /** Rekor v1 clients expect this prefix on a refused entry. */
  private static String entryError(String reason) {
    return reason.startsWith("error processing entry") ? reason : "error processing entry: " + reason;
  }
}
