package dev.stele.client.crypto;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;

/**
 * The message digests that signatures in a Rekor v1 log are made over. Digests are computed with
 * the JDK's {@link MessageDigest}, one instance per thread.
 */
public enum HashAlgorithm {
  SHA256("sha256", "SHA-256", 32, NISTObjectIdentifiers.id_sha256),
  SHA384("sha384", "SHA-384", 48, NISTObjectIdentifiers.id_sha384),
  SHA512("sha512", "SHA-512", 64, NISTObjectIdentifiers.id_sha512);

  private final String rekorName;
  private final String jcaName;
  private final int digestLength;
  private final AlgorithmIdentifier digestInfoAlgorithm;
  private final ThreadLocal<MessageDigest> digests;

  HashAlgorithm(String rekorName, String jcaName, int digestLength, ASN1ObjectIdentifier oid) {
    this.rekorName = rekorName;
    this.jcaName = jcaName;
    this.digestLength = digestLength;
    // RFC 8017 section 9.2, note 1: the parameters are an explicit NULL.
    this.digestInfoAlgorithm = new AlgorithmIdentifier(oid, DERNull.INSTANCE);
    this.digests = ThreadLocal.withInitial(this::newDigest);
  }

  /** The lower-case name used in Rekor entries: {@code sha256}, {@code sha384}, {@code sha512}. */
  public String rekorName() {
    return rekorName;
  }

  /** The digest length in bytes. */
  public int digestLength() {
    return digestLength;
  }

  /** The digest length in hexadecimal digits. */
  public int hexLength() {
    return 2 * digestLength;
  }

  /** Returns the algorithm for a Rekor name (exact, lower case), if it is one of ours. */
  public static Optional<HashAlgorithm> fromRekorName(String name) {
    for (HashAlgorithm a : values()) {
      if (a.rekorName.equals(name)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** Digests {@code data}. Thread-safe. */
  public byte[] digest(byte[] data) {
    return digests.get().digest(data);
  }

  /** A fresh {@link MessageDigest} for streaming use. */
  public MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance(jcaName);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must support " + jcaName, e);
    }
  }

  /** DER {@code DigestInfo} of {@code digest}, for RSA PKCS#1 v1.5 signatures (RFC 8017 9.2). */
  byte[] digestInfo(byte[] digest) {
    try {
      return new DigestInfo(digestInfoAlgorithm, digest).getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding in memory cannot fail", e);
    }
  }

  @Override
  public String toString() {
    return rekorName;
  }
}
