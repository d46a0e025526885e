package dev.stele.client.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {
  @Test
  void bearer_withQuotedCommaInScope() {
    List<AuthChallenge> c = AuthChallenge.parse(List.of(
        "Bearer realm=\"https://auth.example/token\",service=\"registry.example\","
            + "scope=\"repository:demo/hello:pull,push\",error=\"insufficient_scope\""));
    assertEquals(1, c.size());
    assertTrue(c.get(0).isBearer());
    assertEquals(Map.of("realm", "https://auth.example/token", "service", "registry.example",
        "scope", "repository:demo/hello:pull,push", "error", "insufficient_scope"), c.get(0).params());
  }

  @Test
  void basic_andSeveralChallengesInOneHeader() {
    List<AuthChallenge> c = AuthChallenge.parse(List.of("Basic realm=\"x \\\"y\\\"\", Bearer Realm=tok , service=s"));
    assertEquals(2, c.size());
    assertTrue(c.get(0).isBasic());
    assertEquals("x \"y\"", c.get(0).param("realm"));
    assertTrue(c.get(1).isBearer());
    assertEquals("tok", c.get(1).param("realm"));
    assertEquals("s", c.get(1).param("service"));
  }

  @Test
  void garbage_givesNoUsableChallenge() {
    assertEquals(List.of(), AuthChallenge.parse(List.of("", "   ", "=,=")));
  }
}
