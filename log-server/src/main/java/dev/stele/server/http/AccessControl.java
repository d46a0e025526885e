package dev.stele.server.http;

import dev.stele.server.security.TokenFile;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who may write (and, if the operator says so, read): the one handler in front of every route
 * it guards. A request passes with a bearer token whose SHA-256 is in a token file
 * ({@code Authorization: Bearer <token>}), or with a client certificate the TLS handshake
 * verified against {@code --client-ca}. Without credentials it gets 401 with {@code
 * WWW-Authenticate: Bearer}; with credentials that are not accepted, 403. Each message says
 * what to do.
 *
 * <p>Tokens never appear in logs, messages or metrics: the handler logs the token's name (or the
 * certificate's subject), and for each write the log accepts one audit line with that name and
 * the entry's UUID and index ({@code audit} logger).
 *
 * <p>Runs on the event loop: a hash and a few comparisons, no I/O.
 */
public final class AccessControl {
  /** The audit trail of writes: one line per accepted write, named, never with a secret. */
  static final Logger AUDIT = Logger.getLogger("dev.stele.server.audit");
  private static final Logger LOG = Logger.getLogger(AccessControl.class.getName());
  /** Where the name of the accepted credential is kept on the request. */
  static final String PRINCIPAL = "stele.principal";
  /** Where the write handler puts the index of the entry it logged (for the audit line). */
  public static final String LOG_INDEX = "stele.logIndex";
  /** Health probes stay open on a listener that restricts reads: load balancers carry no tokens. */
  private static final Set<String> OPEN_PATHS = Set.of("/healthz", "/readyz", "/ping");

  private final String what;
  private volatile TokenFile tokens;
  /** Tokens that also pass this check (write tokens pass a read check); may be null. */
  private final AccessControl also;
  private final boolean certificates;

  private AccessControl(String what, TokenFile tokens, AccessControl also, boolean certificates) {
    this.what = what;
    this.tokens = tokens;
    this.also = also;
    this.certificates = certificates;
  }

  /**
   * The check of writes: a token of {@code tokens} (null for none) or, with {@code
   * certificates}, a verified client certificate.
   */
  public static AccessControl writes(TokenFile tokens, boolean certificates) {
    return new AccessControl("write to this log", tokens, null, certificates);
  }

  /** The check of reads: a read token, or anything the write check accepts. */
  public static AccessControl reads(TokenFile tokens, AccessControl writes) {
    return new AccessControl("read this log", tokens, writes, writes.certificates);
  }

  /** Puts a reloaded token file to use. */
  public void replace(TokenFile fresh) {
    this.tokens = fresh;
  }

  /** The handler that guards a route. */
  public Handler<RoutingContext> guard() {
    return this::check;
  }

  /** The handler that guards every route but the health probes (a listener restricting reads). */
  Handler<RoutingContext> guardAllButProbes() {
    return ctx -> {
      if (OPEN_PATHS.contains(ctx.normalizedPath())) {
        ctx.next();
      } else {
        check(ctx);
      }
    };
  }

  /**
   * The handler that writes the audit line of an accepted write when its answer goes out:
   * registered on write routes after {@link #guard()}.
   */
  static Handler<RoutingContext> audit(String route) {
    return ctx -> {
      ctx.addHeadersEndHandler(v -> {
        int status = ctx.response().getStatusCode();
        if (status == 201) {
          String location = ctx.response().headers().get("Location");
          String uuid = location == null ? "?" : location.substring(location.lastIndexOf('/') + 1);
          Object index = ctx.get(LOG_INDEX);
          AUDIT.info("write accepted: " + route + " by " + ctx.get(PRINCIPAL, "anyone (no write control)")
              + ", entry " + uuid + (index != null ? " at index " + index : "") + ", from "
              + ctx.request().remoteAddress());
        }
      });
      ctx.next();
    };
  }

  private void check(RoutingContext ctx) {
    Optional<String> certificate = certificates ? clientCertificate(ctx) : Optional.empty();
    if (certificate.isPresent()) {
      ctx.put(PRINCIPAL, "certificate " + certificate.get());
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    if (header == null || header.isBlank()) {
      refuse(ctx, 401, "authentication required to " + what + ": send Authorization: Bearer <token>"
          + (certificates ? " or a client certificate from the log's client CA" : ""));
      return;
    }
    int space = header.indexOf(' ');
    String scheme = space < 0 ? header : header.substring(0, space);
    String token = space < 0 ? "" : header.substring(space + 1).strip();
    if (!scheme.toLowerCase(Locale.ROOT).equals("bearer") || token.isEmpty()) {
      refuse(ctx, 401, "authentication required to " + what + ": the Authorization header must be"
          + " \"Bearer <token>\", got the scheme " + (scheme.length() > 20 ? scheme.substring(0, 20) + "..." : scheme));
      return;
    }
    Optional<String> name = match(token);
    if (name.isEmpty()) {
      LOG.warning("refused a request to " + what + " with a token that is not accepted, from "
          + ctx.request().remoteAddress() + " (" + ctx.request().method() + " " + ctx.normalizedPath() + ")");
      refuse(ctx, 403, "the token is not accepted to " + what);
      return;
    }
    ctx.put(PRINCIPAL, "token " + name.get());
    ctx.next();
  }

  private Optional<String> match(String token) {
    TokenFile t = tokens;
    Optional<String> name = t == null ? Optional.empty() : t.match(token);
    return name.isPresent() || also == null ? name : also.match(token);
  }

  private static void refuse(RoutingContext ctx, int status, String message) {
    ctx.response().putHeader("WWW-Authenticate", status == 401
        ? "Bearer realm=\"stele\"" : "Bearer realm=\"stele\", error=\"invalid_token\"");
    ErrorMapper.send(ctx, status, message);
  }

  /** The subject of the client certificate the handshake verified, if one was presented. */
  private static Optional<String> clientCertificate(RoutingContext ctx) {
    SSLSession session = ctx.request().sslSession();
    if (session == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate)) {
        return Optional.empty();
      }
      return Optional.of(name((X509Certificate) chain[0]));
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }

  /** The certificate's common name, or its whole subject when it has none. */
  static String name(X509Certificate c) {
    String subject = c.getSubjectX500Principal().getName();
    try {
      List<Rdn> rdns = new LdapName(subject).getRdns();
      for (Rdn r : rdns) {
        if (r.getType().equalsIgnoreCase("CN")) {
          return "CN=" + r.getValue();
        }
      }
    } catch (InvalidNameException e) {
      // fall back to the whole subject
    }
    return subject;
  }
}
