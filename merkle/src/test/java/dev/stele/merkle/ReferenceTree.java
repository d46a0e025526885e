package dev.stele.merkle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * RFC 6962 section 2.1 written out as the recursive definitions, over leaf hashes ({@code MTH({d})}
 * is the leaf hash). Slow and obviously right; used only to cross-check the real code.
 *
 * <p>Ranges are {@code [lo, hi)} of leaf positions. With {@code memo}, subtree hashes are cached,
 * which keeps exhaustive checks of small trees fast without changing the definitions.
 */
public final class ReferenceTree {
  private final List<Hash> leaves;
  private final Map<Long, Hash> memo;

  public ReferenceTree(List<Hash> leaves, boolean memo) {
    this.leaves = leaves;
    this.memo = memo ? new HashMap<>() : null;
  }

  /** MTH(D[0:n]). */
  public Hash root(int n) {
    return mth(0, n);
  }

  /** MTH(D[lo:hi]). */
  public Hash mth(int lo, int hi) {
    if (hi == lo) {
      return Rfc6962.EMPTY_ROOT;
    }
    if (hi - lo == 1) {
      return leaves.get(lo);
    }
    Long key = memo == null ? null : (long) lo << 32 | hi;
    if (key != null) {
      Hash h = memo.get(key);
      if (h != null) {
        return h;
      }
    }
    int k = largestPowerOfTwoBelow(hi - lo);
    Hash h = Rfc6962.hashChildren(mth(lo, lo + k), mth(lo + k, hi));
    if (key != null) {
      memo.put(key, h);
    }
    return h;
  }

  /** PATH(m, D[0:n]). */
  public List<Hash> path(int m, int n) {
    List<Hash> out = new ArrayList<>();
    path(m, 0, n, out);
    return out;
  }

  /** PATH(m, D[lo:hi]) with m relative to lo. */
  public List<Hash> path(int m, int lo, int hi) {
    List<Hash> out = new ArrayList<>();
    path(m, lo, hi, out);
    return out;
  }

  private void path(int m, int lo, int hi, List<Hash> out) {
    int n = hi - lo;
    if (n == 1) {
      return;
    }
    int k = largestPowerOfTwoBelow(n);
    if (m < k) {
      path(m, lo, lo + k, out);
      out.add(mth(lo + k, hi));
    } else {
      path(m - k, lo + k, hi, out);
      out.add(mth(lo, lo + k));
    }
  }

  /** PROOF(m, D[0:n]) = SUBPROOF(m, D[n], true). */
  public List<Hash> proof(int m, int n) {
    List<Hash> out = new ArrayList<>();
    subproof(m, 0, n, true, out);
    return out;
  }

  private void subproof(int m, int lo, int hi, boolean b, List<Hash> out) {
    int n = hi - lo;
    if (m == n) {
      if (!b) {
        out.add(mth(lo, hi));
      }
      return;
    }
    int k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      subproof(m, lo, lo + k, b, out);
      out.add(mth(lo + k, hi));
    } else {
      subproof(m - k, lo + k, hi, false, out);
      out.add(mth(lo, lo + k));
    }
  }

  /**
   * The subtree consistency proof of draft-ietf-plants-merkle-tree-certs for the subtree {@code
   * [start, end)} of D[0:n]: the same recursion as SUBPROOF, except that the subtree may sit
   * anywhere; it reduces to PROOF(end, D[n]) when start is 0.
   */
  public List<Hash> subtreeProof(int start, int end, int n) {
    List<Hash> out = new ArrayList<>();
    subtreeProof(start, end, 0, n, true, out);
    return out;
  }

  private void subtreeProof(int start, int end, int lo, int hi, boolean b, List<Hash> out) {
    int n = hi - lo;
    if (start >= end) {
      return;
    }
    if (start == 0 && end == n) {
      if (!b) {
        out.add(mth(lo, hi));
      }
      return;
    }
    int k = largestPowerOfTwoBelow(n);
    if (end <= k) {
      subtreeProof(start, end, lo, lo + k, b, out);
      out.add(mth(lo + k, hi));
    } else if (start >= k) {
      subtreeProof(start - k, end - k, lo + k, hi, b, out);
      out.add(mth(lo, lo + k));
    } else {
      // A valid subtree straddling the split must start at 0.
      subtreeProof(0, end - k, lo + k, hi, false, out);
      out.add(mth(lo, lo + k));
    }
  }

  /** The largest power of two strictly below n, for n >= 2. */
  static int largestPowerOfTwoBelow(int n) {
    return Integer.highestOneBit(n - 1);
  }
}
