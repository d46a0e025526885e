package dev.stele.admission;

/**
 * A review that cannot be decided as asked: the AdmissionReview is malformed (answered with HTTP
 * 400, which Kubernetes' {@code failurePolicy: Fail} turns into a rejection), or the object in it
 * is of a kind or shape this webhook does not know (answered with a denial that says so).
 */
class ReviewException extends Exception {
  private static final long serialVersionUID = 1L;

  ReviewException(String message) {
    super(message);
  }
}
