package dev.stele.admission;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.stele.client.arch.HouseRules;
import java.util.Map;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The house rules on the webhook's main code, and ARCHITECTURE.md decision 14: a client of the logs, never the server. */
@AnalyzeClasses(packages = "dev.stele.admission", importOptions = ImportOption.DoNotIncludeTests.class)
class AdmissionArchitectureTest {
  private static final String ADMISSION = "dev.stele.admission..";

  /** The policy is YAML: its parser factory has one home, as JSON's has ProtocolJson. */
  private static final Map<String, String> JSON_ALLOWED = Map.of(
      "dev.stele.admission.policy.YamlTree", "the one YAML parser factory (the policy file); JSON goes through ProtocolJson");

  @ArchTest
  static final ArchRule gatekeepersAreClients = noClasses().that().resideInAPackage(ADMISSION)
      .should().dependOnClassesThat().resideInAnyPackage("dev.stele.server..", "io.vertx..", "org.rocksdb..")
      .because("ARCHITECTURE.md decision 14: the admission webhook builds on log-client, never on log-server");

  @ArchTest
  static final ArchRule jsonHome = HouseRules.jacksonMappersOnlyInTheJsonHome(JSON_ALLOWED, ADMISSION);

  @ArchTest
  static final ArchRule encodings = HouseRules.base64AndHexOnlyInEncodings(Map.of(), ADMISSION);

  @ArchTest
  static final ArchRule certificates = HouseRules.certificatesAndPemOnlyInProtocol(Map.of(), ADMISSION);

  @ArchTest
  static final ArchRule digests = HouseRules.digestsOnlyInTheirHomes(Map.of(), ADMISSION);

  @ArchTest
  static final ArchRule noStaticMutableState = HouseRules.noStaticMutableState(Map.of(), ADMISSION);

  @ArchTest
  static void allowListsNameExistingClasses(JavaClasses classes) {
    HouseRules.checkAllowListed(classes, JSON_ALLOWED);
  }
}
