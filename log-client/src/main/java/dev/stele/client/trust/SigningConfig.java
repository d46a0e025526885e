package dev.stele.client.trust;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stele.client.ValidityPeriod;
import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.ProtocolJson;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The transparency logs of a Sigstore signing configuration ({@code signing_config.json}, media
 * type version 0.2): where signers record, with each log's Rekor API version, validity and
 * operator. Other services (CAs, OIDC, TSAs) are read past; this library signs with keys.
 *
 * <p>Selection follows the format's rule: among the logs whose validity holds now, the one with
 * the highest API version this client speaks, newest start first ({@link #select}).
 */
public final class SigningConfig {
  public static final String MEDIA_TYPE_V02 = "application/vnd.dev.sigstore.signingconfig.v0.2+json";

  /**
   * One log a signer may record in.
   *
   * @param url the log's base URL
   * @param majorApiVersion 1 (Rekor v1 REST) or 2 (Rekor v2)
   * @param validity when signers may use it
   * @param operator who runs it
   */
  public record Tlog(URI url, int majorApiVersion, ValidityPeriod validity, String operator) {
    public Tlog {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(validity, "validity");
      Objects.requireNonNull(operator, "operator");
    }
  }

  private final List<Tlog> tlogs;

  public SigningConfig(List<Tlog> tlogs) {
    this.tlogs = List.copyOf(tlogs);
  }

  public List<Tlog> tlogs() {
    return tlogs;
  }

  /**
   * The log to record in at {@code now}: valid then, with the highest API version at most {@code
   * maxApiVersion}, the newest start first.
   */
  public Optional<Tlog> select(Instant now, int maxApiVersion) {
    return tlogs.stream()
        .filter(t -> t.validity().contains(now) && t.majorApiVersion() <= maxApiVersion)
        .max(Comparator.comparingInt(Tlog::majorApiVersion).thenComparing(t -> t.validity().start()));
  }

  /**
   * Parses a signing configuration (media type version 0.2).
   *
   * @throws FormatException naming the JSON path of the first problem
   */
  public static SigningConfig parse(byte[] json) throws FormatException {
    JsonNode root;
    try {
      root = ProtocolJson.mapper().readTree(json);
    } catch (IOException e) {
      throw new FormatException("signing config is not valid JSON: " + e.getMessage());
    }
    ProtoJson.requireObject(root, "signing config");
    String mediaType = ProtoJson.string(root, "mediaType", "");
    if (!mediaType.equals(MEDIA_TYPE_V02)) {
      throw new FormatException("mediaType '" + ProtoJson.shorten(mediaType) + "' is not a signing config;"
          + " expected " + MEDIA_TYPE_V02);
    }
    List<Tlog> out = new ArrayList<>();
    List<JsonNode> items = ProtoJson.array(root, "rekorTlogUrls", "");
    for (int i = 0; i < items.size(); i++) {
      String w = "rekorTlogUrls[" + i + "]";
      JsonNode t = ProtoJson.requireObject(items.get(i), w);
      String url = ProtoJson.string(t, "url", w);
      long version = ProtoJson.nonNegative(t, "majorApiVersion", w);
      Optional<JsonNode> validFor = ProtoJson.optionalObject(t, "validFor", w);
      ValidityPeriod validity = ValidityPeriod.ALWAYS;
      if (validFor.isPresent()) {
        Instant start = ProtoJson.timestamp(validFor.get(), "start", w + ".validFor")
            .orElseThrow(() -> new FormatException(w + ".validFor.start is missing"));
        validity = new ValidityPeriod(start, ProtoJson.timestamp(validFor.get(), "end", w + ".validFor"));
      }
      URI uri;
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        throw new FormatException(w + ".url is not a URL: " + e.getMessage());
      }
      if (uri.getHost() == null) {
        throw new FormatException(w + ".url '" + ProtoJson.shorten(url) + "' has no host");
      }
      out.add(new Tlog(uri, (int) Math.min(version, Integer.MAX_VALUE), validity,
          ProtoJson.optionalString(t, "operator", w).orElse("")));
    }
    return new SigningConfig(out);
  }

  /** This configuration as protobuf JSON, media type version 0.2, with no CA, OIDC or TSA. */
  public String toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("mediaType", MEDIA_TYPE_V02);
    root.putArray("caUrls");
    root.putArray("oidcUrls");
    ArrayNode logs = root.putArray("rekorTlogUrls");
    for (Tlog t : tlogs) {
      ObjectNode o = logs.addObject();
      o.put("url", t.url().toString());
      o.put("majorApiVersion", t.majorApiVersion());
      ObjectNode v = o.putObject("validFor").put("start", t.validity().start().toString());
      t.validity().end().ifPresent(e -> v.put("end", e.toString()));
      o.put("operator", t.operator());
    }
    root.putArray("tsaUrls");
    root.putObject("rekorTlogConfig").put("selector", "ANY");
    root.putObject("tsaConfig").put("selector", "ANY");
    try {
      return ProtocolJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree built here does not serialize: " + e.getMessage(), e);
    }
  }
}
