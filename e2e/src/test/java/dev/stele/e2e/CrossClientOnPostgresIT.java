package dev.stele.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.External;
import org.junit.jupiter.api.Test;

/**
 * {@link CrossClientIT}'s checks, every one, against a log with {@code --storage postgres}
 * (PostgreSQL and S3Proxy on 127.0.0.1, started for this JVM by log-server's fixture): the Sigstore
 * JavaScript clients and the Stele CLI agree on what the distributed driver writes as they do on
 * the embedded store. {@link CrossClientIT#start} picks the driver by the class under test.
 */
@External
class CrossClientOnPostgresIT extends CrossClientIT {
  @Test
  void theLogUnderTestIsOnPostgres() {
    assertTrue(log.output().contains("storage PostgreSQL at jdbc:postgresql://127.0.0.1:"), log.output());
  }
}
