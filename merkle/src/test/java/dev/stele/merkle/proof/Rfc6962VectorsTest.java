package dev.stele.merkle.proof;

import static dev.stele.merkle.TestVectors.hash;
import static dev.stele.merkle.TestVectors.report;
import static dev.stele.merkle.TestVectors.unhex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.merkle.CompactRange;
import dev.stele.merkle.Hash;
import dev.stele.merkle.InMemoryTree;
import dev.stele.merkle.ReferenceTree;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.TestVectors;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The sets in {@code vectors/merkle-rfc6962} (its PROVENANCE.md gives formats and origins). Each
 * test collects every mismatch and reports them together, and prints how many vectors ran.
 */
class Rfc6962VectorsTest {
  private static final String DIR = "merkle-rfc6962/";

  @Test
  void referenceTree8() throws Exception {
    JsonNode v = TestVectors.json(DIR + "reference-tree-8.json");
    List<String> failures = new ArrayList<>();
    int count = 0;

    JsonNode hasher = v.get("hasher");
    check(failures, "empty tree hash", hash(hasher.get("empty_tree_hash")), Rfc6962.EMPTY_ROOT);
    count++;
    for (JsonNode c : hasher.get("leaf_hashes")) {
      check(failures, "leaf hash of " + c.get("leaf_data").asText(), hash(c.get("leaf_hash")),
          Rfc6962.hashLeaf(unhex(c.get("leaf_data").asText())));
      count++;
    }
    for (JsonNode c : hasher.get("node_hashes")) {
      check(failures, "node hash", hash(c.get("node_hash")),
          Rfc6962.hashChildren(hash(c.get("left")), hash(c.get("right"))));
      count++;
    }

    JsonNode tree = v.get("tree");
    InMemoryTree t = new InMemoryTree();
    CompactRange range = CompactRange.empty(0);
    Map<Long, Hash> roots = new TreeMap<>();
    roots.put(0L, range.root());
    for (int i = 0; i < tree.get("leaf_inputs").size(); i++) {
      Hash leaf = Rfc6962.hashLeaf(unhex(tree.get("leaf_inputs").get(i).asText()));
      check(failures, "leaf " + i, hash(tree.get("leaf_hashes").get(i)), leaf);
      count++;
      t.append(leaf);
      range.append(leaf, null);
      roots.put(range.end(), range.root());
    }
    JsonNode levels = tree.get("node_hashes_by_level").get("levels");
    for (int level = 0; level < levels.size(); level++) {
      assertEquals(levels.get(level).size(), t.count(level), "perfect nodes at level " + level);
      for (int i = 0; i < levels.get(level).size(); i++) {
        check(failures, "node " + level + "." + i, hash(levels.get(level).get(i)), t.node(level, i));
        count++;
      }
    }
    for (JsonNode c : tree.get("root_hashes_by_size")) {
      long size = c.get("tree_size").asLong();
      check(failures, "root of size " + size, hash(c.get("root_hash")), roots.get(size));
      check(failures, "stored-node root of size " + size, hash(c.get("root_hash")), t.root(size));
      count++;
    }

    for (JsonNode c : v.get("inclusion_proofs")) {
      long index = c.get("leaf_index").asLong();
      long size = c.get("tree_size").asLong();
      if (c.get("expect").asText().equals("error")) {
        // Nothing is included in the empty tree: neither a proof nor a verification exists.
        assertThrows(IllegalArgumentException.class, () -> ProofNodes.inclusion(index, size));
        ProofException e = assertThrows(ProofException.class, () -> ProofVerifier.rootFromInclusion(
            index, size, Rfc6962.hashLeaf(new byte[0]), hashes(c.get("proof"))));
        assertTrue(e.getMessage().contains("tree size " + size), e.getMessage());
      } else {
        List<Hash> proof = hashes(c.get("proof"));
        checkList(failures, "inclusion " + index + "/" + size, proof, t.inclusion(index, size).hashes());
        ProofVerifier.verifyInclusion(
            index, size, hash(c.get("leaf_hash")), proof, hash(c.get("root_hash")));
      }
      count++;
    }
    for (JsonNode c : v.get("consistency_proofs")) {
      long size1 = c.get("size1").asLong();
      long size2 = c.get("size2").asLong();
      List<Hash> proof = hashes(c.get("proof"));
      checkList(failures, "consistency " + size1 + "->" + size2, proof,
          t.consistency(size1, size2).hashes());
      ProofVerifier.verifyConsistency(size1, size2, proof, hash(c.get("root1")), hash(c.get("root2")));
      count++;
    }
    report("merkle-rfc6962/reference-tree-8.json", count);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void ctPythonVerifierCases() throws Exception {
    JsonNode v = TestVectors.json(DIR + "ct-python-verifier-cases.json");
    List<String> failures = new ArrayList<>();
    int count = 0;

    JsonNode real = v.get("real_ct_log_inclusion");
    Hash leafHash = Rfc6962.hashLeaf(unhex(real.get("leaf_input").asText()));
    check(failures, "real CT leaf hash", hash(real.get("leaf_hash")), leafHash);
    long realIndex = real.get("leaf_index").asLong();
    long realSize = real.get("tree_size").asLong();
    List<Hash> realProof = hashes(real.get("proof"));
    Hash realRoot = hash(real.get("root_hash"));
    ProofVerifier.verifyInclusion(realIndex, realSize, leafHash, realProof, realRoot);
    count++;
    for (JsonNode neg : real.get("negative_variants")) {
      long index = neg.has("leaf_index") ? neg.get("leaf_index").asLong() : realIndex;
      Hash root = neg.has("root_hash") ? hash(neg.get("root_hash")) : realRoot;
      outcome(failures, neg.get("desc").asText(), false,
          () -> ProofVerifier.verifyInclusion(index, realSize, leafHash, realProof, root));
      count++;
    }

    for (JsonNode c : v.get("inclusion_cases")) {
      Hash leaf = Rfc6962.hashLeaf(unhex(c.get("leaf_input").asText()));
      outcome(failures, c.get("desc").asText(), c.get("expect").asText().equals("valid"),
          () -> ProofVerifier.verifyInclusion(c.get("leaf_index").asLong(),
              c.get("tree_size").asLong(), leaf, hashes(c.get("proof")), hash(c.get("root_hash"))));
      count++;
    }

    int implementationDefined = 0;
    for (JsonNode c : v.get("consistency_cases")) {
      String expect = c.get("expect").asText();
      // The two implementation-defined cases (a non-empty proof for equal sizes, and a proof from
      // size 0) are rejected: ProofVerifier requires 0 < size1 and an exactly sized proof; see its
      // class comment.
      if (expect.equals("implementation-defined")) {
        implementationDefined++;
      }
      outcome(failures, c.get("desc").asText(), expect.equals("valid"),
          () -> ProofVerifier.verifyConsistency(c.get("size1").asLong(), c.get("size2").asLong(),
              hashes(c.get("proof")), hash(c.get("root1")), hash(c.get("root2"))));
      count++;
    }
    assertEquals(2, implementationDefined, "implementation-defined consistency cases");
    report("merkle-rfc6962/ct-python-verifier-cases.json", count);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void rfc6962Section213Example() throws Exception {
    JsonNode v = TestVectors.json(DIR + "rfc6962-section-2.1.3-example.json");
    List<String> failures = new ArrayList<>();
    int count = 0;
    InMemoryTree t = new InMemoryTree();
    for (JsonNode d : v.get("leaf_inputs")) {
      t.append(Rfc6962.hashLeaf(unhex(d.asText())));
    }
    assertEquals(7, t.size());
    JsonNode nodes = v.get("nodes");
    Map<String, Hash> computed = new TreeMap<>();
    String labels = "abcdef";
    for (int i = 0; i < 6; i++) {
      computed.put(labels.substring(i, i + 1), t.node(0, i));
    }
    computed.put("j", t.node(0, 6));
    computed.put("g", t.node(1, 0));
    computed.put("h", t.node(1, 1));
    computed.put("i", t.node(1, 2));
    computed.put("k", t.node(2, 0));
    // l = MTH(d4..d6) is ephemeral in this tree: it is the folded element of the proof for d0.
    computed.put("l", t.inclusion(0, 7).hashes().get(2));
    computed.put("hash", t.root(7));
    computed.put("hash0", t.root(3));
    computed.put("hash1", t.root(4));
    computed.put("hash2", t.root(6));
    for (Map.Entry<String, Hash> e : computed.entrySet()) {
      check(failures, "label " + e.getKey(), hash(nodes.get(e.getKey())), e.getValue());
    }
    for (JsonNode c : v.get("inclusion_proofs")) {
      long index = c.get("leaf_index").asLong();
      List<Hash> proof = hashes(c.get("proof"));
      checkList(failures, c.get("rfc_text").asText(), proof, t.inclusion(index, 7).hashes());
      checkList(failures, c.get("rfc_text").asText() + " (labels)", labelled(computed, c.get("path_labels")), proof);
      ProofVerifier.verifyInclusion(index, 7, hash(c.get("leaf_hash")), proof, hash(c.get("root_hash")));
      count++;
    }
    for (JsonNode c : v.get("consistency_proofs")) {
      long size1 = c.get("size1").asLong();
      long size2 = c.get("size2").asLong();
      List<Hash> proof = hashes(c.get("proof"));
      checkList(failures, c.get("rfc_text").asText(), proof, t.consistency(size1, size2).hashes());
      checkList(failures, c.get("rfc_text").asText() + " (labels)", labelled(computed, c.get("proof_labels")), proof);
      ProofVerifier.verifyConsistency(size1, size2, proof, hash(c.get("root1")), hash(c.get("root2")));
      count++;
    }
    report("merkle-rfc6962/rfc6962-section-2.1.3-example.json", count);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  /**
   * Appendix C.1 of draft-ietf-plants-merkle-tree-certs: every output for every size up to 130,
   * as text lines, hashed into one digest. Subtree hashes and inclusion proofs are RFC 6962 MTH and
   * PATH over slices and come from the production code; the consistency lines with {@code start ==
   * 0} are RFC 6962 PROOF and come from the production code too, the rest (subtrees that start
   * later) from the test reference, which is cross-checked against production where both apply.
   */
  @Test
  void appendixC1RollingDigests() throws Exception {
    JsonNode v = TestVectors.json(DIR + "accumulated-vectors-appendix-c1.json");
    final int max = 130;
    List<Hash> leaves = new ArrayList<>();
    for (int i = 0; i < max; i++) {
      leaves.add(Rfc6962.hashLeaf(new byte[] {(byte) i}));
    }
    InMemoryTree whole = new InMemoryTree(leaves);
    ReferenceTree ref = new ReferenceTree(leaves, true);
    Map<String, String> want = new TreeMap<>();
    for (JsonNode d : v.get("vectors")) {
      want.put(d.get("name").asText(), d.get("expected_sha256").asText());
    }
    assertEquals(3, want.size(), "digests in the file");
    int lines = 0;

    MessageDigest hashes = Rfc6962.newSha256();
    MessageDigest inclusions = Rfc6962.newSha256();
    for (int end = 0; end <= max; end++) {
      for (int start = 0; start <= end; start++) {
        if (!validSubtree(start, end)) {
          continue;
        }
        InMemoryTree slice = new InMemoryTree(leaves.subList(start, end));
        line(hashes, "[" + start + ", " + end + ") " + slice.root().hex());
        lines++;
        for (int index = start; index < end; index++) {
          List<Hash> proof = slice.inclusion(index - start, end - start).hashes();
          assertEquals(ref.path(index - start, start, end), proof, "PATH " + index + " [" + start + ", " + end + ")");
          line(inclusions, proofLine(index + " [" + start + ", " + end + ")", proof));
          lines++;
        }
      }
    }
    MessageDigest consistencies = Rfc6962.newSha256();
    for (int n = 0; n <= max; n++) {
      for (int end = 0; end <= n; end++) {
        for (int start = 0; start <= end; start++) {
          if (!validSubtree(start, end)) {
            continue;
          }
          List<Hash> proof = ref.subtreeProof(start, end, n);
          if (start == 0 && end > 0) {
            assertEquals(whole.consistency(end, n).hashes(), proof, "PROOF(" + end + ", D[" + n + "])");
          }
          line(consistencies, proofLine("[" + start + ", " + end + ") " + n, proof));
          lines++;
        }
      }
    }
    assertEquals(want.get("subtree_hashes"), hex(hashes), "subtree_hashes digest");
    assertEquals(want.get("subtree_inclusion_proofs"), hex(inclusions), "subtree_inclusion_proofs digest");
    assertEquals(want.get("subtree_consistency_proofs"), hex(consistencies), "subtree_consistency_proofs digest");
    report("merkle-rfc6962/accumulated-vectors-appendix-c1.json (digests; lines hashed: " + lines + ")", 3);
  }

  @Test
  void derivedAllProofsUpTo32() throws Exception {
    JsonNode v = TestVectors.json(DIR + "derived-all-proofs-upto-32.json");
    List<String> failures = new ArrayList<>();
    List<Hash> leaves = new ArrayList<>();
    for (JsonNode d : v.get("leaf_inputs")) {
      leaves.add(Rfc6962.hashLeaf(unhex(d.asText())));
    }
    InMemoryTree t = new InMemoryTree(leaves);
    CompactRange range = CompactRange.empty(0);
    List<Hash> roots = new ArrayList<>(List.of(range.root()));
    for (Hash leaf : leaves) {
      range.append(leaf, null);
      roots.add(range.root());
    }
    int rootCount = 0;
    for (JsonNode c : v.get("roots")) {
      int size = c.get("tree_size").asInt();
      check(failures, "root " + size, hash(c.get("root_hash")), roots.get(size));
      rootCount++;
    }
    int inclusionCount = 0;
    for (JsonNode c : v.get("inclusion_proofs")) {
      long index = c.get("leaf_index").asLong();
      int size = c.get("tree_size").asInt();
      List<Hash> proof = hashes(c.get("proof"));
      checkList(failures, "inclusion " + index + "/" + size, proof, t.inclusion(index, size).hashes());
      ProofVerifier.verifyInclusion(index, size, leaves.get((int) index), proof, roots.get(size));
      for (int i = 0; i < proof.size(); i++) {
        List<Hash> bad = flipBit(proof, i);
        assertThrows(RootMismatchException.class, () -> ProofVerifier.verifyInclusion(
            index, size, leaves.get((int) index), bad, roots.get(size)));
      }
      inclusionCount++;
    }
    int consistencyCount = 0;
    for (JsonNode c : v.get("consistency_proofs")) {
      int size1 = c.get("size1").asInt();
      int size2 = c.get("size2").asInt();
      List<Hash> proof = hashes(c.get("proof"));
      checkList(failures, "consistency " + size1 + "->" + size2, proof,
          t.consistency(size1, size2).hashes());
      ProofVerifier.verifyConsistency(size1, size2, proof, roots.get(size1), roots.get(size2));
      for (int i = 0; i < proof.size(); i++) {
        List<Hash> bad = flipBit(proof, i);
        assertThrows(RootMismatchException.class, () -> ProofVerifier.verifyConsistency(
            size1, size2, bad, roots.get(size1), roots.get(size2)));
      }
      consistencyCount++;
    }
    assertEquals(131, rootCount, "roots");
    assertEquals(528, inclusionCount, "inclusion proofs");
    assertEquals(528, consistencyCount, "consistency proofs");
    report("merkle-rfc6962/derived-all-proofs-upto-32.json roots", rootCount);
    report("merkle-rfc6962/derived-all-proofs-upto-32.json inclusion proofs", inclusionCount);
    report("merkle-rfc6962/derived-all-proofs-upto-32.json consistency proofs", consistencyCount);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  /** The draft's rule: start <= end, and start is 0, or equals end, or is a multiple of bit_ceil(end - start). */
  private static boolean validSubtree(int start, int end) {
    if (start > end) {
      return false;
    }
    if (start == 0 || start == end) {
      return true;
    }
    int n = end - start;
    int ceil = n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    return start % ceil == 0;
  }

  private static String proofLine(String prefix, List<Hash> proof) {
    StringBuilder sb = new StringBuilder(prefix);
    for (Hash h : proof) {
      sb.append(' ').append(h.hex());
    }
    return sb.toString();
  }

  private static void line(MessageDigest md, String line) {
    md.update((line + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  private static String hex(MessageDigest md) {
    return HexFormat.of().formatHex(md.digest());
  }

  static List<Hash> hashes(JsonNode array) {
    List<Hash> out = new ArrayList<>();
    if (array != null && !array.isNull()) {
      for (JsonNode h : array) {
        out.add(hash(h));
      }
    }
    return out;
  }

  static List<Hash> flipBit(List<Hash> proof, int i) {
    List<Hash> bad = new ArrayList<>(proof);
    byte[] b = proof.get(i).bytes();
    b[i % Hash.SIZE] ^= 0x10;
    bad.set(i, Hash.of(b));
    return bad;
  }

  private static List<Hash> labelled(Map<String, Hash> computed, JsonNode labels) {
    List<Hash> out = new ArrayList<>();
    for (JsonNode l : labels) {
      out.add(computed.get(l.asText()));
    }
    return out;
  }

  private static void check(List<String> failures, String what, Hash want, Hash got) {
    if (!want.equals(got)) {
      failures.add(what + ": got " + got + ", want " + want);
    }
  }

  private static void checkList(List<String> failures, String what, List<Hash> want, List<Hash> got) {
    if (!want.equals(got)) {
      failures.add(what + ": got " + got + ", want " + want);
    }
  }

  interface Verification {
    void run() throws ProofException;
  }

  /** Records a failure unless the verification succeeds exactly when {@code valid}. */
  static void outcome(List<String> failures, String what, boolean valid, Verification v) {
    try {
      v.run();
      if (!valid) {
        failures.add(what + ": verified, but must be rejected");
      }
    } catch (ProofException e) {
      if (valid) {
        failures.add(what + ": rejected (" + e.getMessage() + "), but must verify");
      }
    }
  }
}
