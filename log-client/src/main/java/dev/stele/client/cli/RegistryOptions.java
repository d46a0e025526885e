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
  static final String TOKEN_HOSTS_ENV = "STELE_REGISTRY_TOKEN_HOSTS";

  @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
      description = "Talk plain HTTP to this registry (loopback addresses need no flag); repeatable.")
  List<String> insecure = new ArrayList<>();

  @Option(names = "--registry-username", paramLabel = "USER",
      description = "Log in to the image's registry as USER, with the password in $" + PASSWORD_ENV + ".")
  String username;

  @Option(names = "--registry-token-host", paramLabel = "HOST",
      description = "Trust HOST as the image registry's token service: the registry credentials may go to a"
          + " token realm there (by default only to the registry's own host; Docker Hub's auth.docker.io"
          + " is built in). Repeatable; also $" + TOKEN_HOSTS_ENV + ", comma-separated.")
  List<String> tokenHosts = new ArrayList<>();

  RegistryClient client(SteleCli cli, ImageReference ref) throws CliException {
    RegistryClient.Builder b = RegistryClient.builder();
    insecure.forEach(b::insecureRegistry);
    List<String> hosts = new ArrayList<>(tokenHosts);
    String fromEnv = cli.env(TOKEN_HOSTS_ENV);
    if (fromEnv != null) {
      for (String h : fromEnv.split(",")) {
        if (!h.isBlank()) {
          hosts.add(h.strip());
        }
      }
    }
    try {
      for (String h : hosts) {
        b.trustTokenHost(ref.repository().registry(), h);
      }
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, "--registry-token-host: " + e.getMessage());
    }
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
