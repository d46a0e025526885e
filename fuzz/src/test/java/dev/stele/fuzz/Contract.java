package dev.stele.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;

/**
 * The contract every target checks, in one place. A parser of outside bytes returns a value or
 * throws its documented checked exception, whose message says what is wrong; anything else that
 * escapes (a NullPointerException, an IllegalArgumentException from a JDK call, a
 * StackOverflowError) fails the target, because the caller has no way to expect it. A target
 * therefore catches only the documented exception and hands it to {@link #refused}.
 */
public final class Contract {
  private Contract() {}

  /** A refusal is a valid outcome if it explains itself: a message a person can act on. */
  public static void refused(Exception e) {
    assertNotNull(e.getMessage(), () -> e.getClass().getSimpleName() + " without a message");
    assertFalse(e.getMessage().isBlank(), () -> e.getClass().getSimpleName() + " with a blank message");
  }

  /** Two byte strings must be equal; on failure both are shown as text. */
  public static void sameBytes(byte[] expected, byte[] actual, String what) {
    assertEquals(new String(expected, StandardCharsets.ISO_8859_1), new String(actual, StandardCharsets.ISO_8859_1), what);
  }

  /** The input as text: outside text arrives as bytes, and malformed UTF-8 is part of the input space. */
  public static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
