package dev.stele.client.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.External;
import dev.stele.client.oci.RegistryException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Basic and bearer-token authentication against a real docker-registry. */
@External
class RegistryAuthTest {

  @Nested
  class Basic {
    @Test
    void anonymous_isRefusedWithAMessageThatSaysCredentialsAreNeeded() throws Exception {
      try (LocalRegistry registry = LocalRegistry.startWithBasicAuth("alice", "s3cret-pass")) {
        RegistryException e = assertThrows(RegistryException.class,
            () -> registry.anonymousClient().resolve(registry.reference("demo/private:v1")));
        assertEquals(Reason.UNAUTHORIZED, e.reason(), e.getMessage());
        assertEquals(401, e.status());
        assertTrue(e.getMessage().contains("requires a user name and password")
            && e.getMessage().contains(registry.address() + "/demo/private"), e.getMessage());
      }
    }

    @Test
    void wrongPassword_isRefused_rightOne_pushesResolvesAndSigns() throws Exception {
      try (LocalRegistry registry = LocalRegistry.startWithBasicAuth("alice", "s3cret-pass")) {
        RegistryClient wrong = RegistryClient.builder()
            .credentials(registry.address(), new Credentials("alice", "guess")).build();
        RegistryException e = assertThrows(RegistryException.class,
            () -> wrong.resolve(registry.reference("demo/private:v1")));
        assertEquals(Reason.UNAUTHORIZED, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("refused the credentials of user alice"), e.getMessage());
        assertTrue(!e.getMessage().contains("guess"), "the password never appears in a message");

        RegistryClient client = registry.client();
        Repository repo = registry.repository("demo/private");
        TestImage image = TestImage.withFile("p.txt", "private");
        ImageReference ref = image.push(client, repo, "v1");
        assertEquals(image.digest(), client.resolve(ref));

        OciSignatureStore store = new OciSignatureStore(client);
        OciSignature sig = OciSignature.of(SimpleSigningPayload.forImage(repo, image.digest()).toBytes(),
            Base64.getEncoder().encodeToString("sig".getBytes(StandardCharsets.UTF_8)), null);
        store.storeSignature(repo, image.digest(), sig);
        assertEquals(List.of(sig), store.listSignatures(repo, image.digest()));
      }
    }
  }

  @Nested
  class Bearer {
    @Test
    void anonymous_isRefusedByTheTokenService_withAClearMessage() throws Exception {
      try (TokenServer tokens = TokenServer.start(new Credentials("bob", "token-pass"));
          LocalRegistry registry = LocalRegistry.startWithTokenAuth(tokens)) {
        RegistryException e = assertThrows(RegistryException.class,
            () -> registry.anonymousClient().resolve(registry.reference("demo/tokened:v1")));
        assertEquals(Reason.UNAUTHORIZED, e.reason(), e.getMessage());
        assertEquals(401, e.status());
        assertTrue(e.getMessage().contains("token service") && e.getMessage().contains("without credentials")
            && e.getMessage().contains("repository:demo/tokened:pull"), e.getMessage());
      }
    }

    @Test
    void withCredentials_pushResolveAndSignatures_work_andTokensAreCachedPerScope() throws Exception {
      try (TokenServer tokens = TokenServer.start(new Credentials("bob", "token-pass"));
          LocalRegistry registry = LocalRegistry.startWithTokenAuth(tokens)) {
        RegistryClient client = registry.client();
        Repository repo = registry.repository("demo/tokened");
        TestImage image = TestImage.withFile("t.txt", "behind a token");
        ImageReference ref = image.push(client, repo, "v1");
        assertEquals(image.digest(), client.resolve(ref));
        assertTrue(tokens.scopes().contains("repository:demo/tokened:pull,push"), tokens.scopes().toString());

        int before = tokens.requests();
        for (int i = 0; i < 3; i++) {
          assertEquals(image.digest(), client.resolve(ref));
        }
        assertTrue(tokens.requests() - before <= 1, "at most one new token (pull scope) for three resolves, got "
            + (tokens.requests() - before));

        OciSignatureStore store = new OciSignatureStore(client);
        OciSignature sig = OciSignature.of(SimpleSigningPayload.forImage(repo, image.digest()).toBytes(),
            Base64.getEncoder().encodeToString("sig".getBytes(StandardCharsets.UTF_8)), null);
        store.storeSignature(repo, image.digest(), sig);
        assertEquals(List.of(sig), store.listSignatures(repo, image.digest()));
      }
    }

    @Test
    void expiredToken_isRenewed() throws Exception {
      try (TokenServer tokens = TokenServer.start(null);
          LocalRegistry registry = LocalRegistry.startWithTokenAuth(tokens)) {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
        Clock clock = new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now.get();
          }
        };
        RegistryClient client = RegistryClient.builder().clock(clock).build();
        Repository repo = registry.repository("demo/expiry");
        ImageReference ref = TestImage.withFile("e.txt", "expiry").push(client, repo, "v1");
        client.resolve(ref);
        int before = tokens.requests();
        client.resolve(ref);
        assertEquals(before, tokens.requests(), "a fresh token is reused");
        now.set(now.get().plus(Duration.ofSeconds(300)));
        client.resolve(ref);
        assertEquals(before + 1, tokens.requests(), "an expired token is replaced before use");
      }
    }
  }

  /**
   * Credentials, and tokens got with them, go only to the registry's own host. "Another host"
   * here is the same loopback server under the name {@code localhost}, while the registry is
   * addressed as {@code 127.0.0.1}: to the client these are different hosts.
   */
  @Nested
  class CredentialsStayWithTheRegistry {
    @Test
    void tokenRealmOnAnotherHost_isAskedWithoutCredentials() throws Exception {
      try (TokenServer tokens = TokenServer.start(new Credentials("bob", "token-pass"));
          LocalRegistry registry = LocalRegistry.startWithTokenAuth(tokens, tokens.realm("localhost"))) {
        RegistryException e = assertThrows(RegistryException.class,
            () -> registry.client().resolve(registry.reference("demo/elsewhere:v1")));
        assertEquals(Reason.UNAUTHORIZED, e.reason(), e.getMessage());
        assertTrue(tokens.requests() > 0, "the token service was asked");
        assertEquals(0, tokens.authorizedRequests(), "no request to the other host carried credentials");
        assertTrue(e.getMessage().contains("the credentials for " + registry.address()
            + " are sent only to its own host, not to localhost"), e.getMessage());
      }
    }

    @Test
    void tokenRealmOnAnotherHost_trustedByTheOperator_getsTheCredentials() throws Exception {
      try (TokenServer tokens = TokenServer.start(new Credentials("bob", "token-pass"));
          LocalRegistry registry = LocalRegistry.startWithTokenAuth(tokens, tokens.realm("localhost"))) {
        // The realm is plain HTTP to a name, so the operator also accepts plain HTTP for this registry.
        RegistryClient client = RegistryClient.builder().credentials(registry.address(), tokens.credentials())
            .insecureRegistry(registry.address()).trustTokenHost(registry.address(), "localhost").build();
        RegistryException e = assertThrows(RegistryException.class,
            () -> client.resolve(registry.reference("demo/elsewhere:v1")));
        assertEquals(Reason.NOT_FOUND, e.reason(), e.getMessage());
        assertTrue(tokens.authorizedRequests() > 0, "the trusted token host got the credentials");
      }
    }

    @Test
    void uploadLocationOnAnotherHost_getsNoCredentials() throws Exception {
      try (LocalRegistry registry = LocalRegistry.startWithBasicAuth("alice", "s3cret-pass");
          TamperingProxy proxy = TamperingProxy.in(registry.address())) {
        int proxyPort = Integer.parseInt(proxy.address().substring(proxy.address().lastIndexOf(':') + 1));
        // The registry opens the upload; the proxy moves its Location to "localhost".
        proxy.rewrite((method, path, answer) -> {
          List<String> location = answer.headers().get("Location");
          if (!method.equals("POST") || location == null) {
            return answer;
          }
          java.net.URI original = java.net.URI.create(location.get(0));
          return answer.withHeader("Location", "http://localhost:" + proxyPort + original.getRawPath()
              + (original.getRawQuery() != null ? "?" + original.getRawQuery() : ""));
        });
        RegistryClient client = RegistryClient.builder()
            .credentials(proxy.address(), new Credentials("alice", "s3cret-pass")).build();
        Repository repo = proxy.repository("demo/upload");
        RegistryException e = assertThrows(RegistryException.class,
            () -> client.pushBlob(repo, "content".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Reason.UNAUTHORIZED, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("it is not the registry's host 127.0.0.1, so no credentials are sent"),
            e.getMessage());

        List<TamperingProxy.Received> received = proxy.received();
        TamperingProxy.Received opened = received.stream().filter(r -> r.method().equals("POST")).reduce((a, b) -> b)
            .orElseThrow();
        assertTrue(opened.authorized(), "the registry's own host gets the credentials: " + received);
        List<TamperingProxy.Received> puts = received.stream().filter(r -> r.method().equals("PUT")).toList();
        assertEquals(1, puts.size(), received.toString());
        assertEquals("localhost:" + proxyPort, puts.get(0).host());
        assertTrue(!puts.get(0).authorized(), "the upload on another host got no credentials: " + puts);
      }
    }
  }
}
