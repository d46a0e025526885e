package dev.stele.client.oci;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * A small, deterministic container image built in memory, without Docker: one gzip'd tar layer
 * holding one file, an image config, and a manifest (OCI by default, Docker v2 on request).
 * The same inputs always give the same manifest digest.
 *
 * <pre>
 * TestImage image = TestImage.withFile("hello.txt", "hello transparency");
 * ImageReference ref = image.push(client, registry.repository("demo/hello"), "v1");
 * assertEquals(image.digest(), client.resolve(ref));
 * </pre>
 */
public record TestImage(byte[] layer, byte[] config, byte[] manifest, String mediaType, Platform platform) {

  /** An OCI image for linux/amd64 with one file. */
  public static TestImage withFile(String fileName, String content) {
    return build(fileName, content, Platform.of("linux", "amd64"), MediaTypes.OCI_MANIFEST);
  }

  /** An image with one file for the given platform and manifest media type (OCI or Docker v2). */
  public static TestImage build(String fileName, String content, Platform platform, String manifestMediaType) {
    boolean docker = MediaTypes.DOCKER_MANIFEST.equals(manifestMediaType);
    byte[] tar = tar(fileName, content.getBytes(StandardCharsets.UTF_8));
    byte[] layer = gzip(tar);
    String config = "{\"architecture\":\"" + platform.architecture() + "\",\"os\":\"" + platform.os() + "\""
        + (platform.variant() != null ? ",\"variant\":\"" + platform.variant() + "\"" : "")
        + ",\"config\":{\"Cmd\":[\"/" + fileName + "\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
        + Digest.of(tar) + "\"]},\"history\":[{\"created_by\":\"stele test image\"}]}";
    byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
    String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + manifestMediaType + "\",\"config\":{\"mediaType\":\""
        + (docker ? "application/vnd.docker.container.image.v1+json" : MediaTypes.OCI_CONFIG) + "\",\"size\":"
        + configBytes.length + ",\"digest\":\"" + Digest.of(configBytes) + "\"},\"layers\":[{\"mediaType\":\""
        + (docker ? "application/vnd.docker.image.rootfs.diff.tar.gzip" : MediaTypes.OCI_LAYER_TAR_GZIP)
        + "\",\"size\":" + layer.length + ",\"digest\":\"" + Digest.of(layer) + "\"}]}";
    return new TestImage(layer, configBytes, manifest.getBytes(StandardCharsets.UTF_8), manifestMediaType, platform);
  }

  /** The manifest digest: what a registry must report and what gets signed. */
  public Digest digest() {
    return Digest.of(manifest);
  }

  /** Uploads the blobs and the manifest under {@code tag}; returns the tag reference. */
  public ImageReference push(RegistryClient client, Repository repository, String tag) throws OciException {
    client.pushBlob(repository, layer);
    client.pushBlob(repository, config);
    Digest pushed = client.putManifest(repository, tag, mediaType, manifest);
    if (!pushed.equals(digest())) {
      throw new IllegalStateException("pushed digest " + pushed + " differs from built " + digest());
    }
    return ImageReference.of(repository, tag);
  }

  /**
   * Pushes the images, then an OCI index over them (one entry per image, with its platform)
   * under {@code tag}; returns the index bytes.
   */
  public static byte[] pushIndex(RegistryClient client, Repository repository, String tag, List<TestImage> images)
      throws OciException {
    StringBuilder index = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX
        + "\",\"manifests\":[");
    for (int i = 0; i < images.size(); i++) {
      TestImage image = images.get(i);
      image.push(client, repository, "platform-" + i);
      Platform p = image.platform();
      index.append(i > 0 ? "," : "").append("{\"mediaType\":\"").append(image.mediaType()).append("\",\"size\":")
          .append(image.manifest().length).append(",\"digest\":\"").append(image.digest())
          .append("\",\"platform\":{\"architecture\":\"").append(p.architecture()).append("\",\"os\":\"")
          .append(p.os()).append('"').append(p.variant() != null ? ",\"variant\":\"" + p.variant() + "\"" : "")
          .append("}}");
    }
    byte[] bytes = index.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    client.putManifest(repository, tag, MediaTypes.OCI_INDEX, bytes);
    return bytes;
  }

  /** Writes this image as an OCI image layout (oci-layout, index.json, blobs/sha256/...) tagged {@code tag}. */
  public void writeLayout(Path dir, String tag) throws IOException {
    Path blobs = Files.createDirectories(dir.resolve("blobs").resolve("sha256"));
    for (byte[] blob : List.of(layer, config, manifest)) {
      Files.write(blobs.resolve(Digest.of(blob).hex()), blob);
    }
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX
        + "\",\"manifests\":[{\"mediaType\":\"" + mediaType + "\",\"size\":" + manifest.length + ",\"digest\":\""
        + digest() + "\",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + tag + "\"}}]}");
  }

  /** A POSIX ustar archive with one regular file, every header field fixed (mtime 0, root owner). */
  private static byte[] tar(String name, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] header = new byte[512];
    put(header, 0, name, 100);
    put(header, 100, "0000644", 8);
    put(header, 108, "0000000", 8);
    put(header, 116, "0000000", 8);
    put(header, 124, String.format("%011o", content.length), 12);
    put(header, 136, "00000000000", 12);
    put(header, 148, "        ", 8); // checksum is computed with spaces here
    header[156] = '0';
    put(header, 257, "ustar", 6);
    put(header, 263, "00", 2);
    int sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    put(header, 148, String.format("%06o", sum), 7);
    header[154] = 0;
    header[155] = ' ';
    out.writeBytes(header);
    out.writeBytes(content);
    out.writeBytes(new byte[(512 - content.length % 512) % 512]);
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  private static void put(byte[] header, int offset, String value, int length) {
    byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
    if (bytes.length > length) {
      throw new IllegalArgumentException("tar field too long: " + value);
    }
    System.arraycopy(bytes, 0, header, offset, bytes.length);
  }

  private static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
