package dev.stele.client.oci;

import java.util.List;

/** Media types of the OCI image specification, Docker's image format and cosign's signatures. */
public final class MediaTypes {
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  /** The layer media type of a cosign signature: the blob is the simple-signing payload. */
  public static final String COSIGN_SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";

  /** What a resolver accepts, in the order it is offered in {@code Accept}. */
  public static final List<String> MANIFESTS = List.of(OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST);

  /** True for the two media types that list other manifests (one per platform). */
  public static boolean isIndex(String mediaType) {
    return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
  }

  private MediaTypes() {}
}
