package dev.stele.client.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.stele.merkle.Hash;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Rekor v1 REST API's JSON documents (docs/protocol.md section 2), as records whose fields are
 * exactly the wire's (hex and base64 strings, integers), and the conversions to and from domain
 * types ({@link Hash}, bytes, {@link SignedNote}) that happen here and nowhere else.
 *
 * <p>Requests ({@link SearchIndex}, {@link SearchLogQuery}) are read strictly: an unknown field
 * is an error. Responses tolerate unknown fields, so a client keeps working when a log adds one;
 * the fields it knows are still checked strictly (canonical base64, exact hex lengths,
 * non-negative integers, parseable checkpoints). Everything is read and written with
 * {@link ProtocolJson#mapper()}.
 */
public final class RekorJson {
  private RekorJson() {}

  // ---- records: exactly the wire ------------------------------------------------------------

  /** The value of a {@code LogEntry} map (the key is the entry ID). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record LogEntry(
      @JsonProperty("body") String body,
      @JsonProperty("integratedTime") Long integratedTime,
      @JsonProperty("logID") String logID,
      @JsonProperty("logIndex") Long logIndex,
      @JsonProperty("verification") Verification verification,
      @JsonProperty("attestation") Attestation attestation) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Verification(
      @JsonProperty("inclusionProof") InclusionProof inclusionProof,
      @JsonProperty("signedEntryTimestamp") String signedEntryTimestamp) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record InclusionProof(
      @JsonProperty("logIndex") Long logIndex,
      @JsonProperty("rootHash") String rootHash,
      @JsonProperty("treeSize") Long treeSize,
      @JsonProperty("hashes") List<String> hashes,
      @JsonProperty("checkpoint") String checkpoint) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Attestation(@JsonProperty("data") String data) {}

  /** {@code GET /api/v1/log}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record LogInfo(
      @JsonProperty("rootHash") String rootHash,
      @JsonProperty("treeSize") Long treeSize,
      @JsonProperty("signedTreeHead") String signedTreeHead,
      @JsonProperty("treeID") String treeID,
      @JsonProperty("inactiveShards") List<LogInfo> inactiveShards) {}

  /** {@code GET /api/v1/log/proof}: the root at {@code lastSize} and the proof hashes. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ConsistencyProof(
      @JsonProperty("rootHash") String rootHash,
      @JsonProperty("hashes") List<String> hashes) {}

  /** Every error body: {@code {"code": <int>, "message": "<text>"}}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ErrorBody(@JsonProperty("code") Integer code, @JsonProperty("message") String message) {}

  /** {@code POST /api/v1/index/retrieve} request. */
  public record SearchIndex(
      @JsonProperty("email") String email,
      @JsonProperty("publicKey") PublicKeyQuery publicKey,
      @JsonProperty("hash") String hash,
      @JsonProperty("subject") String subject,
      @JsonProperty("operator") String operator) {}

  /** The public key of a {@link SearchIndex}: {@code format} is e.g. {@code x509}. */
  public record PublicKeyQuery(
      @JsonProperty("format") String format,
      @JsonProperty("content") String content,
      @JsonProperty("url") String url) {}

  /** {@code POST /api/v1/log/entries/retrieve} request. */
  public record SearchLogQuery(
      @JsonProperty("entryUUIDs") List<String> entryUUIDs,
      @JsonProperty("logIndexes") List<Long> logIndexes,
      @JsonProperty("entries") List<JsonNode> entries) {}

  // ---- reading and writing documents ---------------------------------------------------------

  private static final TypeReference<Map<String, LogEntry>> ENTRY_MAP = new TypeReference<>() {};
  private static final TypeReference<List<Map<String, LogEntry>>> ENTRY_MAPS = new TypeReference<>() {};

  /**
   * Reads a JSON document into a record type of this class.
   *
   * @throws FormatException if it is not JSON, has the wrong shape, or (for requests) an unknown field
   */
  public static <T> T read(byte[] json, Class<T> type) throws FormatException {
    return read(json, ProtocolJson.mapper().constructType(type));
  }

  private static <T> T read(byte[] json, JavaType type) throws FormatException {
    try {
      T value = ProtocolJson.mapper().readValue(json, type);
      if (value == null) {
        throw new FormatException("expected a JSON document, got null");
      }
      return value;
    } catch (IOException e) {
      throw new FormatException("malformed JSON: " + EntryKinds.jsonProblem(e), e);
    }
  }

  /** Writes any record of this class (or a map or list of them) as compact, sorted JSON. */
  public static byte[] write(Object value) {
    try {
      return ProtocolJson.mapper().writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
    }
  }

  /**
   * Reads a one-entry response ({@code {"<entryID>": LogEntry}}: POST 201, GET by UUID or index).
   *
   * @throws FormatException if the document does not hold exactly one valid entry
   */
  public static LoggedEntry readEntry(byte[] json) throws FormatException {
    Map<String, LogEntry> map = read(json, ProtocolJson.mapper().constructType(ENTRY_MAP.getType()));
    if (map.size() != 1) {
      throw new FormatException("expected a response with exactly one entry, got " + map.size());
    }
    Map.Entry<String, LogEntry> e = map.entrySet().iterator().next();
    return toDomain(e.getKey(), e.getValue());
  }

  /**
   * Reads a retrieve response: an array of one-entry maps.
   *
   * @throws FormatException if any element is not exactly one valid entry
   */
  public static List<LoggedEntry> readEntries(byte[] json) throws FormatException {
    List<Map<String, LogEntry>> maps = read(json, ProtocolJson.mapper().constructType(ENTRY_MAPS.getType()));
    List<LoggedEntry> out = new ArrayList<>(maps.size());
    for (int i = 0; i < maps.size(); i++) {
      Map<String, LogEntry> map = maps.get(i);
      if (map == null || map.size() != 1) {
        throw new FormatException("element " + i + " of the response is not a one-entry map");
      }
      Map.Entry<String, LogEntry> e = map.entrySet().iterator().next();
      try {
        out.add(toDomain(e.getKey(), e.getValue()));
      } catch (FormatException ex) {
        throw new FormatException("element " + i + ": " + ex.getMessage(), ex);
      }
    }
    return out;
  }

  /** The one-entry response document for {@code entry}. */
  public static byte[] writeEntry(LoggedEntry entry) {
    return write(entryMap(entry));
  }

  /** The retrieve response document: an array of one-entry maps. */
  public static byte[] writeEntries(List<LoggedEntry> entries) {
    List<Map<String, LogEntry>> maps = new ArrayList<>(entries.size());
    entries.forEach(e -> maps.add(entryMap(e)));
    return write(maps);
  }

  private static Map<String, LogEntry> entryMap(LoggedEntry entry) {
    Map<String, LogEntry> map = new LinkedHashMap<>();
    map.put(entry.id().toString(), fromDomain(entry));
    return map;
  }

  /** Reads a {@code GET /api/v1/log} response. */
  public static TreeInfo readLogInfo(byte[] json) throws FormatException {
    return toDomain(read(json, LogInfo.class), "");
  }

  /** Writes a {@code GET /api/v1/log} response. */
  public static byte[] writeLogInfo(TreeInfo info) {
    return write(fromDomain(info));
  }

  /** Reads a {@code GET /api/v1/log/proof} response: the root at the larger size, and the hashes. */
  public static Map.Entry<Hash, List<Hash>> readConsistencyProof(byte[] json) throws FormatException {
    ConsistencyProof p = read(json, ConsistencyProof.class);
    return Map.entry(hash("rootHash", p.rootHash()), hashes("hashes", p.hashes()));
  }

  /** Writes a {@code GET /api/v1/log/proof} response. */
  public static byte[] writeConsistencyProof(Hash rootHash, List<Hash> hashes) {
    return write(new ConsistencyProof(rootHash.hex(), hexes(hashes)));
  }

  /** Writes an error body {@code {"code":..,"message":..}}. */
  public static byte[] writeError(int code, String message) {
    return write(new ErrorBody(code, message));
  }

  // ---- conversions ---------------------------------------------------------------------------

  /**
   * Converts a wire entry and its map key to the domain type, checking every encoding.
   *
   * @throws FormatException naming the field and the problem
   */
  public static LoggedEntry toDomain(String key, LogEntry e) throws FormatException {
    EntryId id = EntryId.parse(key);
    if (e == null) {
      throw new FormatException("entry " + key + " is null");
    }
    byte[] body = Encodings.base64("body", required("body", e.body()));
    if (body.length == 0) {
      throw new FormatException("body is empty");
    }
    long integratedTime = nonNegative("integratedTime", e.integratedTime());
    Hash logId = hash("logID", e.logID());
    long logIndex = nonNegative("logIndex", e.logIndex());
    Optional<byte[]> set = Optional.empty();
    Optional<Inclusion> inclusion = Optional.empty();
    if (e.verification() != null) {
      if (e.verification().signedEntryTimestamp() != null) {
        set = Optional.of(Encodings.base64("verification.signedEntryTimestamp",
            e.verification().signedEntryTimestamp()));
      }
      if (e.verification().inclusionProof() != null) {
        inclusion = Optional.of(toDomain(e.verification().inclusionProof()));
      }
    }
    Optional<byte[]> attestation = Optional.empty();
    if (e.attestation() != null && e.attestation().data() != null) {
      attestation = Optional.of(Encodings.base64("attestation.data", e.attestation().data()));
    }
    return new LoggedEntry(id, body, integratedTime, logId, logIndex, set, inclusion, attestation);
  }

  private static Inclusion toDomain(InclusionProof p) throws FormatException {
    String at = "verification.inclusionProof.";
    long index = nonNegative(at + "logIndex", p.logIndex());
    long size = nonNegative(at + "treeSize", p.treeSize());
    Hash root = hash(at + "rootHash", p.rootHash());
    List<Hash> path = hashes(at + "hashes", p.hashes());
    String checkpointText = required(at + "checkpoint", p.checkpoint());
    SignedNote checkpoint;
    try {
      checkpoint = SignedNote.parse(checkpointText);
    } catch (FormatException ex) {
      throw new FormatException(at + "checkpoint: " + ex.getMessage(), ex);
    }
    return new Inclusion(new dev.stele.merkle.proof.InclusionProof(index, size, path), root, checkpoint);
  }

  /** The wire form of a domain entry (the map value; the key is {@code entry.id()}). */
  public static LogEntry fromDomain(LoggedEntry entry) {
    Verification verification = null;
    if (entry.signedEntryTimestamp().isPresent() || entry.inclusion().isPresent()) {
      InclusionProof proof = entry.inclusion().map(i -> new InclusionProof(i.proof().leafIndex(),
          i.rootHash().hex(), i.proof().treeSize(), hexes(i.proof().hashes()), i.checkpoint().format()))
          .orElse(null);
      verification = new Verification(proof, entry.signedEntryTimestamp().map(Encodings::base64).orElse(null));
    }
    return new LogEntry(Encodings.base64(entry.body()), entry.integratedTime(), entry.logId().hex(),
        entry.logIndex(), verification, entry.attestation().map(a -> new Attestation(Encodings.base64(a))).orElse(null));
  }

  private static TreeInfo toDomain(LogInfo info, String at) throws FormatException {
    Hash root = hash(at + "rootHash", info.rootHash());
    long size = nonNegative(at + "treeSize", info.treeSize());
    String sthText = required(at + "signedTreeHead", info.signedTreeHead());
    SignedNote sth;
    try {
      sth = SignedNote.parse(sthText);
    } catch (FormatException ex) {
      throw new FormatException(at + "signedTreeHead: " + ex.getMessage(), ex);
    }
    String treeIdText = required(at + "treeID", info.treeID());
    long treeId;
    try {
      if (!treeIdText.matches("0|[1-9][0-9]{0,18}")) {
        throw new NumberFormatException();
      }
      treeId = Long.parseLong(treeIdText);
    } catch (NumberFormatException ex) {
      throw new FormatException(at + "treeID must be a non-negative decimal integer, got '"
          + JsonFields.shorten(treeIdText) + "'");
    }
    List<TreeInfo> shards = new ArrayList<>();
    if (info.inactiveShards() != null) {
      for (int i = 0; i < info.inactiveShards().size(); i++) {
        LogInfo shard = info.inactiveShards().get(i);
        if (shard == null) {
          throw new FormatException("inactiveShards[" + i + "] is null");
        }
        if (shard.inactiveShards() != null && !shard.inactiveShards().isEmpty()) {
          throw new FormatException("inactiveShards[" + i + "] has inactive shards of its own");
        }
        shards.add(toDomain(shard, "inactiveShards[" + i + "]."));
      }
    }
    return new TreeInfo(root, size, sth, treeId, shards);
  }

  private static LogInfo fromDomain(TreeInfo info) {
    List<LogInfo> shards = new ArrayList<>();
    info.inactiveShards().forEach(s -> shards.add(fromDomain(s)));
    return new LogInfo(info.rootHash().hex(), info.treeSize(), info.signedTreeHead().format(),
        Long.toString(info.treeId()), shards);
  }

  private static <T> T required(String field, T value) throws FormatException {
    if (value == null) {
      throw new FormatException(field + " is missing");
    }
    return value;
  }

  private static long nonNegative(String field, Long value) throws FormatException {
    if (required(field, value) < 0) {
      throw new FormatException(field + " must be non-negative, got " + value);
    }
    return value;
  }

  private static Hash hash(String field, String hex) throws FormatException {
    return Hash.of(Encodings.hex(field, required(field, hex), Hash.SIZE));
  }

  private static List<Hash> hashes(String field, List<String> hexes) throws FormatException {
    List<Hash> out = new ArrayList<>(required(field, hexes).size());
    for (int i = 0; i < hexes.size(); i++) {
      out.add(hash(field + "[" + i + "]", hexes.get(i)));
    }
    return out;
  }

  private static List<String> hexes(List<Hash> hashes) {
    List<String> out = new ArrayList<>(hashes.size());
    hashes.forEach(h -> out.add(h.hex()));
    return out;
  }
}
