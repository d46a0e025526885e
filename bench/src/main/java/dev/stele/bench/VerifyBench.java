package dev.stele.bench;

import dev.stele.client.bundle.Bundle;
import dev.stele.client.bundle.BundleVerifier;
import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.Signer;
import dev.stele.client.crypto.Signers;
import dev.stele.client.keys.KeyFiles;
import dev.stele.client.protocol.CanonicalEntry;
import dev.stele.client.protocol.Checkpoint;
import dev.stele.client.protocol.EntryId;
import dev.stele.client.protocol.EntryKinds;
import dev.stele.client.protocol.Inclusion;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.NoteKeys;
import dev.stele.client.protocol.Pem;
import dev.stele.client.protocol.SetPayload;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.rekor.ProposedEntries;
import dev.stele.client.trust.TrustRoot;
import dev.stele.client.verify.Artifact;
import dev.stele.client.verify.VerifiedEntry;
import dev.stele.merkle.Hash;
import dev.stele.merkle.tiles.TileProofBuilder;
import dev.stele.merkle.tiles.TreeIntegrator;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Offline verification of one Sigstore bundle (issue 5's target: under 1 ms in a warm JVM): a
 * public-key hashedrekord bundle v0.3 for an entry in a 1,000,000-leaf log, with its inclusion
 * proof (20 hashes), signed checkpoint and SET. One operation checks the artifact signature, the
 * inclusion proof, the checkpoint signature and agreement, and the SET (three ECDSA P-256
 * verifications).
 *
 * <ul>
 *   <li>{@code verify}: the bundle already parsed;
 *   <li>{@code parseAndVerify}: from the bundle's JSON bytes.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class VerifyBench {
  private static final int N = IntegrateBench.LEAVES;
  private static final long INDEX = 654_321;
  private static final long TIME = 1_790_000_000L;
  private static final String HOST = "log.bench.test";

  private BundleVerifier verifier;
  private Bundle bundle;
  private byte[] json;
  private Artifact.Digest artifact;
  private List<PublicKey> keys;

  @Setup
  public void setup() throws Exception {
    Signer log = Signers.forKeyPair(KeyFiles.generateEcdsaP256());
    Signer signer = Signers.forKeyPair(KeyFiles.generateEcdsaP256());
    byte[] content = "an artifact to verify".getBytes(StandardCharsets.UTF_8);
    byte[] digest = HashAlgorithm.SHA256.digest(content);
    CanonicalEntry entry = EntryKinds.canonicalize(ProposedEntries.hashedRekord(HashAlgorithm.SHA256, digest,
        signer.sign(content), Pem.encode("PUBLIC KEY", signer.publicKey().getEncoded())));

    List<Hash> leaves = new ArrayList<>(Leaves.of(N));
    leaves.set((int) INDEX, entry.leafHash());
    TileMap tiles = new TileMap();
    Hash root = null;
    for (int size = 0; size < N; size += 10_000) {
      TreeIntegrator.Integration r = TreeIntegrator.integrate(tiles, size, leaves.subList(size, Math.min(N, size + 10_000)));
      tiles.putAll(r.changedTiles());
      root = r.root();
    }
    Hash logId = PublicKeys.logId(log.publicKey());
    SignedNote checkpoint = SignedNote.sign(new Checkpoint(Checkpoint.rekorOrigin(HOST, 1), N, root).text(),
        List.of(NoteKeys.rekorSigner(HOST, log)));
    byte[] set = log.sign(SetPayload.bytes(entry.body(), TIME, logId, INDEX));
    LoggedEntry logged = new LoggedEntry(EntryId.of(1, entry.leafHash()), entry.body(), TIME, logId, INDEX,
        Optional.of(set), Optional.of(new Inclusion(TileProofBuilder.inclusion(tiles, INDEX, N), root, checkpoint)),
        Optional.empty());
    artifact = Artifact.digest(HashAlgorithm.SHA256, digest);
    Bundle b = Bundle.forMessageSignature("bench", artifact, signer.sign(content), List.of(Bundle.tlogEntry(logged)));
    json = b.toJson().getBytes(StandardCharsets.UTF_8);
    bundle = Bundle.parse(json);
    verifier = new BundleVerifier(TrustRoot.forLogKey(URI.create("https://" + HOST), log.publicKey()));
    keys = List.of(signer.publicKey());
    verify(); // fails the setup if the bundle does not verify
  }

  @Benchmark
  public List<VerifiedEntry> verify() throws Exception {
    return verifier.verify(bundle, Optional.of(artifact), keys, Optional.empty());
  }

  @Benchmark
  public List<VerifiedEntry> parseAndVerify() throws Exception {
    return verifier.verify(Bundle.parse(json), Optional.of(artifact), keys, Optional.empty());
  }
}
