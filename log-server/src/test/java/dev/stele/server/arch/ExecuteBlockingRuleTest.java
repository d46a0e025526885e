package dev.stele.server.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.stele.client.arch.HouseRules;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The executeBlocking rule catches the shared default pool and a named pool used from elsewhere. */
class ExecuteBlockingRuleTest {
  /** Blocking work sent the two ways the rule refuses. */
  static final class Examples {
    private Examples() {}

    static Future<Integer> defaultPool(Vertx vertx) {
      return vertx.executeBlocking(() -> 1);
    }

    static Future<Integer> namedPoolOutsideTheHandlers(WorkerExecutor pool) {
      return pool.executeBlocking(() -> 1, false);
    }
  }

  @Test
  void findsTheDefaultPool_andANamedPoolOutsideTheHandlerPackages() {
    List<String> found = HouseRules.executeBlockingOnlyOnNamedPools(Set.of("dev.stele.server.rekor"),
        "dev.stele.server..").evaluate(new ClassFileImporter().importClasses(Examples.class))
        .getFailureReport().getDetails();
    String all = String.join("\n", found);
    assertTrue(all.contains("defaultPool(io.vertx.core.Vertx)> calls method <io.vertx.core.Vertx.executeBlocking"), all);
    assertTrue(all.contains("namedPoolOutsideTheHandlers(io.vertx.core.WorkerExecutor)> calls method"
        + " <io.vertx.core.WorkerExecutor.executeBlocking"), all);
    assertEquals(2, found.size(), all);

    List<String> allowed = HouseRules.executeBlockingOnlyOnNamedPools(Set.of("dev.stele.server.arch"),
        "dev.stele.server..").evaluate(new ClassFileImporter().importClasses(Examples.class))
        .getFailureReport().getDetails();
    assertEquals(1, allowed.size(), "only the default pool is left when the package may use named pools: " + allowed);
  }
}
