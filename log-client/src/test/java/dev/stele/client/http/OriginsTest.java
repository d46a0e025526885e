package dev.stele.client.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

class OriginsTest {
  @Test
  void loopbackIsAnIpLiteral_neverAName() {
    for (String h : new String[] {"127.0.0.1", "127.9.8.7", "[::1]", "::1", "[::ffff:127.0.0.1]"}) {
      assertTrue(Origins.isLoopbackIpLiteral(h), h);
    }
    for (String h : new String[] {"localhost", "127.0.0.1.nip.example", "127.attacker.example", "127.1",
        "0177.0.0.1", "10.0.0.1", "[::2]", "", "[::1%lo]", "::1.example", "1.2.3.4"}) {
      assertFalse(Origins.isLoopbackIpLiteral(h), h);
    }
  }

  @Test
  void credentialsTravelOverHttps_orPlainHttpToLoopbackLiterals() {
    assertTrue(Origins.mayCarryCredentials(URI.create("https://log.example/")));
    assertTrue(Origins.mayCarryCredentials(URI.create("http://127.0.0.1:3000/")));
    assertFalse(Origins.mayCarryCredentials(URI.create("http://localhost:3000/")));
    assertFalse(Origins.mayCarryCredentials(URI.create("http://127.0.0.1.example/")));
    assertFalse(Origins.mayCarryCredentials(URI.create("ftp://127.0.0.1/")));
  }

  @Test
  void sameOrigin_comparesSchemeHostAndPort() {
    assertTrue(Origins.sameOrigin(URI.create("https://Log.example/a"), URI.create("https://log.example:443/b")));
    assertFalse(Origins.sameOrigin(URI.create("https://log.example/"), URI.create("http://log.example/")));
    assertFalse(Origins.sameOrigin(URI.create("https://log.example/"), URI.create("https://log.example:8443/")));
  }
}
