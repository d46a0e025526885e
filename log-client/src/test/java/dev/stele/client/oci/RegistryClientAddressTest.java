package dev.stele.client.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.oci.RegistryException.Reason;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@link RegistryClient} where no registry answers: which URL it tries, and the error that names
 * it. Needs no registry program, unlike {@link RegistryClientTest}.
 */
class RegistryClientAddressTest {

  @Test
  void unreachableRegistry_isANetworkErrorNamingTheAddress() throws Exception {
    int port;
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    RegistryClient quick = RegistryClient.builder().timeout(Duration.ofSeconds(2)).build();
    RegistryException e = assertThrows(RegistryException.class,
        () -> quick.resolve(ImageReference.parse("127.0.0.1:" + port + "/demo/none:v1")));
    assertEquals(Reason.NETWORK, e.reason(), e.getMessage());
    assertEquals(0, e.status());
    assertTrue(e.getMessage().contains("http://127.0.0.1:" + port), e.getMessage());
  }

  @Test
  void nonLoopbackRegistry_usesHttpsUnlessMarkedInsecure() throws Exception {
    // registry.invalid never resolves (RFC 6761), so the error shows which URL was tried.
    RegistryClient quick = RegistryClient.builder().timeout(Duration.ofSeconds(2)).build();
    RegistryException https = assertThrows(RegistryException.class,
        () -> quick.resolve(ImageReference.parse("registry.invalid/demo/x:v1")));
    assertTrue(https.getMessage().contains("https://registry.invalid"), https.getMessage());
    RegistryClient insecure = RegistryClient.builder().timeout(Duration.ofSeconds(2))
        .insecureRegistry("registry.invalid").build();
    RegistryException http = assertThrows(RegistryException.class,
        () -> insecure.resolve(ImageReference.parse("registry.invalid/demo/x:v1")));
    assertTrue(http.getMessage().contains("http://registry.invalid"), http.getMessage());
  }
}
