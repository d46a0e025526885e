package dev.stele.bench;

import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

final class Leaves {
  private Leaves() {}

  /** Leaf hashes of the 8-byte big-endian numbers 0 .. n-1. */
  static List<Hash> of(int n) {
    List<Hash> out = new ArrayList<>(n);
    ByteBuffer b = ByteBuffer.allocate(8);
    for (int i = 0; i < n; i++) {
      b.clear();
      out.add(Rfc6962.hashLeaf(b.putLong(i).array()));
    }
    return out;
  }
}
