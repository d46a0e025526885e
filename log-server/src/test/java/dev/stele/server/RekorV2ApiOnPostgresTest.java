package dev.stele.server;

import dev.stele.client.External;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Rekor v2 API suite ({@link RekorV2ApiTest}, every test and its audit) against the
 * distributed driver: v2 appends go through the frontend, and the v2 checkpoint is the integrated
 * head signed under the v2 origin.
 */
@External
class RekorV2ApiOnPostgresTest extends RekorV2ApiTest {
  /** Hides {@link RekorV2ApiTest#start}: the same suite, another store. */
  @BeforeAll
  static void start() throws Exception {
    log = TestServer.start(Distributed.config(dir, Distributed.fresh()), UnaryOperator.identity());
    signer = new Proposals();
  }
}
