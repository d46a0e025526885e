package dev.stele.admission;

import dev.stele.client.oci.Digest;
import dev.stele.client.oci.ImageReference;
import dev.stele.client.oci.OciException;
import dev.stele.client.oci.Repository;

/**
 * An image as a Pod names it, normalized the way the container runtime will pull it (the Docker
 * reference rules every Kubernetes runtime applies): a first component without '.' or ':' that is
 * not {@code localhost} is not a registry, so {@code nginx:1.25} is
 * {@code docker.io/library/nginx:1.25} and {@code team/app} is {@code docker.io/team/app:latest};
 * {@code index.docker.io} is {@code docker.io}.
 *
 * @param original the text in the Pod spec
 * @param reference the normalized reference; its {@code registry/repository} is what policy patterns match
 */
record ImageName(String original, ImageReference reference) {
  static final String DOCKER_HUB = "docker.io";
  /** Where Docker Hub's registry API is served; {@code docker.io} itself does not serve it. */
  static final String DOCKER_HUB_API = "registry-1.docker.io";

  /**
   * Normalizes an image string from a Pod spec.
   *
   * @throws OciException saying why it is not an image reference
   */
  static ImageName parse(String image) throws OciException {
    if (image == null || image.isEmpty()) {
      throw new OciException("empty image reference");
    }
    String rest = image;
    String digestPart = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digestPart = rest.substring(at);
      rest = rest.substring(0, at);
    }
    int slash = rest.indexOf('/');
    String first = slash < 0 ? "" : rest.substring(0, slash);
    boolean host = slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"));
    String registry;
    String path;
    if (host) {
      registry = first.equals("index.docker.io") ? DOCKER_HUB : first;
      path = rest.substring(slash + 1);
    } else {
      registry = DOCKER_HUB;
      path = rest;
    }
    if (registry.equals(DOCKER_HUB) && path.indexOf('/') < 0) {
      path = "library/" + path;
    }
    ImageReference ref = ImageReference.parse(registry + "/" + path + (digestPart != null ? digestPart : ""));
    return new ImageName(image, ref);
  }

  /** {@code registry/repository}: what policy patterns match. */
  String name() {
    return reference.repository().toString();
  }

  /** The digest the Pod pins, if it pins one. */
  Digest digest() {
    return reference.digest();
  }

  /** The reference to talk to the registry with (Docker Hub's API host for {@code docker.io}). */
  ImageReference pullReference() {
    Repository repo = reference.repository();
    if (!repo.registry().equals(DOCKER_HUB)) {
      return reference;
    }
    return new ImageReference(new Repository(DOCKER_HUB_API, repo.name()), reference.tag(), reference.digest());
  }

  /** The Pod's text with the digest appended: what the mutating webhook writes back. */
  String pinned(Digest digest) {
    return original + "@" + digest;
  }

  @Override
  public String toString() {
    return original;
  }
}
