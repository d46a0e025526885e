package dev.stele.server;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.stele.client.arch.HouseRules;
import java.util.Map;
import java.util.Set;

/** The house rules on the log server's main code. */
@AnalyzeClasses(packages = "dev.stele.server", importOptions = ImportOption.DoNotIncludeTests.class)
class ServerArchitectureTest {
  private static final String SERVER = "dev.stele.server..";

  /**
   * Frozen as this rule arrived (issue 11); each entry says what would fix it. Remove the entry
   * with the fix.
   */
  private static final Map<String, String> STATIC_ALLOWED = Map.of();

  @ArchTest
  static final ArchRule rocksDbOnlyInStorage = HouseRules.rocksDbOnlyIn("dev.stele.server.storage..", SERVER);

  @ArchTest
  static final ArchRule jsonHome = HouseRules.jacksonMappersOnlyInTheJsonHome(Map.of(), SERVER);

  @ArchTest
  static final ArchRule encodings = HouseRules.base64AndHexOnlyInEncodings(Map.of(), SERVER);

  @ArchTest
  static final ArchRule certificates = HouseRules.certificatesAndPemOnlyInProtocol(Map.of(), SERVER);

  @ArchTest
  static final ArchRule digests = HouseRules.digestsOnlyInTheirHomes(Map.of(), SERVER);

  @ArchTest
  static final ArchRule executeBlocking = HouseRules.executeBlockingOnlyOnNamedPools(
      Set.of("dev.stele.server.http", "dev.stele.server.rekor", "dev.stele.server.tiles", "dev.stele.server.ui"), SERVER);

  @ArchTest
  static final ArchRule noStaticMutableState = HouseRules.noStaticMutableState(STATIC_ALLOWED, SERVER);

  @ArchTest
  static void allowListsNameExistingClasses(JavaClasses classes) {
    HouseRules.checkAllowListed(classes, STATIC_ALLOWED);
  }
}
