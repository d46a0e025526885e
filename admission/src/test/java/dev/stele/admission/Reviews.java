package dev.stele.admission;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * The AdmissionReview documents in {@code src/test/resources/reviews/}, with their placeholders
 * ({@code {{name}}}) filled in: the images and a fresh uid.
 */
final class Reviews {
  private Reviews() {}

  static String load(String name, Map<String, String> values) {
    String text;
    try (InputStream in = Reviews.class.getResourceAsStream("/reviews/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no review " + name);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    text = text.replace("{{uid}}", values.getOrDefault("uid", UUID.randomUUID().toString()));
    for (Map.Entry<String, String> e : values.entrySet()) {
      text = text.replace("{{" + e.getKey() + "}}", e.getValue());
    }
    if (text.contains("{{")) {
      throw new IllegalArgumentException("review " + name + " has an unfilled placeholder: "
          + text.substring(text.indexOf("{{"), text.indexOf("}}", text.indexOf("{{")) + 2));
    }
    return text;
  }
}
