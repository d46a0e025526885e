package dev.stele.client.protocol;

import dev.stele.client.crypto.KeyType;

/**
 * The signature checks one request may cost, counted in {@link KeyType#verifyCost()} units
 * (about 0.1 ms each): every check of an entry's signature and of each link of a certificate
 * chain is charged before it runs, and a check that would go past the limit is not run; the
 * entry is refused instead. Checks that fail on the signature's form alone (its length, its
 * encoding) cost nothing and are not charged.
 *
 * <p>Why: a proposed entry chooses how many signatures, keys and certificates it carries, and a
 * log verifies what it is sent. Without a bound, a 40 KB DSSE proposal with 150 verifiers and 150
 * signatures costs seconds of CPU. {@value #PER_REQUEST} units is about 6 ms: one signature
 * with a chain of {@value KeyMaterial#MAX_CERTIFICATES} certificates fits for every key type
 * but P-521 (P-521 throughout: two certificates); so do eight signatures by P-256 keys, two by
 * P-521 keys. With what parsing the request costs besides, no request costs more than about 30
 * honest appends (bench/hostile-bench.sh).
 *
 * <p>One budget covers one request: the server gives each proposed entry it admits a fresh one,
 * and a retrieve request one for all the entries it names. Not thread-safe: it belongs to the
 * thread handling the request.
 */
public final class VerificationBudget {
  /** The units one request may spend on signature checks. */
  public static final int PER_REQUEST = 64;

  private final int limit;
  private int spent;

  /**
   * A budget of {@code limit} units.
   *
   * @throws IllegalArgumentException if {@code limit} is negative
   */
  public VerificationBudget(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("a verification budget cannot be negative, got " + limit);
    }
    this.limit = limit;
  }

  /** A budget of {@value #PER_REQUEST} units. */
  public static VerificationBudget perRequest() {
    return new VerificationBudget(PER_REQUEST);
  }

  /** The units spent so far. */
  public int spent() {
    return spent;
  }

  /** The units given at construction. */
  public int limit() {
    return limit;
  }

  /**
   * Spends the cost of one check with a key of {@code type}, before the check runs.
   *
   * @param what names the check in the message, e.g. {@code "envelope signature 2 of 3"}
   * @throws FormatException if the check would go past the limit; nothing is spent then
   */
  void charge(KeyType type, String what) throws FormatException {
    charge(type, what, 1);
  }

  /** As {@link #charge(KeyType, String)}, for a check that costs {@code times} as much. */
  void charge(KeyType type, String what, int times) throws FormatException {
    int cost = type.verifyCost() * times;
    require(cost, what + " (" + type + ")");
    spent += cost;
  }

  /**
   * Checks, without spending, that {@code cost} more units fit: the work an entry needs at the
   * least, known before any signature is checked.
   *
   * @throws FormatException if they do not
   */
  void require(int cost, String what) throws FormatException {
    if (cost > limit - spent) {
      throw new FormatException("checking " + what + " would cost " + cost + " units of signature"
          + " verification, and this log allows " + limit + " per request (" + spent
          + " already spent; one unit is about 0.1 ms: Ed25519 costs 1, P-256 8, P-521 22)");
    }
  }

  @Override
  public String toString() {
    return "VerificationBudget[" + spent + " of " + limit + " units spent]";
  }
}
