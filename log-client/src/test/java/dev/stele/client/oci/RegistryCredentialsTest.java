package dev.stele.client.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.stele.client.oci.RegistryException.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where registry credentials go, against fake registries (JDK HTTP servers on 127.0.0.1): never
 * over plain HTTP to a host name (not even {@code localhost}), a token realm on another host only
 * when trusted, and Docker Hub's pair built in. The real registry's part is in {@link
 * RegistryAuthTest}.
 */
class RegistryCredentialsTest {
  private static final Credentials ALICE = new Credentials("alice", "s3cret");

  /** A registry that wants credentials: 401 with {@code challenge} unless authorized, then 404. */
  static final class Fake implements AutoCloseable {
    final HttpServer http;
    final List<String> seen = Collections.synchronizedList(new ArrayList<>());
    /** What {@code /token} answers. */
    volatile String tokenAnswer = "{\"token\":\"tkn\",\"expires_in\":300}";

    Fake(String challenge) throws IOException {
      http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      http.createContext("/", x -> {
        try (x) {
          String auth = x.getRequestHeaders().getFirst("Authorization");
          seen.add(x.getRequestURI().getPath() + " " + auth);
          if (x.getRequestURI().getPath().equals("/token")) {
            answer(x, 200, tokenAnswer, null);
          } else if (auth == null) {
            answer(x, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}",
                challenge.replace("PORT", Integer.toString(port())));
          } else {
            answer(x, 404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"unknown\"}]}", null);
          }
        }
      });
      http.start();
    }

    int port() {
      return http.getAddress().getPort();
    }

    private static void answer(com.sun.net.httpserver.HttpExchange x, int status, String body, String challenge)
        throws IOException {
      if (challenge != null) {
        x.getResponseHeaders().add("WWW-Authenticate", challenge);
      }
      x.getResponseHeaders().add("Content-Type", "application/json");
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      x.sendResponseHeaders(status, b.length);
      try (OutputStream out = x.getResponseBody()) {
        out.write(b);
      }
    }

    @Override
    public void close() {
      http.stop(0);
    }
  }

  private final List<Fake> fakes = new ArrayList<>();

  private Fake fake(String challenge) throws IOException {
    Fake f = new Fake(challenge);
    fakes.add(f);
    return f;
  }

  @AfterEach
  void close() {
    fakes.forEach(Fake::close);
  }

  private static ImageReference ref(String registry) throws OciException {
    return ImageReference.parse(registry + "/demo/app:v1");
  }

  @Test
  void basicCredentials_goOverPlainHttpToALoopbackIpLiteral_butNotToTheNameLocalhost() throws Exception {
    Fake f = fake("Basic realm=\"test\"");
    String literal = "127.0.0.1:" + f.port();
    RegistryException e = assertThrows(RegistryException.class, () -> RegistryClient.builder()
        .credentials(literal, ALICE).build().resolve(ref(literal)));
    assertEquals(Reason.NOT_FOUND, e.reason(), e.getMessage());
    assertTrue(f.seen.stream().anyMatch(s -> s.endsWith(" Basic YWxpY2U6czNjcmV0")), f.seen.toString());

    f.seen.clear();
    String name = "localhost:" + f.port();
    e = assertThrows(RegistryException.class, () -> RegistryClient.builder()
        .credentials(name, ALICE).build().resolve(ref(name)));
    assertEquals(Reason.UNAUTHORIZED, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains("refusing to send credentials over plain HTTP to " + name), e.getMessage());
    assertTrue(f.seen.stream().allMatch(s -> s.endsWith(" null")), "no credentials left: " + f.seen);
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());

    // Marked insecure by the operator, the name may have them.
    f.seen.clear();
    e = assertThrows(RegistryException.class, () -> RegistryClient.builder().insecureRegistry(name)
        .credentials(name, ALICE).build().resolve(ref(name)));
    assertEquals(Reason.NOT_FOUND, e.reason(), e.getMessage());
    assertTrue(f.seen.stream().anyMatch(s -> s.endsWith(" Basic YWxpY2U6czNjcmV0")), f.seen.toString());
  }

  @Test
  void tokenRealmOnAnotherHost_getsCredentialsOnlyWhenTrusted() throws Exception {
    Fake tokens = fake("unused");
    Fake registry = fake("Bearer realm=\"http://localhost:" + tokens.port() + "/token\",service=\"reg\"");
    String name = "127.0.0.1:" + registry.port();

    // Not trusted: the realm is asked without credentials.
    assertThrows(RegistryException.class, () -> RegistryClient.builder().credentials(name, ALICE).build()
        .resolve(ref(name)));
    assertTrue(tokens.seen.stream().allMatch(s -> s.equals("/token null")), tokens.seen.toString());

    // Trusted, but the realm is plain HTTP to a name: still no credentials.
    tokens.seen.clear();
    RegistryException e = assertThrows(RegistryException.class, () -> RegistryClient.builder()
        .credentials(name, ALICE).trustTokenHost(name, "localhost").build().resolve(ref(name)));
    assertEquals(Reason.UNAUTHORIZED, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains("refusing to send credentials over plain HTTP to localhost:" + tokens.port()),
        e.getMessage());
    assertEquals(List.of(), tokens.seen);

    // Trusted, and the operator accepts plain HTTP for this registry: the realm gets them, and
    // the token goes to the registry only.
    registry.seen.clear();
    e = assertThrows(RegistryException.class, () -> RegistryClient.builder().credentials(name, ALICE)
        .insecureRegistry(name).trustTokenHost(name, "LocalHost").build().resolve(ref(name)));
    assertEquals(Reason.NOT_FOUND, e.reason(), e.getMessage());
    assertTrue(tokens.seen.contains("/token Basic YWxpY2U6czNjcmV0"), tokens.seen.toString());
    assertTrue(registry.seen.stream().anyMatch(s -> s.endsWith(" Bearer tkn")), registry.seen.toString());
  }

  @Test
  void dockerHub_isServedFromItsEndpoint_andItsTokenHostIsTrustedBuiltIn() throws Exception {
    RegistryTransport t = new RegistryTransport(Duration.ofSeconds(5), Map.of(), Set.of(), Map.of(),
        Clock.systemUTC());
    Repository hub = new Repository("docker.io", "library/alpine");
    assertEquals(URI.create("https://registry-1.docker.io/v2/library/alpine/manifests/3"),
        t.url(hub, "/manifests/3"));
    assertTrue(t.tokenHostTrusted(hub, "auth.docker.io"));
    assertTrue(t.tokenHostTrusted(new Repository("index.docker.io", "library/alpine"), "auth.docker.io"));
    assertTrue(t.tokenHostTrusted(new Repository("registry-1.docker.io", "library/alpine"), "auth.docker.io"));
    assertTrue(RegistryTransport.onRegistryHost(hub, URI.create("https://registry-1.docker.io/v2/")));
    // The pair is Docker Hub's only: another registry does not get to send credentials there.
    Repository other = new Repository("registry.example", "team/app");
    assertFalse(t.tokenHostTrusted(other, "auth.docker.io"));
    assertFalse(t.tokenHostTrusted(hub, "auth.docker.io.example"));
    assertTrue(t.tokenHostTrusted(other, "registry.example"));
    RegistryTransport trusting = new RegistryTransport(Duration.ofSeconds(5), Map.of(), Set.of(),
        Map.of("registry.example", Set.of("auth.example")), Clock.systemUTC());
    assertTrue(trusting.tokenHostTrusted(other, "auth.example"));
    assertFalse(trusting.tokenHostTrusted(new Repository("registry2.example", "team/app"), "auth.example"));
  }

  /** A clock the test moves. */
  private static final class MovableClock extends Clock {
    volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /**
   * The token service chooses expires_in, any 64-bit number: 2^63-1 seconds ahead is past what an
   * Instant holds (found by OciFuzzTest#registryToken, an ArithmeticException out of
   * resolve). A token is kept a day at most.
   */
  @Test
  void tokenLifetime_isCappedAtADay_whateverExpiresInSays() throws Exception {
    Fake f = fake("Bearer realm=\"http://127.0.0.1:PORT/token\",service=\"reg\"");
    f.tokenAnswer = "{\"token\":\"tkn\",\"expires_in\":" + Long.MAX_VALUE + "}";
    String name = "127.0.0.1:" + f.port();
    MovableClock clock = new MovableClock();
    RegistryClient client = RegistryClient.builder().clock(clock).build();
    for (int i = 0; i < 2; i++) {
      RegistryException e = assertThrows(RegistryException.class, () -> client.resolve(ref(name)));
      assertEquals(Reason.NOT_FOUND, e.reason(), e.getMessage());
    }
    assertEquals(1, f.seen.stream().filter(s -> s.startsWith("/token ")).count(), f.seen.toString());

    clock.now = clock.now.plus(RegistryTransport.MAX_TOKEN_LIFETIME);
    assertThrows(RegistryException.class, () -> client.resolve(ref(name)));
    assertEquals(2, f.seen.stream().filter(s -> s.startsWith("/token ")).count(), f.seen.toString());
  }
}
