package dev.stele.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stele.client.protocol.CanonicalEntry;
import dev.stele.client.protocol.DsseBody;
import dev.stele.client.protocol.EntryBody;
import dev.stele.client.protocol.EntryKinds;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.HashedRekordBody;
import dev.stele.client.protocol.IndexKeys;
import dev.stele.client.crypto.VerifierCache;
import dev.stele.client.protocol.InvalidEntryException;
import dev.stele.client.protocol.VerificationBudget;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.tiles.EntryBundle;

/**
 * Log entries: what anyone may POST to {@code /api/v1/log/entries}, and the canonical bodies a
 * verifier reads back from any Rekor v1 log.
 */
class ProposedEntryFuzzTest {
  /**
   * A proposed entry through the server's entry point ({@code Admission.canonicalize} hands the
   * body to {@link EntryKinds#canonicalize(byte[], VerifierCache, VerificationBudget, int)} on its
   * verify pool, with a budget of its own and the entry bundle's size limit): hashedrekord 0.0.1
   * and dsse 0.0.1 are validated, intoto, everything else and whatever goes past the bounds
   * refused with {@link InvalidEntryException}. An accepted entry's canonical body reads back to
   * content that writes the same bytes, and fits an entry bundle.
   */
  @FuzzTest
  void proposedEntry(byte[] input) throws FormatException {
    CanonicalEntry entry;
    try {
      entry = EntryKinds.canonicalize(input, new VerifierCache(0), VerificationBudget.perRequest(),
          EntryBundle.MAX_ENTRY_SIZE);
    } catch (InvalidEntryException e) {
      Contract.refused(e);
      return;
    }
    checkAccepted(entry);
  }

  /**
   * What every accepted entry must be: a body that fits an entry bundle, filed under a bounded
   * number of keys, with the leaf hash of its bytes, that reads back (as a verifier reads it) to
   * what was validated and re-encodes to the same bytes.
   */
  private static void checkAccepted(CanonicalEntry entry) throws FormatException {
    if (entry.body().length > EntryBundle.MAX_ENTRY_SIZE) {
      throw new AssertionError("an accepted body of " + entry.body().length + " bytes is past the limit of "
          + EntryBundle.MAX_ENTRY_SIZE);
    }
    if (entry.indexKeys().size() > IndexKeys.MAX_PER_ENTRY) {
      throw new AssertionError("an accepted entry is filed under " + entry.indexKeys().size() + " keys");
    }
    assertEquals(Rfc6962.hashLeaf(entry.body()), entry.leafHash());
    EntryBody stored = EntryKinds.parseBody(entry.body());
    assertEquals(entry.content(), stored);
    Contract.sameBytes(entry.body(), EntryKinds.canonicalBody(stored), "canonical body of the stored content");
  }

  /**
   * A Rekor v2 create-entry request ({@code POST /api/v2/log/entries}) through the server's entry
   * point ({@code Admission.canonicalizeV2} hands it to {@link EntryKinds#canonicalizeV2(byte[],
   * VerifierCache, VerificationBudget, int)} with a budget of its own and the entry bundle's size
   * limit): hashedRekordRequestV002 and dsseRequestV002 validated, everything else refused with
   * {@link InvalidEntryException}. An accepted entry's body reads back to what was validated,
   * re-encodes to the same bytes, fits an entry bundle and is filed under a bounded number of keys.
   */
  @FuzzTest
  void proposedEntryV2(byte[] input) throws FormatException {
    CanonicalEntry entry;
    try {
      entry = EntryKinds.canonicalizeV2(input, new VerifierCache(0), VerificationBudget.perRequest(),
          EntryBundle.MAX_ENTRY_SIZE);
    } catch (InvalidEntryException e) {
      Contract.refused(e);
      return;
    }
    checkAccepted(entry);
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
