package dev.stele.client.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Each rule of {@link HouseRules} catches what it is for: the rules run here on bad examples. */
class HouseRulesTest {
  private static final String HERE = "dev.stele.client.arch..";

  /** Static state of every kind the rule refuses, and two kinds it accepts. */
  static final class Statics {
    static int counter;
    static final Map<String, String> CACHE = new HashMap<>();
    public static final byte[] PREFIX = {1, 2};
    static final AtomicLong COUNT = new AtomicLong();
    private static final byte[] PRIVATE_CONSTANT = {3};
    static final List<String> IMMUTABLE = List.of("a");

    private Statics() {}

    static int use() {
      return PRIVATE_CONSTANT.length + IMMUTABLE.size();
    }
  }

  /** Byte formats and JSON mappers used outside their homes. */
  static final class Bytes {
    private Bytes() {}

    static Object all() throws NoSuchAlgorithmException, CertificateException {
      return List.of(Base64.getEncoder().encodeToString(new byte[1]), java.util.HexFormat.of(),
          CertificateFactory.getInstance("X.509"), MessageDigest.getInstance("SHA-256"), new ObjectMapper());
    }
  }

  /** Imported once: importing resolves the examples' dependencies from the class path, which is slow. */
  private static final JavaClasses EXAMPLES = new ClassFileImporter().importClasses(Statics.class, Bytes.class);

  private static JavaClasses examples() {
    return EXAMPLES;
  }

  private static List<String> violations(ArchRule rule) {
    EvaluationResult result = rule.evaluate(examples());
    return result.getFailureReport().getDetails();
  }

  @Test
  void noStaticMutableState_findsEachKind_andOnlyThose() {
    List<String> found = violations(HouseRules.noStaticMutableState(Map.of(), HERE));
    String all = String.join("\n", found);
    assertTrue(all.contains("Statics.counter is not final"), all);
    assertTrue(all.contains("Statics.CACHE is a collection, and its class builds a mutable HashMap"), all);
    assertTrue(all.contains("Statics.PREFIX is an array that other classes can change"), all);
    assertTrue(all.contains("Statics.COUNT is an atomic (AtomicLong)"), all);
    // IMMUTABLE shares its class with CACHE: the rule names the class's HashMap for it too
    // (bytecode does not say which value went to which field). PRIVATE_CONSTANT passes.
    assertTrue(!all.contains("PRIVATE_CONSTANT"), all);
    assertEquals(5, found.size(), all);
  }

  @Test
  void allowList_leavesTheNamedClassOut() {
    ArchRule rule = HouseRules.noStaticMutableState(Map.of(Statics.class.getEnclosingClass().getName(), "example"), HERE)
        .allowEmptyShould(true);
    assertEquals(List.of(), violations(rule));
  }

  @Test
  void byteRules_findBase64HexCertificatesDigestsAndMappers() {
    assertTrue(String.join("\n", violations(HouseRules.base64AndHexOnlyInEncodings(Map.of(), HERE)))
        .contains("Bytes.all()> calls method <java.util.Base64.getEncoder()>"));
    assertTrue(String.join("\n", violations(HouseRules.base64AndHexOnlyInEncodings(Map.of(), HERE)))
        .contains("Bytes.all()> calls method <java.util.HexFormat.of()>"));
    assertTrue(String.join("\n", violations(HouseRules.certificatesAndPemOnlyInProtocol(Map.of(), HERE)))
        .contains("calls method <java.security.cert.CertificateFactory.getInstance(java.lang.String)>"));
    assertTrue(String.join("\n", violations(HouseRules.digestsOnlyInTheirHomes(Map.of(), HERE)))
        .contains("calls method <java.security.MessageDigest.getInstance(java.lang.String)>"));
    assertTrue(String.join("\n", violations(HouseRules.jacksonMappersOnlyInTheJsonHome(Map.of(), HERE)))
        .contains("calls constructor <com.fasterxml.jackson.databind.ObjectMapper.<init>()>"));
  }

  @Test
  void checkAllowListed_failsOnAStaleEntry() {
    AssertionError e = assertThrows(AssertionError.class,
        () -> HouseRules.checkAllowListed(examples(), Map.of("dev.stele.client.NoSuchClass", "gone")));
    assertTrue(e.getMessage().contains("dev.stele.client.NoSuchClass"), e.getMessage());
  }
}
