package dev.stele.client.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.protocol.Der;
import dev.stele.client.protocol.Encodings;
import dev.stele.client.protocol.EntryBody;
import dev.stele.client.protocol.EntryKinds;
import dev.stele.client.protocol.EntryId;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.Inclusion;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.SignedNote;
import dev.stele.client.protocol.ProtocolJson;
import dev.stele.client.trust.ProtoJson;
import dev.stele.client.verify.Artifact;
import dev.stele.client.verify.DsseEnvelope;
import dev.stele.merkle.Hash;
import dev.stele.merkle.Rfc6962;
import dev.stele.merkle.proof.InclusionProof;
import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Sigstore bundle (versions 0.1, 0.2 and 0.3, protobuf JSON): the material to verify a signature
 * offline. It holds the signer's verification material (a public-key hint, or an X.509
 * certificate or chain), the transparency-log entries with their evidence, and the signed content:
 * a message signature over an artifact digest, or a DSSE envelope.
 *
 * <p>Reading follows the protobuf JSON mapping ({@link ProtoJson}); structural rules of the
 * bundle format are enforced here: exactly one kind of verification material and content, a known
 * media type, well-formed entries (non-negative indices, 32-byte hashes). Whether the evidence is
 * sufficient and valid is {@link BundleVerifier}'s job, RFC 3161 timestamps included.
 *
 * <p>Immutable.
 */
public final class Bundle {
  /** Bundle media types, by minor version. */
  public static final String MEDIA_TYPE_V01 = "application/vnd.dev.sigstore.bundle+json;version=0.1";
  public static final String MEDIA_TYPE_V02 = "application/vnd.dev.sigstore.bundle+json;version=0.2";
  public static final String MEDIA_TYPE_V03 = "application/vnd.dev.sigstore.bundle.v0.3+json";
  private static final String MEDIA_TYPE_V03_OLD = "application/vnd.dev.sigstore.bundle+json;version=0.3";

  private final String mediaType;
  private final int minorVersion;
  private final String publicKeyHint;
  private final List<X509Certificate> certificates;
  private final List<TlogEntry> tlogEntries;
  private final MessageSignature messageSignature;
  private final DsseEnvelope dsseEnvelope;
  private final List<byte[]> rfc3161Timestamps;

  /**
   * One transparency-log entry and the kind/version the bundle declares for it.
   *
   * @param entry the entry and its evidence
   * @param kind the declared entry kind, e.g. {@code hashedrekord}
   * @param version the declared kind version, e.g. {@code 0.0.1}
   * @param proofWithoutCheckpoint an inclusion proof the bundle carries without the signed
   *     checkpoint it needs (then {@code entry} has no inclusion); {@link BundleVerifier} checks it
   *     and then rejects the entry at the checkpoint stage
   */
  public record TlogEntry(LoggedEntry entry, String kind, String version,
      Optional<Unanchored> proofWithoutCheckpoint) {
    public TlogEntry {
      Objects.requireNonNull(entry);
      Objects.requireNonNull(kind);
      Objects.requireNonNull(version);
      Objects.requireNonNull(proofWithoutCheckpoint);
      if (proofWithoutCheckpoint.isPresent() && entry.inclusion().isPresent()) {
        throw new IllegalArgumentException("an entry has one inclusion proof");
      }
    }

    public TlogEntry(LoggedEntry entry, String kind, String version) {
      this(entry, kind, version, Optional.empty());
    }
  }

  /**
   * An inclusion proof and the root it claims, with no checkpoint to vouch for the root.
   *
   * @param proof the audit path
   * @param rootHash the claimed root
   */
  public record Unanchored(InclusionProof proof, Hash rootHash) {
    public Unanchored {
      Objects.requireNonNull(proof);
      Objects.requireNonNull(rootHash);
    }
  }

  /**
   * A signature over an artifact digest.
   *
   * @param digest the artifact digest the bundle names (optional in the format)
   * @param signature the signature bytes
   */
  public record MessageSignature(Optional<Artifact.Digest> digest, byte[] signature) {
    public MessageSignature {
      Objects.requireNonNull(digest);
      signature = signature.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }
  }

  private Bundle(String mediaType, int minorVersion, String publicKeyHint, List<X509Certificate> certificates,
      List<TlogEntry> tlogEntries, MessageSignature messageSignature, DsseEnvelope dsseEnvelope,
      List<byte[]> rfc3161Timestamps) {
    this.mediaType = mediaType;
    this.minorVersion = minorVersion;
    this.publicKeyHint = publicKeyHint;
    this.certificates = List.copyOf(certificates);
    this.tlogEntries = List.copyOf(tlogEntries);
    this.messageSignature = messageSignature;
    this.dsseEnvelope = dsseEnvelope;
    this.rfc3161Timestamps = List.copyOf(rfc3161Timestamps);
  }

  /**
   * A version 0.3 bundle for a message signature by a public key, as {@code sign-blob} writes it.
   *
   * @param publicKeyHint an unauthenticated name for the key (verifiers are given the key itself)
   * @param digest the signed artifact digest
   * @param signature the signature over the digest
   * @param entries the log entries recording the signature, each with kind and version
   */
  public static Bundle forMessageSignature(String publicKeyHint, Artifact.Digest digest, byte[] signature,
      List<TlogEntry> entries) {
    return new Bundle(MEDIA_TYPE_V03, 3, Objects.requireNonNull(publicKeyHint), List.of(), entries,
        new MessageSignature(Optional.of(digest), signature), null, List.of());
  }

  /** A version 0.3 bundle for a DSSE envelope signed by a public key. */
  public static Bundle forDsse(String publicKeyHint, DsseEnvelope envelope, List<TlogEntry> entries) {
    return new Bundle(MEDIA_TYPE_V03, 3, Objects.requireNonNull(publicKeyHint), List.of(), entries, null,
        Objects.requireNonNull(envelope), List.of());
  }

  /** The kind and version declared for {@code entry}, read from its body. */
  public static TlogEntry tlogEntry(LoggedEntry entry) throws FormatException {
    EntryBody body = EntryKinds.parseBody(entry.body());
    return new TlogEntry(entry, body.kind(), body.apiVersion());
  }

  public String mediaType() {
    return mediaType;
  }

  /** 1, 2 or 3. */
  public int minorVersion() {
    return minorVersion;
  }

  /** The public-key hint, if the signer is a public key. */
  public Optional<String> publicKeyHint() {
    return Optional.ofNullable(publicKeyHint);
  }

  /** The certificate chain (leaf first), empty if the signer is a public key. */
  public List<X509Certificate> certificates() {
    return certificates;
  }

  public List<TlogEntry> tlogEntries() {
    return tlogEntries;
  }

  public Optional<MessageSignature> messageSignature() {
    return Optional.ofNullable(messageSignature);
  }

  public Optional<DsseEnvelope> dsseEnvelope() {
    return Optional.ofNullable(dsseEnvelope);
  }

  /**
   * The RFC 3161 timestamps the bundle carries ({@code signedTimestamp}: DER TimeStampResp), each
   * over the signature; {@link BundleVerifier} checks them against the trusted timestamp
   * authorities. Copies.
   */
  public List<byte[]> rfc3161Timestamps() {
    List<byte[]> out = new ArrayList<>(rfc3161Timestamps.size());
    rfc3161Timestamps.forEach(t -> out.add(t.clone()));
    return out;
  }

  /**
   * The digest algorithm an artifact must be hashed with to compare it with this bundle's message
   * signature (SHA-256 when the bundle does not say).
   */
  public HashAlgorithm artifactDigestAlgorithm() {
    return messageSignature != null && messageSignature.digest().isPresent()
        ? messageSignature.digest().get().algorithm() : HashAlgorithm.SHA256;
  }

  // ---- reading ----

  /**
   * Parses a bundle.
   *
   * @throws FormatException naming the JSON path of the first problem
   */
  public static Bundle parse(byte[] json) throws FormatException {
    JsonNode root;
    try {
      root = ProtocolJson.mapper().readTree(json);
    } catch (IOException e) {
      throw new FormatException("bundle is not valid JSON: " + e.getMessage());
    }
    ProtoJson.requireObject(root, "bundle");
    String mediaType = ProtoJson.string(root, "mediaType", "");
    int minor;
    switch (mediaType) {
      case MEDIA_TYPE_V01:
        minor = 1;
        break;
      case MEDIA_TYPE_V02:
        minor = 2;
        break;
      case MEDIA_TYPE_V03:
      case MEDIA_TYPE_V03_OLD:
        minor = 3;
        break;
      default:
        throw new FormatException("mediaType '" + mediaType + "' is not a supported Sigstore bundle; expected "
            + MEDIA_TYPE_V01 + ", " + MEDIA_TYPE_V02 + " or " + MEDIA_TYPE_V03);
    }
    JsonNode vm = ProtoJson.object(root, "verificationMaterial", "");
    String w = "verificationMaterial";
    Optional<JsonNode> publicKey = ProtoJson.optionalObject(vm, "publicKey", w);
    Optional<JsonNode> chain = ProtoJson.optionalObject(vm, "x509CertificateChain", w);
    Optional<JsonNode> certificate = ProtoJson.optionalObject(vm, "certificate", w);
    int kinds = (publicKey.isPresent() ? 1 : 0) + (chain.isPresent() ? 1 : 0) + (certificate.isPresent() ? 1 : 0);
    if (kinds != 1) {
      throw new FormatException(w + " must hold exactly one of publicKey, x509CertificateChain and"
          + " certificate, found " + kinds);
    }
    String hint = null;
    List<X509Certificate> certs = new ArrayList<>();
    if (publicKey.isPresent()) {
      hint = ProtoJson.optionalString(publicKey.get(), "hint", w + ".publicKey").orElse("");
    } else if (chain.isPresent()) {
      List<JsonNode> items = ProtoJson.array(chain.get(), "certificates", w + ".x509CertificateChain");
      if (items.isEmpty()) {
        throw new FormatException(w + ".x509CertificateChain.certificates is empty");
      }
      for (int i = 0; i < items.size(); i++) {
        String cw = w + ".x509CertificateChain.certificates[" + i + "]";
        certs.add(Der.certificate(cw, ProtoJson.bytes(ProtoJson.requireObject(items.get(i), cw), "rawBytes", cw)));
      }
    } else {
      if (minor < 3) {
        throw new FormatException(w + ".certificate needs bundle version 0.3; version 0." + minor
            + " uses x509CertificateChain");
      }
      certs.add(Der.certificate(w + ".certificate", ProtoJson.bytes(certificate.get(), "rawBytes", w + ".certificate")));
    }

    List<TlogEntry> entries = new ArrayList<>();
    List<JsonNode> tlog = ProtoJson.array(vm, "tlogEntries", w);
    for (int i = 0; i < tlog.size(); i++) {
      entries.add(parseEntry(tlog.get(i), w + ".tlogEntries[" + i + "]"));
    }
    List<byte[]> timestamps = new ArrayList<>();
    Optional<JsonNode> tvd = ProtoJson.optionalObject(vm, "timestampVerificationData", w);
    if (tvd.isPresent()) {
      String tw = w + ".timestampVerificationData.rfc3161Timestamps";
      List<JsonNode> items = ProtoJson.array(tvd.get(), "rfc3161Timestamps", w + ".timestampVerificationData");
      for (int i = 0; i < items.size(); i++) {
        timestamps.add(ProtoJson.bytes(ProtoJson.requireObject(items.get(i), tw + "[" + i + "]"), "signedTimestamp",
            tw + "[" + i + "]"));
      }
    }

    Optional<JsonNode> ms = ProtoJson.optionalObject(root, "messageSignature", "");
    Optional<JsonNode> dsse = ProtoJson.optionalObject(root, "dsseEnvelope", "");
    if (ms.isPresent() == dsse.isPresent()) {
      throw new FormatException("a bundle holds exactly one of messageSignature and dsseEnvelope, found "
          + (ms.isPresent() ? 2 : 0));
    }
    MessageSignature message = ms.isPresent() ? parseMessageSignature(ms.get()) : null;
    DsseEnvelope envelope = dsse.isPresent() ? parseEnvelope(dsse.get()) : null;
    return new Bundle(mediaType, minor, hint, certs, entries, message, envelope, timestamps);
  }

  /**
   * Parses one protobuf JSON {@code TransparencyLogEntry}, as a bundle holds it and as a Rekor v2
   * log answers an appended entry.
   *
   * @throws FormatException naming the JSON path of the first problem
   */
  public static TlogEntry parseEntry(JsonNode node) throws FormatException {
    return parseEntry(node, "transparencyLogEntry");
  }

  private static TlogEntry parseEntry(JsonNode node, String w) throws FormatException {
    ProtoJson.requireObject(node, w);
    long logIndex = ProtoJson.nonNegative(node, "logIndex", w);
    byte[] logId = ProtoJson.bytes(ProtoJson.object(node, "logId", w), "keyId", w + ".logId");
    JsonNode kv = ProtoJson.object(node, "kindVersion", w);
    String kind = ProtoJson.string(kv, "kind", w + ".kindVersion");
    String version = ProtoJson.string(kv, "version", w + ".kindVersion");
    long integratedTime = ProtoJson.nonNegative(node, "integratedTime", w);
    byte[] body = ProtoJson.bytes(node, "canonicalizedBody", w);
    Optional<byte[]> set = Optional.empty();
    Optional<JsonNode> promise = ProtoJson.optionalObject(node, "inclusionPromise", w);
    if (promise.isPresent()) {
      set = Optional.of(ProtoJson.bytes(promise.get(), "signedEntryTimestamp", w + ".inclusionPromise"));
    }
    Optional<Inclusion> inclusion = Optional.empty();
    Optional<Unanchored> unanchored = Optional.empty();
    Optional<JsonNode> proof = ProtoJson.optionalObject(node, "inclusionProof", w);
    if (proof.isPresent()) {
      String pw = w + ".inclusionProof";
      JsonNode p = proof.get();
      InclusionProof path = proofOf(p, pw);
      Hash root = hash(ProtoJson.bytes(p, "rootHash", pw), pw + ".rootHash");
      Optional<String> note = Optional.empty();
      Optional<JsonNode> cp = ProtoJson.optionalObject(p, "checkpoint", pw);
      if (cp.isPresent()) {
        note = ProtoJson.optionalString(cp.get(), "envelope", pw + ".checkpoint");
      }
      if (note.isEmpty()) {
        // Kept, not dropped: the verifier checks the proof, then fails for the missing checkpoint.
        unanchored = Optional.of(new Unanchored(path, root));
      } else {
        try {
          inclusion = Optional.of(new Inclusion(path, root, SignedNote.parse(note.get())));
        } catch (FormatException e) {
          throw new FormatException(pw + ".checkpoint.envelope: " + e.getMessage(), e);
        }
      }
    }
    LoggedEntry entry = new LoggedEntry(EntryId.ofUuid(Rfc6962.hashLeaf(body)), body, integratedTime,
        hash(logId, w + ".logId.keyId"), logIndex, set, inclusion, Optional.empty());
    return new TlogEntry(entry, kind, version, unanchored);
  }

  private static InclusionProof proofOf(JsonNode p, String pw) throws FormatException {
    long leafIndex = ProtoJson.nonNegative(p, "logIndex", pw);
    long treeSize = ProtoJson.nonNegative(p, "treeSize", pw);
    List<Hash> hashes = new ArrayList<>();
    List<JsonNode> items = ProtoJson.array(p, "hashes", pw);
    for (int i = 0; i < items.size(); i++) {
      String hw = pw + ".hashes[" + i + "]";
      if (!items.get(i).isTextual()) {
        throw new FormatException(hw + " must be a base64 string");
      }
      hashes.add(hash(ProtoJson.base64(hw, items.get(i).textValue()), hw));
    }
    return new InclusionProof(leafIndex, treeSize, hashes);
  }

  private static MessageSignature parseMessageSignature(JsonNode ms) throws FormatException {
    String w = "messageSignature";
    byte[] signature = ProtoJson.bytes(ms, "signature", w);
    Optional<JsonNode> md = ProtoJson.optionalObject(ms, "messageDigest", w);
    Optional<Artifact.Digest> digest = Optional.empty();
    if (md.isPresent()) {
      String alg = ProtoJson.string(md.get(), "algorithm", w + ".messageDigest");
      HashAlgorithm algorithm = algorithm(alg, w + ".messageDigest.algorithm");
      byte[] d = ProtoJson.bytes(md.get(), "digest", w + ".messageDigest");
      if (d.length != algorithm.digestLength()) {
        throw new FormatException(w + ".messageDigest.digest is " + d.length + " bytes, a " + alg
            + " digest is " + algorithm.digestLength());
      }
      digest = Optional.of(Artifact.digest(algorithm, d));
    }
    return new MessageSignature(digest, signature);
  }

  private static DsseEnvelope parseEnvelope(JsonNode env) throws FormatException {
    String w = "dsseEnvelope";
    byte[] payload = ProtoJson.optionalBytes(env, "payload", w).orElse(new byte[0]);
    String payloadType = ProtoJson.string(env, "payloadType", w);
    List<DsseEnvelope.Signature> sigs = new ArrayList<>();
    List<JsonNode> items = ProtoJson.array(env, "signatures", w);
    for (int i = 0; i < items.size(); i++) {
      String sw = w + ".signatures[" + i + "]";
      JsonNode s = ProtoJson.requireObject(items.get(i), sw);
      sigs.add(new DsseEnvelope.Signature(ProtoJson.optionalString(s, "keyid", sw).orElse(""),
          ProtoJson.bytes(s, "sig", sw)));
    }
    if (sigs.isEmpty()) {
      throw new FormatException(w + ".signatures is empty");
    }
    return new DsseEnvelope(payloadType, payload, sigs);
  }

  private static HashAlgorithm algorithm(String name, String where) throws FormatException {
    switch (name) {
      case "SHA2_256":
        return HashAlgorithm.SHA256;
      case "SHA2_384":
        return HashAlgorithm.SHA384;
      case "SHA2_512":
        return HashAlgorithm.SHA512;
      default:
        throw new FormatException(where + " " + name + " is not supported; supported: SHA2_256, SHA2_384, SHA2_512");
    }
  }

  private static String algorithmName(HashAlgorithm a) {
    switch (a) {
      case SHA256:
        return "SHA2_256";
      case SHA384:
        return "SHA2_384";
      default:
        return "SHA2_512";
    }
  }

  private static Hash hash(byte[] bytes, String where) throws FormatException {
    if (bytes.length != Hash.SIZE) {
      throw new FormatException(where + " must be " + Hash.SIZE + " bytes, got " + bytes.length);
    }
    return Hash.of(bytes);
  }

  // ---- writing ----

  /**
   * This bundle as protobuf JSON: byte fields in standard base64, 64-bit integers as decimal
   * strings, zero values left out. Each inclusion proof is written with its checkpoint and each
   * SET as the inclusion promise, so that version 0.3 readers (sigstore-js) find both.
   */
  public String toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("mediaType", mediaType);
    ObjectNode vm = root.putObject("verificationMaterial");
    if (publicKeyHint != null) {
      vm.putObject("publicKey").put("hint", publicKeyHint);
    } else if (minorVersion >= 3 && certificates.size() == 1) {
      vm.putObject("certificate").put("rawBytes", b64(encoded(certificates.get(0))));
    } else {
      ArrayNode certs = vm.putObject("x509CertificateChain").putArray("certificates");
      certificates.forEach(c -> certs.addObject().put("rawBytes", b64(encoded(c))));
    }
    ArrayNode tlog = vm.putArray("tlogEntries");
    for (TlogEntry t : tlogEntries) {
      tlog.add(entryJson(t));
    }
    if (!rfc3161Timestamps.isEmpty()) {
      ArrayNode ts = vm.putObject("timestampVerificationData").putArray("rfc3161Timestamps");
      rfc3161Timestamps.forEach(t -> ts.addObject().put("signedTimestamp", b64(t)));
    }
    if (messageSignature != null) {
      ObjectNode ms = root.putObject("messageSignature");
      messageSignature.digest().ifPresent(d -> ms.putObject("messageDigest")
          .put("algorithm", algorithmName(d.algorithm())).put("digest", b64(d.digest())));
      ms.put("signature", b64(messageSignature.signature()));
    } else {
      ObjectNode env = root.putObject("dsseEnvelope");
      env.put("payload", b64(dsseEnvelope.payload()));
      env.put("payloadType", dsseEnvelope.payloadType());
      ArrayNode sigs = env.putArray("signatures");
      for (DsseEnvelope.Signature s : dsseEnvelope.signatures()) {
        ObjectNode o = sigs.addObject();
        o.put("sig", b64(s.signature()));
        if (!s.keyId().isEmpty()) {
          o.put("keyid", s.keyId());
        }
      }
    }
    try {
      return ProtocolJson.mapper().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree built here does not serialize: " + e.getMessage(), e);
    }
  }

  /**
   * One transparency-log entry as a protobuf JSON {@code TransparencyLogEntry}, the shape of a
   * bundle's {@code tlogEntries} items and of a Rekor v2 answer (zero values left out).
   */
  public static ObjectNode entryJson(TlogEntry t) {
    LoggedEntry e = t.entry();
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    putInt64(o, "logIndex", e.logIndex());
    o.putObject("logId").put("keyId", e.logId().base64());
    o.putObject("kindVersion").put("kind", t.kind()).put("version", t.version());
    putInt64(o, "integratedTime", e.integratedTime());
    e.signedEntryTimestamp().ifPresent(set ->
        o.putObject("inclusionPromise").put("signedEntryTimestamp", b64(set)));
    e.inclusion().ifPresent(inc -> proofJson(o, inc.proof(), inc.rootHash())
        .putObject("checkpoint").put("envelope", inc.checkpoint().format()));
    t.proofWithoutCheckpoint().ifPresent(u -> proofJson(o, u.proof(), u.rootHash()));
    o.put("canonicalizedBody", b64(e.body()));
    return o;
  }

  private static ObjectNode proofJson(ObjectNode entry, InclusionProof proof, Hash root) {
    ObjectNode p = entry.putObject("inclusionProof");
    putInt64(p, "logIndex", proof.leafIndex());
    p.put("rootHash", root.base64());
    putInt64(p, "treeSize", proof.treeSize());
    ArrayNode hashes = p.putArray("hashes");
    proof.hashes().forEach(h -> hashes.add(h.base64()));
    return p;
  }

  private static void putInt64(ObjectNode o, String name, long value) {
    if (value != 0) {
      o.put(name, Long.toString(value));
    }
  }

  private static String b64(byte[] bytes) {
    return Encodings.base64(bytes);
  }

  private static byte[] encoded(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("a parsed certificate does not encode: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "Bundle[v0." + minorVersion + ", " + (publicKeyHint != null ? "public key"
        : certificates.size() + " certificates") + ", " + tlogEntries.size() + " tlog entries, "
        + (messageSignature != null ? "message signature" : "DSSE envelope") + "]";
  }
}
