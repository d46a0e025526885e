package dev.stele.client;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A closed time interval {@code [start, end]} during which a key or a certificate authority is
 * trusted; an absent end means "still valid". Both ends are inclusive, as in the Sigstore trusted
 * root's {@code validFor}.
 *
 * @param start the first instant of validity
 * @param end the last instant of validity, if the period has ended
 */
public record ValidityPeriod(Instant start, Optional<Instant> end) {
  /** Valid from the beginning of time, for keys given without a period (a plain PEM file). */
  public static final ValidityPeriod ALWAYS = new ValidityPeriod(Instant.EPOCH, Optional.empty());

  public ValidityPeriod {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (end.isPresent() && end.get().isBefore(start)) {
      throw new IllegalArgumentException("validity ends " + end.get() + " before it starts " + start);
    }
  }

  /** A period from {@code start} with no end. */
  public static ValidityPeriod from(Instant start) {
    return new ValidityPeriod(start, Optional.empty());
  }

  /** Whether {@code t} lies within the period, ends included. */
  public boolean contains(Instant t) {
    return !t.isBefore(start) && (end.isEmpty() || !t.isAfter(end.get()));
  }

  @Override
  public String toString() {
    return "[" + start + ", " + end.map(Instant::toString).orElse("open") + "]";
  }
}
