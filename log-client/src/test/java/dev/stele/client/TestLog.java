package dev.stele.client;

import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.crypto.Signer;
import dev.stele.client.crypto.Signers;
import dev.stele.client.protocol.CanonicalEntry;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.EntryId;
import dev.stele.client.protocol.EntryKinds;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.Inclusion;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.NoteKeys;
import dev.stele.client.protocol.Pem;
import dev.stele.client.protocol.SetPayload;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.trust.TrustRoot;
import dev.stele.merkle.Hash;
import dev.stele.merkle.proof.ConsistencyProof;
import dev.stele.merkle.proof.InclusionProof;
import dev.stele.merkle.tiles.HashTile;
import dev.stele.merkle.tiles.TileId;
import dev.stele.merkle.tiles.TileProofBuilder;
import dev.stele.merkle.tiles.TileReader;
import dev.stele.merkle.tiles.TreeIntegrator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real, in-memory Rekor v1 log for tests: an ECDSA P-256 log key, a tree kept as tlog-tiles
 * (merkle's integrator and proof builder), SETs and signed checkpoints made with the protocol
 * package. Entries are real hashedrekord bodies canonicalized by {@code EntryKinds}.
 *
 * <p>It signs anything asked of it: tests tamper with what it returns to make failures.
 */
public final class TestLog {
  private final URI baseUrl;
  private final String host;
  private final long treeId;
  private final Signer signer;
  private final KeyPair keyPair;
  private final Map<Long, HashTile> tiles = new HashMap<>(); // key: level << 56 | index
  private final List<byte[]> bodies = new ArrayList<>();
  private final List<Long> times = new ArrayList<>();
  private long size;
  private volatile List<TestWitnesses.Witness> cosigners = List.of();

  public TestLog(String baseUrl) {
    this(URI.create(baseUrl), p256(), 1234567890123L);
  }

  public TestLog(URI baseUrl, KeyPair key, long treeId) {
    this.baseUrl = baseUrl;
    this.host = baseUrl.getHost();
    this.treeId = treeId;
    this.keyPair = key;
    try {
      this.signer = Signers.forKeyPair(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static KeyPair p256() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public URI baseUrl() {
    return baseUrl;
  }

  /** The log's key pair (tests make forks and impostors with it). */
  public KeyPair keyPair() {
    return keyPair;
  }

  public PublicKey publicKey() {
    return signer.publicKey();
  }

  public Hash logId() {
    return dev.stele.client.crypto.PublicKeys.logId(signer.publicKey());
  }

  public long treeId() {
    return treeId;
  }

  public TrustRoot trustRoot() {
    try {
      return TrustRoot.forLogKey(baseUrl, signer.publicKey());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public String publicKeyPem() {
    return Pem.encode("PUBLIC KEY", signer.publicKey().getEncoded());
  }

  public synchronized long size() {
    return size;
  }

  /** Appends a canonical body; returns its index. */
  public synchronized long append(byte[] body, long integratedTime) {
    try {
      TreeIntegrator.Integration r = TreeIntegrator.integrate(reader(), size,
          List.of(dev.stele.merkle.Rfc6962.hashLeaf(body)));
      for (Map.Entry<TileId, HashTile> e : r.changedTiles().entrySet()) {
        tiles.put(key(e.getKey()), e.getValue());
      }
      bodies.add(body.clone());
      times.add(integratedTime);
      return size++;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Appends and returns the entry with SET, proof and checkpoint at the new size. */
  public synchronized LoggedEntry add(byte[] body, long integratedTime) {
    return entry(append(body, integratedTime), size);
  }

  /** The index of a body, or -1. */
  public synchronized long indexOf(Hash leafHash) {
    for (int i = 0; i < bodies.size(); i++) {
      if (dev.stele.merkle.Rfc6962.hashLeaf(bodies.get(i)).equals(leafHash)) {
        return i;
      }
    }
    return -1;
  }

  /** Entry {@code index} with a fresh SET and a proof and checkpoint at {@code treeSize}. */
  public synchronized LoggedEntry entry(long index, long treeSize) {
    byte[] body = bodies.get((int) index);
    long time = times.get((int) index);
    try {
      InclusionProof proof = TileProofBuilder.inclusion(reader(), index, treeSize);
      Hash root = TileProofBuilder.root(reader(), treeSize);
      byte[] set = signer.sign(SetPayload.bytes(body, time, logId(), index));
      return new LoggedEntry(EntryId.of(treeId, dev.stele.merkle.Rfc6962.hashLeaf(body)), body, time, logId(),
          index, Optional.of(set), Optional.of(new Inclusion(proof, root, SignedNote.parse(checkpoint(treeSize)))),
          Optional.empty());
    } catch (IOException | GeneralSecurityException | FormatException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The checkpoint text (unsigned) at {@code treeSize}. */
  public synchronized Checkpoint checkpointAt(long treeSize) {
    try {
      Hash root = treeSize == 0 ? dev.stele.merkle.Rfc6962.EMPTY_ROOT : TileProofBuilder.root(reader(), treeSize);
      return new Checkpoint(Checkpoint.rekorOrigin(host, treeId), treeSize, root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The signed checkpoint note at {@code treeSize}. */
  public synchronized String checkpoint(long treeSize) {
    return sign(checkpointAt(treeSize));
  }

  /** Signs a checkpoint text with the log key, and has the witnesses set by {@link #cosigners} cosign it. */
  public String sign(Checkpoint checkpoint) {
    try {
      String note = SignedNote.sign(checkpoint.text(), List.of(NoteKeys.rekorSigner(host, signer))).format();
      List<TestWitnesses.Witness> w = cosigners;
      return w.isEmpty() ? note : TestWitnesses.cosign(note, w);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** From now on, every checkpoint this log signs carries these witnesses' cosignatures. */
  public void cosigners(List<TestWitnesses.Witness> witnesses) {
    cosigners = List.copyOf(witnesses);
  }

  /** Signs anything with the log key (e.g. a tampered SET payload). */
  public byte[] signRaw(byte[] data) {
    try {
      return signer.sign(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public synchronized ConsistencyProof consistency(long size1, long size2) {
    try {
      return TileProofBuilder.consistency(reader(), size1, size2);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The encoded hash tile {@code id} at its width, or null if the tree does not have it yet. */
  public synchronized byte[] tile(TileId id) {
    HashTile t = tiles.get(key(id));
    return t == null || t.width() < id.width() ? null : t.prefix(id.width()).encode();
  }

  private TileReader reader() {
    return ids -> {
      List<HashTile> out = new ArrayList<>(ids.size());
      for (TileId id : ids) {
        HashTile t = tiles.get(key(id));
        if (t == null || t.width() < id.width()) {
          throw new IOException("no tile " + id.path());
        }
        out.add(t);
      }
      return out;
    };
  }

  private static long key(TileId id) {
    return (long) id.level() << 56 | id.index();
  }

  // ---- changing entries (tests tamper with them) ----

  public static LoggedEntry withInclusion(LoggedEntry e, Optional<Inclusion> inclusion) {
    return new LoggedEntry(e.id(), e.body(), e.integratedTime(), e.logId(), e.logIndex(),
        e.signedEntryTimestamp(), inclusion, e.attestation());
  }

  public static LoggedEntry withInclusion(LoggedEntry e, Inclusion inclusion) {
    return withInclusion(e, Optional.of(inclusion));
  }

  public static LoggedEntry withSet(LoggedEntry e, Optional<byte[]> set) {
    return new LoggedEntry(e.id(), e.body(), e.integratedTime(), e.logId(), e.logIndex(), set,
        e.inclusion(), e.attestation());
  }

  public static LoggedEntry withTime(LoggedEntry e, long integratedTime) {
    return new LoggedEntry(e.id(), e.body(), integratedTime, e.logId(), e.logIndex(),
        e.signedEntryTimestamp(), e.inclusion(), e.attestation());
  }

  /** The checkpoint in a signed note; a malformed one is a test bug. */
  public static Checkpoint checkpointOf(SignedNote note) {
    try {
      return Checkpoint.parse(note.text());
    } catch (FormatException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Parses a signed note the test made; a malformed one is a test bug. */
  public static SignedNote note(String text) {
    try {
      return SignedNote.parse(text);
    } catch (FormatException e) {
      throw new IllegalArgumentException(e);
    }
  }

  // ---- artifacts and entries ----

  /** A canonical hashedrekord body: {@code signer} signs {@code artifact}. */
  public static CanonicalEntry hashedRekord(Signer signer, byte[] artifact) {
    return hashedRekord(signer, artifact, Pem.encode("PUBLIC KEY", signer.publicKey().getEncoded()));
  }

  /** A canonical hashedrekord body naming {@code pem} (a key or certificate) as the signer. */
  public static CanonicalEntry hashedRekord(Signer signer, byte[] artifact, String pem) {
    try {
      byte[] sig = signer.sign(artifact);
      return EntryKinds.canonicalize(dev.stele.client.rekor.ProposedEntries.hashedRekord(
          HashAlgorithm.SHA256, HashAlgorithm.SHA256.digest(artifact), sig, pem));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
