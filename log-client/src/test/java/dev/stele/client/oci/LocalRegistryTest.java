package dev.stele.client.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.External;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** The test registry itself: loopback only, cleaned up, and a clear failure when not installed. */
class LocalRegistryTest {

  @Test
  @External
  void listensOnLoopbackOnly_andCloseStopsItAndDeletesItsStorage() throws Exception {
    Path storage;
    int port;
    try (LocalRegistry registry = LocalRegistry.start()) {
      port = registry.port();
      storage = registry.storage();
      TestImage.withFile("x.txt", "x").push(registry.client(), registry.repository("self/test"), "v1");
      assertTrue(Files.isDirectory(storage), "the registry stores into its own temporary folder");
      assertTrue(canConnect(InetAddress.getLoopbackAddress(), port));
      assertTrue(Files.readString(storage.getParent().resolve("config.yml")).contains("addr: 127.0.0.1:" + port),
          "the registry's own config binds 127.0.0.1");
      InetAddress external = nonLoopbackAddress();
      if (external != null) { // probe from outside loopback when the machine has such an address
        assertFalse(canConnect(external, port), "the registry must not listen on " + external.getHostAddress());
      }
    }
    assertFalse(Files.exists(storage.getParent()), "close() deletes the folder");
    assertFalse(canConnect(InetAddress.getLoopbackAddress(), port), "close() stops the process");
  }

  @Test
  void missingTool_failsWithTheInstallCommand() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> ExternalTool.require("stele-no-such-tool", "stele-no-such-package"));
    assertTrue(e.getMessage().contains("apt-get install -y stele-no-such-package"), e.getMessage());
    assertTrue(e.getMessage().contains("docker-registry"), e.getMessage());
  }

  @Test
  @External
  void referenceHelper_pointsAtThisRegistry() throws Exception {
    try (LocalRegistry registry = LocalRegistry.start()) {
      assertEquals(registry.address() + "/a/b:v1", registry.reference("a/b:v1").toString());
      assertEquals("127.0.0.1:" + registry.port(), registry.address());
    }
  }

  private static boolean canConnect(InetAddress address, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static InetAddress nonLoopbackAddress() throws IOException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(nic.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
          return a;
        }
      }
    }
    return null;
  }
}
