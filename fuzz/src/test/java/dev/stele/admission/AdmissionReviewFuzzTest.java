package dev.stele.admission;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stele.client.oci.OciException;
import dev.stele.fuzz.Contract;
import java.util.List;

/**
 * The admission webhook's input: an AdmissionReview body as the Kubernetes API server (or anyone
 * who reaches the webhook's port) POSTs it to {@code /validate} and {@code /mutate}. The body
 * goes through {@link AdmissionRequest#parse}, the object's images through {@link PodImages#find}
 * and each image reference through {@link ImageName#parse}, as {@code Reviewer} reads them before
 * any registry or log is asked: each step returns a value or refuses with its documented
 * exception and a message.
 */
class AdmissionReviewFuzzTest {
  @FuzzTest
  void review(byte[] input) {
    AdmissionRequest request;
    try {
      request = AdmissionRequest.parse(input);
    } catch (ReviewException e) {
      Contract.refused(e);
      return;
    }
    if (request.object() == null || !PodImages.knows(request.group(), request.kind())) {
      return;
    }
    List<ContainerImage> images;
    try {
      images = PodImages.find(request.group(), request.kind(), request.object());
    } catch (ReviewException e) {
      Contract.refused(e);
      return;
    }
    for (ContainerImage image : images) {
      if (image.pointer() == null || image.image() == null || image.describe().isBlank()) {
        throw new AssertionError("an image without its place or name: " + image);
      }
      try {
        ImageName.parse(image.image());
      } catch (OciException e) {
        Contract.refused(e);
      }
    }
  }
}
