package dev.stele.client.cli;

import dev.stele.client.oci.Credentials;
import dev.stele.client.oci.ImageReference;
import dev.stele.client.oci.OciException;
import dev.stele.client.oci.RegistryClient;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** How to reach the registry. */
final class RegistryOptions {
  static final String PASSWORD_ENV = "STELE_REGISTRY_PASSWORD";

  @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
      description = "Talk plain HTTP to this registry (loopback addresses need no flag); repeatable.")
  List<String> insecure = new ArrayList<>();

  @Option(names = "--registry-username", paramLabel = "USER",
      description = "Log in to the image's registry as USER, with the password in $" + PASSWORD_ENV + ".")
  String username;

  RegistryClient client(SteleCli cli, ImageReference ref) throws CliException {
    RegistryClient.Builder b = RegistryClient.builder();
    insecure.forEach(b::insecureRegistry);
    if (username != null) {
      String password = cli.env(PASSWORD_ENV);
      if (password == null) {
        throw new CliException(ExitCode.USAGE, "--registry-username needs the password in $" + PASSWORD_ENV);
      }
      b.credentials(ref.repository().registry(), new Credentials(username, password));
    }
    return b.build();
  }

  static ImageReference parse(String image) throws CliException {
    try {
      return ImageReference.parse(image);
    } catch (OciException e) {
      throw new CliException(ExitCode.INPUT, "'" + image + "' is not an image reference: " + e.getMessage()
          + " (expected host[:port]/repository[:tag][@sha256:digest])");
    }
  }
}
