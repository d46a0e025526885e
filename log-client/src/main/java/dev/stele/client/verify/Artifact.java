package dev.stele.client.verify;

import dev.stele.client.protocol.Encodings;
import dev.stele.client.crypto.HashAlgorithm;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * What the verifier expects a log entry to be about.
 *
 * <ul>
 *   <li>{@link Digest}: an artifact known by its digest; a {@code hashedrekord} entry must name
 *       exactly this digest, and its signature must verify over it.
 *   <li>{@link Dsse}: a DSSE envelope; a {@code dsse} (or legacy {@code intoto}) entry must name its
 *       payload hash and signature, the signature must verify over the envelope, and, if a
 *       subject digest is given, the in-toto statement must list it among its subjects.
 * </ul>
 */
public sealed interface Artifact permits Artifact.Digest, Artifact.Dsse {

  /** An artifact digest. Immutable. */
  final class Digest implements Artifact {
    private final HashAlgorithm algorithm;
    private final byte[] digest;

    private Digest(HashAlgorithm algorithm, byte[] digest) {
      this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
      if (digest.length != algorithm.digestLength()) {
        throw new IllegalArgumentException("a " + algorithm + " digest is " + algorithm.digestLength()
            + " bytes, got " + digest.length);
      }
      this.digest = digest.clone();
    }

    public HashAlgorithm algorithm() {
      return algorithm;
    }

    /** A copy of the digest bytes. */
    public byte[] digest() {
      return digest.clone();
    }

    /** Constant-time comparison with another digest of the same algorithm. */
    public boolean matches(HashAlgorithm otherAlgorithm, byte[] otherDigest) {
      return algorithm == otherAlgorithm && MessageDigest.isEqual(digest, otherDigest);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Digest && ((Digest) o).matches(algorithm, digest);
    }

    @Override
    public int hashCode() {
      return algorithm.hashCode() * 31 + Arrays.hashCode(digest);
    }

    /** {@code "<algorithm>:<hex>"}. */
    @Override
    public String toString() {
      return algorithm.rekorName() + ":" + Encodings.hex(digest);
    }
  }

  /**
   * A DSSE envelope, and optionally the digest of the artifact its in-toto statement is about.
   *
   * @param envelope the envelope
   * @param subject a digest the statement must list among its subjects, if given
   */
  record Dsse(DsseEnvelope envelope, Optional<Digest> subject) implements Artifact {
    public Dsse {
      Objects.requireNonNull(envelope, "envelope");
      Objects.requireNonNull(subject, "subject");
    }
  }

  /** An artifact known by its digest. */
  static Digest digest(HashAlgorithm algorithm, byte[] digest) {
    return new Digest(algorithm, digest);
  }

  /** The SHA-256 digest of {@code content}. */
  static Digest sha256Of(byte[] content) {
    return new Digest(HashAlgorithm.SHA256, HashAlgorithm.SHA256.digest(content));
  }

  /** A DSSE envelope, about whatever its statement names. */
  static Dsse dsse(DsseEnvelope envelope) {
    return new Dsse(envelope, Optional.empty());
  }

  /** A DSSE envelope whose in-toto statement must list {@code subject}. */
  static Dsse dsse(DsseEnvelope envelope, Digest subject) {
    return new Dsse(envelope, Optional.of(subject));
  }
}
