package dev.stele.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stele.client.protocol.CanonicalEntry;
import dev.stele.client.protocol.DsseBody;
import dev.stele.client.protocol.EntryBody;
import dev.stele.client.protocol.EntryKinds;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.HashedRekordBody;
import dev.stele.client.protocol.InvalidEntryException;
import dev.stele.merkle.Rfc6962;

/**
 * Log entries: what anyone may POST to {@code /api/v1/log/entries}, and the canonical bodies a
 * verifier reads back from any Rekor v1 log.
 */
class ProposedEntryFuzzTest {
  /**
   * A proposed entry through the server's entry point ({@code RekorRoutes.create} hands the body
   * to {@link EntryKinds#canonicalize(byte[])} on its verify pool): hashedrekord 0.0.1 and dsse
   * 0.0.1 are validated, intoto and everything else refused with {@link InvalidEntryException}.
   * An accepted entry's canonical body reads back to content that writes the same bytes.
   */
  @FuzzTest
  void proposedEntry(byte[] input) throws FormatException {
    CanonicalEntry entry;
    try {
      entry = EntryKinds.canonicalize(input);
    } catch (InvalidEntryException e) {
      Contract.refused(e);
      return;
    }
    assertEquals(Rfc6962.hashLeaf(entry.body()), entry.leafHash());
    // What the log stores must read back, as a verifier reads it, to what was validated.
    EntryBody stored = EntryKinds.parseBody(entry.body());
    assertEquals(entry.content(), stored);
    Contract.sameBytes(entry.body(), EntryKinds.canonicalBody(stored), "canonical body of the stored content");
  }

  /**
   * A stored canonical body, as entries and bundles from any Rekor v1 log carry it. A body of
   * the two kinds this log writes reads back the same after being written canonically.
   */
  @FuzzTest
  void storedBody(byte[] input) {
    EntryBody body;
    try {
      body = EntryKinds.parseBody(input);
    } catch (FormatException e) {
      Contract.refused(e);
      return;
    }
    if (body instanceof HashedRekordBody || body instanceof DsseBody) {
      byte[] canonical = EntryKinds.canonicalBody(body);
      try {
        assertEquals(body, EntryKinds.parseBody(canonical));
      } catch (FormatException e) {
        throw new AssertionError("the canonical form of a body that parsed does not parse: " + e.getMessage(), e);
      }
    }
  }
}
