package dev.stele.client.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * A body of a kind or version this log does not accept (for example {@code intoto} 0.0.2,
 * {@code jar}, or Rekor v2's {@code hashedrekord} 0.0.2), as found in other logs: its kind,
 * version and spec, unchecked.
 */
public final class OtherBody implements EntryBody {
  private final String kind;
  private final String apiVersion;
  private final JsonNode spec;

  public OtherBody(String kind, String apiVersion, JsonNode spec) {
    this.kind = Objects.requireNonNull(kind);
    this.apiVersion = Objects.requireNonNull(apiVersion);
    this.spec = spec.deepCopy();
  }

  @Override
  public String kind() {
    return kind;
  }

  @Override
  public String apiVersion() {
    return apiVersion;
  }

  /** A copy of the spec object. */
  public JsonNode spec() {
    return spec.deepCopy();
  }

  @Override
  public List<String> indexKeys() {
    return List.of();
  }

  @Override
  public String toString() {
    return kind + " " + apiVersion;
  }
}
