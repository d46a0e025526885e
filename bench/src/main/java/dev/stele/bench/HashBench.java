package dev.stele.bench;

import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The hashing floor: raw {@link MessageDigest} SHA-256 (the yardstick for integration, which needs
 * about one 65-byte node hash per leaf), RFC 6962 leaf hashing, and one node hash.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HashBench {
  @Param({"64", "1024"})
  public int size;

  private MessageDigest md;
  private byte[] data;
  private Hash left;
  private Hash right;

  @Setup
  public void setup() {
    md = Rfc6962.newSha256();
    data = new byte[size];
    new Random(1).nextBytes(data);
    left = Rfc6962.hashLeaf(new byte[] {1});
    right = Rfc6962.hashLeaf(new byte[] {2});
  }

  /** {@code MessageDigest.digest} of {@code size} bytes, digest object reused. */
  @Benchmark
  public byte[] rawSha256() {
    return md.digest(data);
  }

  /** {@code SHA-256(0x00 || entry)} for an entry of {@code size} bytes, as a {@link Hash}. */
  @Benchmark
  public Hash leafHash() {
    return Rfc6962.hashLeaf(data);
  }

  /** {@code SHA-256(0x01 || left || right)} as a {@link Hash} (the size parameter is unused). */
  @Benchmark
  public Hash nodeHash() {
    return Rfc6962.hashChildren(left, right);
  }
}
