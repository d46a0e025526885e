package dev.stele.server;

import dev.stele.client.External;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Rekor v1 API suite ({@link RekorApiTest}, every test and its audit) against the distributed
 * driver: a frontend over a fresh PostgreSQL database and S3 bucket.
 */
@External
class RekorApiOnPostgresTest extends RekorApiTest {
  /** Hides {@link RekorApiTest#start}: the same suite, another store. */
  @BeforeAll
  static void start() throws Exception {
    log = TestServer.start(Distributed.config(dir, Distributed.fresh()), java.util.function.UnaryOperator.identity());
    signer = new Proposals();
  }
}
