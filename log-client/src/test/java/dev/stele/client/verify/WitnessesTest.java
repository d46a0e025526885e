package dev.stele.client.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.TestLog;
import dev.stele.client.TestWitnesses;
import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.crypto.Signer;
import dev.stele.client.crypto.Signers;
import dev.stele.client.keys.KeyFiles;
import dev.stele.client.protocol.Encodings;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.NoteKeys;
import dev.stele.client.protocol.NoteSignature;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.protocol.Vectors;
import dev.stele.client.protocol.WitnessPolicy;
import dev.stele.client.track.CheckpointSource;
import dev.stele.client.track.CheckpointTracker;
import dev.stele.merkle.proof.ConsistencyProof;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A quorum of witness cosignatures (c2sp.org/tlog-policy, c2sp.org/tlog-cosignature): the rule
 * itself, the entry verifier and the checkpoint tracker that apply it, and the cosigned Rekor v2
 * checkpoints of the public conformance vectors.
 */
class WitnessesTest {
  private static final long TIME = 1_790_000_000L;

  @TempDir
  Path dir;

  private final TestLog log = new TestLog("https://log.test");
  private final List<TestWitnesses.Witness> witnesses = TestWitnesses.create("witness.test/w", 3);
  private final WitnessPolicy twoOfThree = policy(TestWitnesses.policy(witnesses, 2, null));

  private static WitnessPolicy policy(String text) {
    try {
      return WitnessPolicy.parse(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private SignedNote checkpoint(int size, List<TestWitnesses.Witness> cosigners) {
    while (log.size() < size) {
      log.append(("leaf " + log.size()).getBytes(StandardCharsets.UTF_8), TIME);
    }
    return TestLog.note(TestWitnesses.cosign(log.checkpoint(size), cosigners));
  }

  // ---- the rule ----

  @Test
  void verify_twoOfThree_passesWithTheCosignersAndTheirTimes() throws Exception {
    long before = Instant.now().getEpochSecond();
    List<Witnesses.Cosignature> c = Witnesses.verify(checkpoint(5, witnesses.subList(0, 2)), twoOfThree);
    assertEquals(List.of("witness.test/w1", "witness.test/w2"), c.stream().map(Witnesses.Cosignature::witness).toList());
    assertTrue(c.get(0).time() >= before && c.get(0).time() <= Instant.now().getEpochSecond() + 1, c.toString());
    String[] vkey = witnesses.get(0).vkey().split("\\+", 3);
    assertEquals(vkey[0] + "+" + vkey[1], c.get(0).key());
    assertEquals(3, Witnesses.verify(checkpoint(5, witnesses), twoOfThree).size());
  }

  @Test
  void verify_oneOfThreeUnderTwoOfThree_throwsWitness() {
    VerificationException e = assertThrows(VerificationException.class,
        () -> Witnesses.verify(checkpoint(5, witnesses.subList(2, 3)), twoOfThree));
    assertEquals(Stage.WITNESS, e.stage());
    assertEquals("witness cosignatures: the checkpoint of size 5 ('log.test - 1234567890123') has no witness quorum:"
        + " the policy needs group quorum: 2 of [witness.test/w1, witness.test/w2, witness.test/w3]; verified"
        + " cosignatures from [witness.test/w3], none from [witness.test/w1, witness.test/w2]", e.getMessage());
    assertThrows(VerificationException.class, () -> Witnesses.verify(checkpoint(5, List.of()), twoOfThree));
  }

  @Test
  void verify_aCosignatureWithABitChanged_isForgedAndFailsEvenWithAQuorum() {
    String all = TestWitnesses.cosign(log.checkpoint(0), witnesses);
    SignedNote forged = TestLog.note(TestWitnesses.forge(all, witnesses.get(2)));
    VerificationException e = assertThrows(VerificationException.class, () -> Witnesses.verify(forged, twoOfThree));
    assertEquals(Stage.WITNESS, e.stage());
    assertTrue(e.getMessage().contains("the cosignature of witness witness.test/w3 (witness.test/w3+"), e.getMessage());
    assertTrue(e.getMessage().contains("does not verify: it is forged or altered"), e.getMessage());
  }

  @Test
  void verify_cosignatureOnAnotherCheckpoint_doesNotCount() throws Exception {
    // w1's and w2's lines, made for size 5, moved onto the checkpoint of size 6: forged there.
    SignedNote five = checkpoint(5, witnesses.subList(0, 2));
    SignedNote six = checkpoint(6, List.of());
    List<NoteSignature> moved = new ArrayList<>(six.signatures());
    moved.addAll(five.signatures().subList(1, 3));
    VerificationException e = assertThrows(VerificationException.class,
        () -> Witnesses.verify(new SignedNote(six.text(), moved), twoOfThree));
    assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
  }

  @Test
  void verify_linesOfUnknownWitnesses_areIgnored() throws Exception {
    List<TestWitnesses.Witness> strangers = TestWitnesses.create("stranger.test/w", 3);
    List<TestWitnesses.Witness> cosigners = new ArrayList<>(strangers);
    cosigners.add(witnesses.get(1));
    assertThrows(VerificationException.class, () -> Witnesses.verify(checkpoint(3, cosigners), twoOfThree));
    cosigners.add(witnesses.get(0));
    assertEquals(2, Witnesses.verify(checkpoint(3, cosigners), twoOfThree).size());
    // A stranger with a witness's name but another key: another key ID, so ignored too.
    TestWitnesses.Witness impostor = TestWitnesses.create("witness.test/w3");
    assertEquals(2, Witnesses.verify(checkpoint(3, List.of(witnesses.get(0), impostor, witnesses.get(1))),
        twoOfThree).size());
  }

  @Test
  void verify_policyLogLines_mustSignTheCheckpoint() throws Exception {
    SignedNote note = checkpoint(4, witnesses.subList(0, 2));
    String logVkey = NoteKeys.verifierKey("log.test", log.publicKey());
    assertEquals(2, Witnesses.verify(note, policy(TestWitnesses.policy(witnesses, 2, logVkey))).size());
    PublicKey other = KeyFiles.generateEd25519().getPublic();
    WitnessPolicy otherLog = policy(TestWitnesses.policy(witnesses, 2, NoteKeys.verifierKey("log.test", other)));
    VerificationException e = assertThrows(VerificationException.class, () -> Witnesses.verify(note, otherLog));
    assertEquals(Stage.WITNESS, e.stage());
    assertTrue(e.getMessage().contains("not signed by a log of the witness policy"), e.getMessage());
    // The log's key under another name: the origin 'log.test - ...' is not that name's.
    Signer signer = Signers.forKeyPair(log.keyPair());
    SignedNote renamed = SignedNote.sign(note.text(), List.of(NoteKeys.rekorSigner("other.test", signer)));
    WitnessPolicy renamedLog = policy("log " + NoteKeys.verifierKey("other.test", log.publicKey()) + "\nquorum none\n");
    e = assertThrows(VerificationException.class, () -> Witnesses.verify(renamed, renamedLog));
    assertTrue(e.getMessage().contains("is not that of the policy log"), e.getMessage());
  }

  // ---- the entry verifier ----

  private LoggedEntry entry() {
    Signer signer = signer();
    byte[] artifact = "witnessed artifact".getBytes(StandardCharsets.UTF_8);
    log.append("filler".getBytes(StandardCharsets.UTF_8), TIME);
    long index = log.append(TestLog.hashedRekord(signer, artifact).body(), TIME);
    log.append("later".getBytes(StandardCharsets.UTF_8), TIME);
    return log.entry(index, log.size());
  }

  private final Signer entrySigner = newSigner();

  private static Signer newSigner() {
    try {
      return Signers.forKeyPair(TestLog.p256());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Signer signer() {
    return entrySigner;
  }

  private Expected expected() {
    return Expected.builder(Artifact.sha256Of("witnessed artifact".getBytes(StandardCharsets.UTF_8)))
        .trustedKey(entrySigner.publicKey()).build();
  }

  @Test
  void entryVerifier_withPolicy_requiresTheQuorumAtItsOwnStage() throws Exception {
    EntryVerifier verifier = new EntryVerifier(log.trustRoot(), Optional.of(twoOfThree));
    log.cosigners(witnesses.subList(1, 3));
    verifier.verify(entry(), expected());

    log.cosigners(witnesses.subList(0, 1));
    LoggedEntry one = entry();
    VerificationException e = assertThrows(VerificationException.class, () -> verifier.verify(one, expected()));
    assertEquals(Stage.WITNESS, e.stage());
    // Without a policy the same entry passes: the cosignature lines are just ignored.
    new EntryVerifier(log.trustRoot()).verify(one, expected());

    log.cosigners(witnesses);
    LoggedEntry three = entry();
    SignedNote forged = TestLog.note(TestWitnesses.forge(three.inclusion().orElseThrow().checkpoint().format(),
        witnesses.get(0)));
    LoggedEntry withForgery = TestLog.withInclusion(three, new dev.stele.client.protocol.Inclusion(
        three.inclusion().get().proof(), three.inclusion().get().rootHash(), forged));
    e = assertThrows(VerificationException.class, () -> verifier.verify(withForgery, expected()));
    assertEquals(Stage.WITNESS, e.stage());
    assertTrue(e.getMessage().contains("forged"), e.getMessage());

    LoggedEntry noProof = TestLog.withInclusion(three, Optional.empty());
    Expected setOnly = Expected.builder(Artifact.sha256Of("witnessed artifact".getBytes(StandardCharsets.UTF_8)))
        .trustedKey(entrySigner.publicKey()).inclusionProofOptional().build();
    e = assertThrows(VerificationException.class, () -> verifier.verify(noProof, setOnly));
    assertEquals(Stage.WITNESS, e.stage());
    assertTrue(e.getMessage().contains("without an inclusion proof and checkpoint"), e.getMessage());
  }

  // ---- the checkpoint tracker ----

  @Test
  void tracker_withPolicy_refusesACheckpointWithoutQuorum_andKeepsTheLastOne() throws Exception {
    AtomicReference<String> latest = new AtomicReference<>();
    CheckpointSource source = new CheckpointSource() {
      @Override
      public SignedNote latestCheckpoint() {
        return TestLog.note(latest.get());
      }

      @Override
      public ConsistencyProof consistencyProof(long size1, long size2) {
        return log.consistency(size1, size2);
      }
    };
    Path file = dir.resolve("checkpoint");
    CheckpointTracker t = new CheckpointTracker(log.trustRoot().logs().get(0), source, file, Optional.of(twoOfThree));
    latest.set(checkpoint(3, witnesses.subList(0, 2)).format());
    assertEquals(3, t.update().current().size());
    latest.set(checkpoint(6, witnesses.subList(0, 1)).format());
    VerificationException e = assertThrows(VerificationException.class, t::update);
    assertEquals(Stage.WITNESS, e.stage());
    assertEquals(3, t.current().orElseThrow().size());
    assertEquals(3, TestLog.checkpointOf(TestLog.note(Files.readString(file))).size());
    latest.set(TestWitnesses.forge(checkpoint(6, witnesses).format(), witnesses.get(1)));
    assertEquals(Stage.WITNESS, assertThrows(VerificationException.class, t::update).stage());
    latest.set(checkpoint(6, witnesses.subList(1, 3)).format());
    assertEquals(6, t.update().current().size());
  }

  // ---- Rekor v2 vectors with cosigned checkpoints ----

  /**
   * The sigstore-conformance bundles whose Rekor v2 checkpoints carry cosignatures
   * (vectors/rekor-public-good, PROVENANCE.md). Their witnesses' keys are not published (each
   * case's README says the witness key is unknown), so no policy can name them by key: what can be
   * checked is that the log's own Ed25519 signature satisfies a policy with {@code quorum none},
   * that their cosignature lines have the cosignature/v1 shape (a time and 64 signature bytes),
   * and that a policy needing one witness more than the checkpoint proves fails at {@link
   * Stage#WITNESS}.
   */
  private static final String[] COSIGNED = {"rekor2-checkpoint-cosigned", "rekor2-checkpoint-multiple-cosigs",
      "rekor2-checkpoint-origin-not-first", "rekor2-checkpoint-two-sigs-cosigned"};

  @Test
  void rekorV2CosignedCheckpoints_satisfyTheLogsPolicy_andFailWhenAWitnessIsRequired() throws Exception {
    for (String name : COSIGNED) {
      String base = "rekor-public-good/bundles/conformance/" + name + "/";
      JsonNode bundle = Vectors.json(base + "bundle.sigstore.json");
      SignedNote note = SignedNote.parse(bundle.at("/verificationMaterial/tlogEntries/0/inclusionProof/checkpoint/envelope")
          .asText());
      String logVkey = rekorV2Vkey(Vectors.json(base + "trusted_root.json"));

      assertEquals(List.of(), Witnesses.verify(note, policy("log " + logVkey + "\nquorum none\n")), name);

      List<NoteSignature> cosignatures = note.signatures().stream().filter(s -> s.name().startsWith("witness.example"))
          .toList();
      assertTrue(!cosignatures.isEmpty(), name);
      for (NoteSignature s : cosignatures) {
        long time = NoteKeys.cosignatureTime(s.signature());
        assertTrue(time > Instant.parse("2025-08-01T00:00:00Z").getEpochSecond()
            && time < Instant.parse("2025-09-01T00:00:00Z").getEpochSecond(), name + ": " + Instant.ofEpochSecond(time));
      }

      // One witness more than the checkpoint proves: a witness of the same name with a key of ours.
      TestWitnesses.Witness required = TestWitnesses.create(cosignatures.get(0).name());
      WitnessPolicy oneMore = policy("log " + logVkey + "\n" + required.policyLine() + "\nquorum "
          + required.name() + "\n");
      VerificationException e = assertThrows(VerificationException.class, () -> Witnesses.verify(note, oneMore), name);
      assertEquals(Stage.WITNESS, e.stage(), name);
      assertTrue(e.getMessage().contains("has no witness quorum"), e.getMessage());
    }
  }

  /** The vkey of the Rekor v2 log in a trusted root: its name is its URL's host, its key Ed25519. */
  private static String rekorV2Vkey(JsonNode trustedRoot) throws Exception {
    for (JsonNode l : trustedRoot.get("tlogs")) {
      if (l.at("/publicKey/keyDetails").asText().equals("PKIX_ED25519")) {
        String host = java.net.URI.create(l.get("baseUrl").asText()).getHost();
        PublicKey key = PublicKeys.fromDer(Encodings.base64("rawBytes", l.at("/publicKey/rawBytes").asText()));
        String vkey = NoteKeys.verifierKey(host, key);
        // The key ID is the first 4 bytes of the log ID, as the trusted root gives it.
        byte[] logId = Encodings.base64("logId", l.at("/logId/keyId").asText());
        assertEquals(Encodings.hex(java.util.Arrays.copyOf(logId, 4)), vkey.split("\\+")[1]);
        return vkey;
      }
    }
    throw new AssertionError("no Ed25519 log in the trusted root");
  }
}
