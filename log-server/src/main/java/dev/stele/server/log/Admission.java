package dev.stele.server.log;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.crypto.VerifierCache;
import dev.stele.client.protocol.CanonicalEntry;
import dev.stele.client.protocol.EntryKinds;
import dev.stele.client.protocol.InvalidEntryException;
import dev.stele.client.protocol.VerificationBudget;
import dev.stele.merkle.tiles.EntryBundle;

/**
 * What this log accepts: a proposed entry that the client library turns into a canonical entry
 * (kind and version known, algorithms allowed, signature verified; see {@link EntryKinds}) whose
 * canonical body fits an entry bundle, checked within a {@link VerificationBudget}: the size
 * before any signature, every signature check counted. Blocking and CPU-heavy (signature
 * checks): runs on the verify pool.
 */
public final class Admission {
  private Admission() {}

  /**
   * The canonical entry for a proposal as sent ({@code POST /api/v1/log/entries}), verified
   * within a budget of its own.
   *
   * @throws InvalidRequestException saying why the proposal is refused
   */
  public static CanonicalEntry canonicalize(byte[] proposal, VerifierCache keys) throws InvalidRequestException {
    assert Blocking.offEventLoop("entry validation and signature checks");
    try {
      return EntryKinds.canonicalize(proposal, keys, VerificationBudget.perRequest(), EntryBundle.MAX_ENTRY_SIZE);
    } catch (InvalidEntryException e) {
      throw new InvalidRequestException(entryError(e.getMessage()));
    }
  }

  /**
   * As {@link #canonicalize(byte[], VerifierCache)}, without checking a hashedrekord entry's
   * signature ({@link EntryKinds#canonicalizeTrusted}): for {@code stele-server import
   * --trust-input} only, on a file the operator vouches for.
   *
   * @throws InvalidRequestException saying why the proposal is refused
   */
  public static CanonicalEntry canonicalizeTrusted(byte[] proposal, VerifierCache keys) throws InvalidRequestException {
    assert Blocking.offEventLoop("entry validation");
    try {
      return EntryKinds.canonicalizeTrusted(proposal, keys, VerificationBudget.perRequest(), EntryBundle.MAX_ENTRY_SIZE);
    } catch (InvalidEntryException e) {
      throw new InvalidRequestException(entryError(e.getMessage()));
    }
  }

  /**
   * The canonical entry for a proposal inside another document (the {@code entries} of a
   * retrieve request), verified within {@code budget}, which the request's other entries share.
   *
   * @throws InvalidRequestException saying why the proposal is refused
   */
  public static CanonicalEntry canonicalize(JsonNode proposal, VerifierCache keys, VerificationBudget budget)
      throws InvalidRequestException {
    assert Blocking.offEventLoop("entry validation and signature checks");
    try {
      return EntryKinds.canonicalize(proposal, keys, budget, EntryBundle.MAX_ENTRY_SIZE);
    } catch (InvalidEntryException e) {
      throw new InvalidRequestException(entryError(e.getMessage()));
    }
  }

  /**
   * The canonical entry ({@code hashedrekord} or {@code dsse} 0.0.2) for a Rekor v2 request as
   * sent ({@code POST /api/v2/log/entries}), verified within a budget of its own.
   *
   * @throws InvalidRequestException saying why the request is refused
   */
  public static CanonicalEntry canonicalizeV2(byte[] request, VerifierCache keys) throws InvalidRequestException {
    assert Blocking.offEventLoop("entry validation and signature checks");
    try {
      return EntryKinds.canonicalizeV2(request, keys, VerificationBudget.perRequest(), EntryBundle.MAX_ENTRY_SIZE);
    } catch (InvalidEntryException e) {
      throw new InvalidRequestException(entryError(e.getMessage()));
    }
  }

  /** Rekor v1 clients expect this prefix on a refused entry. */
  private static String entryError(String reason) {
    return reason.startsWith("error processing entry") ? reason : "error processing entry: " + reason;
  }
}
