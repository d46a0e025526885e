package dev.stele.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stele.client.protocol.Vectors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/stele} as a real process, on the packaged jar (run by failsafe after
 * {@code package}): the launcher, the class path and the exit codes as a shell sees them.
 */
class BinSteleIT {
  private record Result(int code, String out, String err) {}

  private static Path repositoryRoot() {
    for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isExecutable(p.resolve("bin").resolve("stele")) && Files.exists(p.resolve("bin").resolve("lib.sh"))) {
        return p;
      }
    }
    throw new AssertionError("bin/stele not found above " + Paths.get("").toAbsolutePath());
  }

  private static Result stele(String... args) throws IOException, InterruptedException {
    Path root = repositoryRoot();
    if (!Files.exists(root.resolve("log-client/target/stele-log-client.jar"))) {
      throw new AssertionError("the client jar is not built; this test runs after 'package'");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(root.resolve("bin/stele").toString());
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("stele-out", ".txt");
    Path err = Files.createTempFile("stele-err", ".txt");
    try {
      Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("bin/stele did not finish in 120 s");
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static final String CASES = "rekor-public-good/bundles/conformance/";

  private static Result verifyBlob(String conformanceCase) throws Exception {
    return stele("verify-blob", Vectors.path(CASES + conformanceCase + "/artifact").toString(),
        "--bundle", Vectors.path(CASES + conformanceCase + "/bundle.sigstore.json").toString(),
        "--trusted-root", Vectors.path("rekor-public-good/trust/trusted_root.production.json").toString(),
        "--certificate-identity",
        "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main",
        "--certificate-oidc-issuer", "https://token.actions.githubusercontent.com");
  }

  @Test
  void verifyBlob_realBundle_exits0() throws Exception {
    Result r = verifyBlob("happy-path-v0.3");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("logIndex: 79571823"), r.out());
  }

  @Test
  void verifyBlob_corruptedProof_exits12() throws Exception {
    Result r = verifyBlob("inclusion-proof-corrupted-hash_fail");
    assertEquals(ExitCode.INCLUSION.code, r.code(), r.out() + r.err());
    assertTrue(r.err().startsWith("stele verify-blob: verification failed: inclusion proof"), r.err());
  }

  @Test
  void help_exits0_andUsageError_exits2() throws Exception {
    Result help = stele("--help");
    assertEquals(0, help.code(), help.err());
    assertTrue(help.out().contains("Exit codes:"), help.out());
    Result bad = stele("verify-blob", "--no-such-option");
    assertEquals(ExitCode.USAGE.code, bad.code(), bad.out() + bad.err());
  }
}
