package dev.stele.monitor;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.stele.client.arch.HouseRules;
import java.util.Map;

/** The house rules on the monitor's main code. */
@AnalyzeClasses(packages = "dev.stele.monitor", importOptions = ImportOption.DoNotIncludeTests.class)
class MonitorArchitectureTest {
  private static final String MONITOR = "dev.stele.monitor..";

  private static final Map<String, String> STATIC_ALLOWED = Map.of();

  @ArchTest
  static final ArchRule noRocksDb = HouseRules.rocksDbOnlyIn("no.such.package..", MONITOR);

  @ArchTest
  static final ArchRule jsonHome = HouseRules.jacksonMappersOnlyInTheJsonHome(Map.of(), MONITOR);

  @ArchTest
  static final ArchRule encodings = HouseRules.base64AndHexOnlyInEncodings(Map.of(), MONITOR);

  @ArchTest
  static final ArchRule certificates = HouseRules.certificatesAndPemOnlyInProtocol(Map.of(), MONITOR);

  @ArchTest
  static final ArchRule digests = HouseRules.digestsOnlyInTheirHomes(Map.of(), MONITOR);

  @ArchTest
  static final ArchRule noStaticMutableState = HouseRules.noStaticMutableState(STATIC_ALLOWED, MONITOR);

  @ArchTest
  static void allowListsNameExistingClasses(JavaClasses classes) {
    HouseRules.checkAllowListed(classes, STATIC_ALLOWED);
  }
}
