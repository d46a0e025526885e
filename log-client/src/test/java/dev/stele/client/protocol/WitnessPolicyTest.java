package dev.stele.client.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.TestWitnesses;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** c2sp.org/tlog-policy: the syntax, each rule of the specification, and quorum evaluation. */
class WitnessPolicyTest {
  private static final List<TestWitnesses.Witness> X = TestWitnesses.create("x.example/w", 3);
  private static final List<TestWitnesses.Witness> Y = TestWitnesses.create("y.example/w", 3);
  /** sum.golang.org's Ed25519 key and rekor.sigstore.dev's ECDSA key (vectors/signed-note/keys.json). */
  private static final String SUMDB = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
  private static final String REKOR = "rekor.sigstore.dev+c0d23d6a+AjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNhtmPtrWm3U1eQXB"
      + "ogSMdGvXwBcK5AW5i0hrZLOC96l+smGNM7nwZ4QvFK/4sueRoVj//QP22Ni4Qt9DPfkWLc=";

  /** The specification's example: two groups of three, 2 of the X witnesses and any Y witness. */
  private static String example() {
    return "log " + SUMDB + "\n\n"
        + "witness X1 " + X.get(0).vkey() + "\n"
        + "witness X2 " + X.get(1).vkey() + "\n"
        + "witness X3 " + X.get(2).vkey() + "\n"
        + "group X-witnesses 2 X1 X2 X3\n\n"
        + "witness Y1 " + Y.get(0).vkey() + "\n"
        + "witness Y2 " + Y.get(1).vkey() + " https://y.example/w2\n"
        + "witness Y3 " + Y.get(2).vkey() + "\n"
        + "group Y-witnesses any Y1 Y2 Y3\n\n"
        + "group X-and-Y all X-witnesses Y-witnesses\n"
        + "quorum X-and-Y\n";
  }

  @Test
  void parse_specificationExample_evaluatesTheNestedQuorum() throws Exception {
    WitnessPolicy p = WitnessPolicy.parse(example());
    assertEquals(1, p.logs().size());
    assertEquals("sum.golang.org", p.logs().get(0).key().name());
    assertEquals(6, p.witnesses().size());
    assertEquals("https://y.example/w2", p.witnesses().get(4).url().orElseThrow().toString());
    assertTrue(p.witnesses().get(0).url().isEmpty());
    assertEquals("X-and-Y", p.quorum());
    assertTrue(p.requiresCosignatures());
    assertTrue(p.satisfiedBy(Set.of("X1", "X3", "Y2")));
    assertFalse(p.satisfiedBy(Set.of("X1", "Y1", "Y2", "Y3")), "only one X");
    assertFalse(p.satisfiedBy(Set.of("X1", "X2", "X3")), "no Y");
    assertFalse(p.satisfiedBy(Set.of()));
    assertEquals("group X-and-Y: 2 of [(group X-witnesses: 2 of [X1, X2, X3]), (group Y-witnesses: 1 of [Y1, Y2, Y3])]",
        p.describeQuorum());
  }

  @Test
  void parse_whitespaceCommentsAndTabs_areIgnored() throws Exception {
    String text = "  # comment\n\t\n log\t" + REKOR + "  \n\twitness  w " + X.get(0).vkey() + "\t\n   quorum w  \n";
    WitnessPolicy p = WitnessPolicy.parse(text.getBytes(StandardCharsets.UTF_8));
    assertEquals("rekor.sigstore.dev", p.logs().get(0).key().name());
    assertEquals(NoteKeys.parseVerifierKey(REKOR).keyId(), p.logs().get(0).key().keyId());
    assertTrue(p.satisfiedBy(Set.of("w")));
    assertFalse(p.satisfiedBy(Set.of("v")));
  }

  @Test
  void parse_quorumNone_needsNoCosignature() throws Exception {
    WitnessPolicy p = WitnessPolicy.parse("quorum none\n");
    assertFalse(p.requiresCosignatures());
    assertTrue(p.satisfiedBy(Set.of()));
    assertTrue(p.logs().isEmpty());
    assertEquals("none", p.describeQuorum());
  }

  @Test
  void parse_thresholds_allAnyAndNumbers() throws Exception {
    String witnesses = X.get(0).policyLine() + "\n" + X.get(1).policyLine() + "\n" + X.get(2).policyLine() + "\n";
    String names = X.get(0).name() + " " + X.get(1).name() + " " + X.get(2).name();
    WitnessPolicy all = WitnessPolicy.parse(witnesses + "group g all " + names + "\nquorum g\n");
    assertFalse(all.satisfiedBy(Set.of(X.get(0).name(), X.get(1).name())));
    assertTrue(all.satisfiedBy(Set.of(X.get(0).name(), X.get(1).name(), X.get(2).name())));
    WitnessPolicy any = WitnessPolicy.parse(witnesses + "group g any " + names + "\nquorum g\n");
    assertTrue(any.satisfiedBy(Set.of(X.get(2).name())));
    WitnessPolicy three = WitnessPolicy.parse(witnesses + "group g 3 " + names + "\nquorum g\n");
    assertFalse(three.satisfiedBy(Set.of(X.get(0).name(), X.get(2).name())));
  }

  static Stream<Arguments> malformed() {
    String w1 = "witness a " + X.get(0).vkey() + "\n";
    String w2 = "witness b " + X.get(1).vkey() + "\n";
    return Stream.of(
        Arguments.of("no quorum line", w1, "no quorum line"),
        Arguments.of("two quorum lines", w1 + "quorum a\nquorum a\n", "line 3 (quorum): a second quorum line"),
        Arguments.of("unknown keyword", "witnesses a " + X.get(0).vkey() + "\nquorum none\n",
            "line 1: unknown keyword 'witnesses'"),
        Arguments.of("quorum names an undefined witness", "quorum a\n" + w1, "line 1 (quorum): 'a' is not a witness"),
        Arguments.of("group refers forward", "group g any a\n" + w1 + "quorum g\n", "member 'a' is not a witness"),
        Arguments.of("member listed twice", w1 + w2 + "group g any a b\ngroup h any a\nquorum h\n",
            "'a' is already a member of a group"),
        Arguments.of("member twice in one group", w1 + "group g 1 a a\nquorum g\n", "'a' is already a member"),
        Arguments.of("threshold above n", w1 + w2 + "group g 3 a b\nquorum g\n", "threshold 3 is more than the 2 members"),
        Arguments.of("threshold zero", w1 + "group g 0 a\nquorum g\n", "must be all, any or a decimal number"),
        Arguments.of("threshold leading zero", w1 + "group g 01 a\nquorum g\n", "must be all, any or a decimal number"),
        Arguments.of("group without members", w1 + "group g any\nquorum g\n", "at least one member"),
        Arguments.of("none as a member", w1 + "group g any none\nquorum g\n", "'none' cannot be a group member"),
        Arguments.of("none redefined", "witness none " + X.get(0).vkey() + "\nquorum none\n", "'none' is predefined"),
        Arguments.of("name defined twice", w1 + "witness a " + X.get(1).vkey() + "\nquorum a\n", "'a' is already defined"),
        Arguments.of("duplicate witness key", w1 + "witness b " + X.get(0).vkey() + "\nquorum a\n",
            "the same public key as on line 1"),
        Arguments.of("duplicate log key", "log " + SUMDB + "\nlog " + SUMDB + "\nquorum none\n",
            "the same public key as on line 1"),
        Arguments.of("a log key as a witness key", "witness a " + SUMDB + "\nquorum a\n", "must be a cosignature/v1 key"),
        Arguments.of("a witness key as a log key", "log " + X.get(0).vkey() + "\nquorum none\n",
            "must be a checkpoint key"),
        Arguments.of("malformed vkey", "witness a b+12345678+AAAA\nquorum a\n", "policy line 1 (witness): vkey"),
        Arguments.of("witness without a key", "witness a\nquorum none\n", "expected 'witness <name> <vkey> [<url>]'"),
        Arguments.of("too many items", "log " + SUMDB + " https://a.example more\nquorum none\n", "expected 'log <vkey>"),
        Arguments.of("URL not http", "log " + SUMDB + " ftp://a.example/\nquorum none\n", "must be http(s)"),
        Arguments.of("carriage return", "quorum none\r\n", "control character"),
        Arguments.of("NUL", "quorum none\n\0", "control character"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void parse_malformed_throwsWithTheLineAndReason(String name, String text, String expected) {
    FormatException e = assertThrows(FormatException.class,
        () -> WitnessPolicy.parse(text.getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void parse_nonAsciiNames_areOpaque() throws Exception {
    // Octets with the high bit set may appear in names; "K" and the Kelvin sign are different names.
    WitnessPolicy p = WitnessPolicy.parse("witness K " + X.get(0).vkey() + "\nwitness \u212a " + X.get(1).vkey()
        + "\ngroup g all K \u212a\nquorum g\n");
    assertFalse(p.satisfiedBy(Set.of("K")));
    assertTrue(p.satisfiedBy(Set.of("K", "\u212a")));
  }
}
