package dev.stele.client.trust;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.client.TrustedLog;
import dev.stele.client.ValidityPeriod;
import dev.stele.client.crypto.KeyType;
import dev.stele.client.crypto.PublicKeys;
import dev.stele.client.protocol.Der;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.KeyMaterial;
import dev.stele.client.protocol.ProtocolJson;
import dev.stele.merkle.Hash;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a verifier trusts: transparency logs (their keys, log IDs and validity periods) and
 * certificate authorities for certificate signers. Read from a Sigstore {@code trusted_root.json}
 * ({@link #parse}) or made from the PEM public key of one log ({@link #forLogKey}).
 *
 * <p>The trusted root's certificate-transparency logs and timestamp authorities are parsed and
 * kept ({@link #ctLogs()}, {@link #timestampAuthorities()}) but not used by this library's
 * verifier: it does not check SCTs, and its only time source is the log's signed entry timestamp.
 *
 * <p>Immutable.
 */
public final class TrustRoot {
  /** Media type of Sigstore trusted roots, version 0.1. */
  public static final String MEDIA_TYPE_V01 = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";
  /** Media type of Sigstore trusted roots, version 0.2. */
  public static final String MEDIA_TYPE_V02 = "application/vnd.dev.sigstore.trustedroot.v0.2+json";

  private final List<TrustedLog> logs;
  private final List<CertificateAuthority> certificateAuthorities;
  private final List<TrustedLog> ctLogs;
  private final List<CertificateAuthority> timestampAuthorities;

  private TrustRoot(List<TrustedLog> logs, List<CertificateAuthority> cas, List<TrustedLog> ctLogs,
      List<CertificateAuthority> tsas) {
    this.logs = List.copyOf(logs);
    this.certificateAuthorities = List.copyOf(cas);
    this.ctLogs = List.copyOf(ctLogs);
    this.timestampAuthorities = List.copyOf(tsas);
  }

  /** Trust in the given logs and certificate authorities. */
  public static TrustRoot of(List<TrustedLog> logs, List<CertificateAuthority> certificateAuthorities) {
    return new TrustRoot(logs, certificateAuthorities, List.of(), List.of());
  }

  /**
   * Trust in one Rekor v1 log given by its base URL and public key, valid at all times (a plain
   * PEM file carries no validity period). No certificate authority: only public-key signers.
   *
   * @throws InvalidKeyException if the key type is not supported
   * @throws IllegalArgumentException if the URL has no host
   */
  public static TrustRoot forLogKey(URI baseUrl, PublicKey key) throws InvalidKeyException {
    return of(List.of(TrustedLog.rekorV1(baseUrl, key, ValidityPeriod.ALWAYS)), List.of());
  }

  /**
   * Parses a Sigstore trusted root (media type version 0.1 or 0.2).
   *
   * @throws FormatException naming the JSON path of the first problem
   */
  public static TrustRoot parse(byte[] json) throws FormatException {
    JsonNode root;
    try {
      root = ProtocolJson.mapper().readTree(json);
    } catch (IOException e) {
      throw new FormatException("trusted root is not valid JSON: " + e.getMessage());
    }
    ProtoJson.requireObject(root, "trusted root");
    String mediaType = ProtoJson.string(root, "mediaType", "");
    if (!mediaType.equals(MEDIA_TYPE_V01) && !mediaType.equals(MEDIA_TYPE_V02)) {
      throw new FormatException("mediaType '" + ProtoJson.shorten(mediaType) + "' is not a trusted root;"
          + " expected " + MEDIA_TYPE_V01 + " or " + MEDIA_TYPE_V02);
    }
    List<TrustedLog> logs = logs(root, "tlogs", true);
    List<TrustedLog> ctLogs = logs(root, "ctlogs", false);
    List<CertificateAuthority> cas = authorities(root, "certificateAuthorities");
    List<CertificateAuthority> tsas = authorities(root, "timestampAuthorities");
    return new TrustRoot(logs, cas, ctLogs, tsas);
  }

  /**
   * A trusted root (media type version 0.1) holding one ECDSA P-256 log: the shape {@code
   * stele-server trust} writes for its own log, which serves Rekor v1 and v2 under one URL, one key
   * and one log ID (docs/protocol.md 9.1).
   */
  public static String trustedRootJson(URI baseUrl, java.security.PublicKey logKey, Instant validFrom) {
    com.fasterxml.jackson.databind.node.ObjectNode root = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    root.put("mediaType", MEDIA_TYPE_V01);
    var tlog = root.putArray("tlogs").addObject();
    tlog.put("baseUrl", baseUrl.toString());
    tlog.put("hashAlgorithm", "SHA2_256");
    var key = tlog.putObject("publicKey");
    key.put("rawBytes", dev.stele.client.protocol.Encodings.base64(logKey.getEncoded()));
    key.put("keyDetails", "PKIX_ECDSA_P256_SHA_256");
    key.putObject("validFor").put("start", validFrom.toString());
    tlog.putObject("logId").put("keyId", PublicKeys.logId(logKey).base64());
    root.putArray("certificateAuthorities");
    root.putArray("ctlogs");
    root.putArray("timestampAuthorities");
    try {
      return ProtocolJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree built here does not serialize: " + e.getMessage(), e);
    }
  }

  /** The transparency logs. */
  public List<TrustedLog> logs() {
    return logs;
  }

  /** The logs with this log ID (several when a key was re-issued with another validity). */
  public List<TrustedLog> logsWithId(Hash logId) {
    List<TrustedLog> out = new ArrayList<>(1);
    for (TrustedLog l : logs) {
      if (l.logId().equals(logId)) {
        out.add(l);
      }
    }
    return out;
  }

  /** Certificate authorities for signing certificates. */
  public List<CertificateAuthority> certificateAuthorities() {
    return certificateAuthorities;
  }

  /** Certificate-transparency logs, as read (unused by the verifier: SCTs are not checked). */
  public List<TrustedLog> ctLogs() {
    return ctLogs;
  }

  /** Timestamp authorities, as read (unused by the verifier: RFC 3161 timestamps are not used). */
  public List<CertificateAuthority> timestampAuthorities() {
    return timestampAuthorities;
  }

  @Override
  public String toString() {
    return "TrustRoot[" + logs.size() + " logs, " + certificateAuthorities.size() + " CAs]";
  }

  private static List<TrustedLog> logs(JsonNode root, String name, boolean strict) throws FormatException {
    List<TrustedLog> out = new ArrayList<>();
    List<JsonNode> items = ProtoJson.array(root, name, "");
    for (int i = 0; i < items.size(); i++) {
      String where = name + "[" + i + "]";
      JsonNode log = ProtoJson.requireObject(items.get(i), where);
      Optional<String> hashAlgorithm = ProtoJson.optionalString(log, "hashAlgorithm", where);
      if (hashAlgorithm.isPresent() && !hashAlgorithm.get().equals("SHA2_256")) {
        if (strict) {
          throw new FormatException(where + ".hashAlgorithm " + hashAlgorithm.get()
              + " is not supported; only SHA2_256 trees are");
        }
        continue;
      }
      URI baseUrl = uri(ProtoJson.string(log, "baseUrl", where), where + ".baseUrl");
      JsonNode publicKey = ProtoJson.object(log, "publicKey", where);
      String keyWhere = where + ".publicKey";
      String details = ProtoJson.string(publicKey, "keyDetails", keyWhere);
      byte[] raw = ProtoJson.bytes(publicKey, "rawBytes", keyWhere);
      ValidityPeriod validity = validity(publicKey, keyWhere);
      Hash logId = hash(ProtoJson.bytes(ProtoJson.object(log, "logId", where), "keyId", where + ".logId"),
          where + ".logId.keyId");
      PublicKey key;
      try {
        key = key(details, raw, keyWhere);
        out.add(TrustedLog.of(baseUrl, key, logId, validity));
      } catch (FormatException | InvalidKeyException | IllegalArgumentException e) {
        if (strict) {
          // A FormatException names its own path; the others do not.
          throw e instanceof FormatException ? (FormatException) e
              : new FormatException(where + ": " + e.getMessage(), e);
        }
        // A CT log whose key this library cannot use: SCTs are not checked, so it is not needed.
      }
    }
    return out;
  }

  /**
   * The key of a {@code PublicKey} message: {@code rawBytes} is a DER SubjectPublicKeyInfo, except
   * for {@code PKCS1_RSA_*} details, where it may be a bare PKCS#1 RSAPublicKey.
   */
  private static PublicKey key(String details, byte[] raw, String where)
      throws FormatException, InvalidKeyException {
    PublicKey key;
    String rawWhere = where + ".rawBytes";
    if (details.startsWith("PKCS1_RSA_")) {
      try {
        key = Der.publicKey(rawWhere, raw);
      } catch (FormatException notSpki) {
        key = Der.pkcs1RsaPublicKey(rawWhere, raw);
      }
    } else {
      key = Der.publicKey(rawWhere, raw);
    }
    KeyType type = PublicKeys.typeOf(key);
    boolean matches;
    switch (details) {
      case "PKIX_ECDSA_P256_SHA_256":
        matches = type == KeyType.ECDSA_P256;
        break;
      case "PKIX_ECDSA_P384_SHA_384":
        matches = type == KeyType.ECDSA_P384;
        break;
      case "PKIX_ECDSA_P521_SHA_512":
        matches = type == KeyType.ECDSA_P521;
        break;
      case "PKIX_ED25519":
        matches = type == KeyType.ED25519;
        break;
      case "PKCS1_RSA_PKCS1V5":
      case "PKIX_RSA_PKCS1V5":
        matches = type.isRsa();
        break;
      case "PKIX_RSA_PKCS1V15_2048_SHA256":
        matches = type == KeyType.RSA_2048;
        break;
      case "PKIX_RSA_PKCS1V15_3072_SHA256":
        matches = type == KeyType.RSA_3072;
        break;
      case "PKIX_RSA_PKCS1V15_4096_SHA256":
        matches = type == KeyType.RSA_4096;
        break;
      default:
        throw new FormatException(where + ".keyDetails " + details + " is not supported; supported:"
            + " PKIX_ECDSA_P256_SHA_256, PKIX_ECDSA_P384_SHA_384, PKIX_ECDSA_P521_SHA_512, PKIX_ED25519,"
            + " PKIX_RSA_PKCS1V15_{2048,3072,4096}_SHA256, PKCS1_RSA_PKCS1V5");
    }
    if (!matches) {
      throw new FormatException(where + ".keyDetails says " + details + " but rawBytes hold a "
          + type + " key");
    }
    return key;
  }

  private static List<CertificateAuthority> authorities(JsonNode root, String name) throws FormatException {
    List<CertificateAuthority> out = new ArrayList<>();
    List<JsonNode> items = ProtoJson.array(root, name, "");
    for (int i = 0; i < items.size(); i++) {
      String where = name + "[" + i + "]";
      JsonNode ca = ProtoJson.requireObject(items.get(i), where);
      String subject = ProtoJson.optionalObject(ca, "subject", where)
          .map(s -> s.path("commonName").asText("") + (s.has("organization") ? " (" + s.path("organization").asText("") + ")" : ""))
          .orElse("");
      Optional<String> uriText = ProtoJson.optionalString(ca, "uri", where);
      URI uri = uriText.isPresent() ? uri(uriText.get(), where + ".uri") : null;
      JsonNode chain = ProtoJson.object(ca, "certChain", where);
      List<JsonNode> certs = ProtoJson.array(chain, "certificates", where + ".certChain");
      if (certs.isEmpty()) {
        throw new FormatException(where + ".certChain.certificates is empty");
      }
      List<X509Certificate> parsed = new ArrayList<>(certs.size());
      for (int c = 0; c < certs.size(); c++) {
        String cw = where + ".certChain.certificates[" + c + "]";
        parsed.add(Der.certificate(cw, ProtoJson.bytes(ProtoJson.requireObject(certs.get(c), cw), "rawBytes", cw)));
      }
      out.add(new CertificateAuthority(subject, uri, parsed, validity(ca, where)));
    }
    return out;
  }

  private static ValidityPeriod validity(JsonNode holder, String where) throws FormatException {
    Optional<JsonNode> validFor = ProtoJson.optionalObject(holder, "validFor", where);
    if (validFor.isEmpty()) {
      return ValidityPeriod.ALWAYS;
    }
    String w = where + ".validFor";
    Instant start = ProtoJson.timestamp(validFor.get(), "start", w)
        .orElseThrow(() -> new FormatException(w + ".start is missing"));
    Optional<Instant> end = ProtoJson.timestamp(validFor.get(), "end", w);
    if (end.isPresent() && end.get().isBefore(start)) {
      throw new FormatException(w + " ends before it starts");
    }
    return new ValidityPeriod(start, end);
  }

  private static Hash hash(byte[] bytes, String where) throws FormatException {
    if (bytes.length != Hash.SIZE) {
      throw new FormatException(where + " must be " + Hash.SIZE + " bytes, got " + bytes.length);
    }
    return Hash.of(bytes);
  }

  private static URI uri(String text, String where) throws FormatException {
    try {
      URI u = new URI(text);
      if (u.getHost() == null) {
        throw new FormatException(where + " '" + ProtoJson.shorten(text) + "' has no host");
      }
      return u;
    } catch (URISyntaxException e) {
      throw new FormatException(where + " is not a URL: " + e.getMessage());
    }
  }
}
