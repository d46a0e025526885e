package dev.stele.admission;

/**
 * One image named in an object: where (a JSON Pointer, RFC 6901, for a JSON Patch), in which
 * container, and the text as written.
 *
 * @param pointer e.g. {@code /spec/template/spec/initContainers/0/image}
 * @param list {@code containers}, {@code initContainers} or {@code ephemeralContainers}
 * @param container the container's name
 * @param image the image as written in the spec
 */
record ContainerImage(String pointer, String list, String container, String image) {
  /** {@code container "app"}, {@code init container "setup"}, {@code ephemeral container "debug"}. */
  String describe() {
    String kind = list.equals("initContainers") ? "init container"
        : list.equals("ephemeralContainers") ? "ephemeral container" : "container";
    return kind + " \"" + container + "\"";
  }
}
