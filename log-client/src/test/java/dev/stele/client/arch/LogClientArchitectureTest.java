package dev.stele.client.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Map;

/** The house rules on log-client's and merkle's main code (merkle cannot reach this test jar). */
@AnalyzeClasses(packages = {"dev.stele.client", "dev.stele.merkle"}, importOptions = ImportOption.DoNotIncludeTests.class)
class LogClientArchitectureTest {
  private static final String[] LIBRARY = {"dev.stele.client..", "dev.stele.merkle.."};

  /**
   * Frozen: code being reworked by others as this rule arrived (issue 11). Each entry says what
   * it should call instead; remove the entry with the fix.
   */
  private static final Map<String, String> BYTES_ALLOWED = Map.of();
  private static final Map<String, String> STATIC_ALLOWED = Map.of();

  @ArchTest
  static final ArchRule noVertxNorRocksDb = HouseRules.noVertxNorRocksDb(LIBRARY);

  @ArchTest
  static final ArchRule jsonHome = HouseRules.jacksonMappersOnlyInTheJsonHome(Map.of(), LIBRARY);

  @ArchTest
  static final ArchRule encodings = HouseRules.base64AndHexOnlyInEncodings(BYTES_ALLOWED, LIBRARY);

  @ArchTest
  static final ArchRule certificates = HouseRules.certificatesAndPemOnlyInProtocol(Map.of(), LIBRARY);

  @ArchTest
  static final ArchRule digests = HouseRules.digestsOnlyInTheirHomes(Map.of(), LIBRARY);

  @ArchTest
  static final ArchRule noStaticMutableState = HouseRules.noStaticMutableState(STATIC_ALLOWED, LIBRARY);

  @ArchTest
  static void allowListsNameExistingClasses(JavaClasses classes) {
    HouseRules.checkAllowListed(classes, BYTES_ALLOWED);
    HouseRules.checkAllowListed(classes, STATIC_ALLOWED);
  }
}
