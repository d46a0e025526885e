package dev.stele.client.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A bearer-token service for {@link LocalRegistry#startWithTokenAuth}: a JDK HTTP server on
 * 127.0.0.1 that answers {@code GET /token?service=...&scope=...} with a JWT the real
 * registry accepts (ES256, signed by a fresh P-256 key whose self-signed certificate is the
 * registry's {@code rootcertbundle} and travels in the token's {@code x5c} header; claims
 * {@code iss}, {@code sub}, {@code aud}, {@code exp}, {@code nbf}, {@code iat}, {@code jti} and
 * {@code access}, as the distribution token specification has them).
 *
 * <p>With credentials, requests must carry them as HTTP Basic (else 401); it grants every
 * action asked for. {@link #requests()} counts token requests, {@link #scopes()} records them.
 */
public final class TokenServer implements AutoCloseable {
  public static final String SERVICE = "stele-test-registry";
  public static final String ISSUER = "stele-test-token-issuer";

  private final HttpServer server;
  private final KeyPair key;
  private final X509Certificate certificate;
  private final Path dir;
  private final Credentials credentials;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger authorized = new AtomicInteger();
  private final List<String> scopes = Collections.synchronizedList(new ArrayList<>());

  private TokenServer(Credentials credentials) throws Exception {
    this.credentials = credentials;
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    this.key = g.generateKeyPair();
    X500Name name = new X500Name("CN=stele test token issuer");
    Instant now = Instant.now();
    this.certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
        BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minusSeconds(3600)), Date.from(now.plusSeconds(86400)),
        name, key.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    this.dir = Files.createTempDirectory("stele-token");
    try (JcaPEMWriter pem = new JcaPEMWriter(Files.newBufferedWriter(dir.resolve("root.pem")))) {
      pem.writeObject(certificate);
    }
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/token", this::handle);
    server.start();
  }

  /** A token service that requires these credentials (or, with null, gives tokens to anyone). */
  public static TokenServer start(Credentials credentials) throws Exception {
    return new TokenServer(credentials);
  }

  public String realm() {
    return realm("127.0.0.1");
  }

  /** The realm under another name for this server, e.g. {@code localhost}: another host to a client. */
  public String realm(String host) {
    return "http://" + host + ":" + server.getAddress().getPort() + "/token";
  }

  public Path certificateBundle() {
    return dir.resolve("root.pem");
  }

  public Credentials credentials() {
    return credentials;
  }

  /** How many token requests were answered (with a token or a refusal). */
  public int requests() {
    return requests.get();
  }

  /** How many token requests carried an {@code Authorization} header. */
  public int authorizedRequests() {
    return authorized.get();
  }

  /** The scope parameters of every request, in order. */
  public List<String> scopes() {
    synchronized (scopes) {
      return List.copyOf(scopes);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      requests.incrementAndGet();
      if (exchange.getRequestHeaders().containsKey("Authorization")) {
        authorized.incrementAndGet();
      }
      String service = null;
      List<String> wanted = new ArrayList<>();
      String query = exchange.getRequestURI().getRawQuery();
      for (String pair : query == null ? new String[0] : query.split("&")) {
        String[] kv = pair.split("=", 2);
        String value = kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
        if (kv[0].equals("service")) {
          service = value;
        } else if (kv[0].equals("scope")) {
          wanted.add(value);
        }
      }
      scopes.add(String.join(" ", wanted));
      String subject = "anonymous";
      if (credentials != null) {
        String given = exchange.getRequestHeaders().getFirst("Authorization");
        if (given == null || !given.equals(credentials.basicAuthorization())) {
          reply(exchange, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad or missing credentials\"}]}");
          return;
        }
        subject = credentials.username();
      }
      if (!SERVICE.equals(service)) {
        reply(exchange, 400, "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"unknown service\"}]}");
        return;
      }
      String token = token(subject, wanted);
      reply(exchange, 200, "{\"token\":\"" + token + "\",\"access_token\":\"" + token
          + "\",\"expires_in\":300,\"issued_at\":\"" + Instant.now() + "\"}");
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("cannot issue a token", e);
    }
  }

  private String token(String subject, List<String> wanted) throws Exception {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode header = f.objectNode().put("typ", "JWT").put("alg", "ES256");
    header.putArray("x5c").add(Base64.getEncoder().encodeToString(certificate.getEncoded()));
    long now = Instant.now().getEpochSecond();
    ObjectNode claims = f.objectNode().put("iss", ISSUER).put("sub", subject).put("aud", SERVICE)
        .put("exp", now + 300).put("nbf", now - 10).put("iat", now).put("jti", UUID.randomUUID().toString());
    ArrayNode access = claims.putArray("access");
    for (String scope : wanted) {
      String[] parts = scope.split(":");
      if (parts.length == 3) {
        ObjectNode a = access.addObject().put("type", parts[0]).put("name", parts[1]);
        ArrayNode actions = a.putArray("actions");
        for (String action : parts[2].split(",")) {
          actions.add(action);
        }
      }
    }
    Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
    String signingInput = url.encodeToString(OciJson.write(header)) + "." + url.encodeToString(OciJson.write(claims));
    // JWS ES256 wants the raw r||s form (RFC 7518 section 3.4), which is the JDK's P1363 format.
    Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
    s.initSign(key.getPrivate());
    s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + url.encodeToString(s.sign());
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  @Override
  public void close() throws IOException {
    server.stop(0);
    ExternalTool.deleteTree(dir);
  }
}
