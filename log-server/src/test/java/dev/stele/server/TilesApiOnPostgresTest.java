package dev.stele.server;

import dev.stele.client.External;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;

/** The tlog-tiles suite ({@link TilesApiTest}) against the distributed driver. */
@External
class TilesApiOnPostgresTest extends TilesApiTest {
  /** Hides {@link TilesApiTest#fill}: the same suite, another store. */
  @BeforeAll
  static void fill() throws Exception {
    fill(TestServer.start(Distributed.config(dir, Distributed.fresh()), UnaryOperator.identity()));
  }
}
