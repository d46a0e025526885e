package dev.stele.client.cli;

import dev.stele.client.crypto.Signer;
import dev.stele.client.protocol.LoggedEntry;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sign-blob", mixinStandardHelpOptions = true,
    description = {"Sign a file, record the signature in the log (a hashedrekord entry), and write a Sigstore"
        + " bundle (v0.3: inclusion proof, checkpoint and SET) that verify-blob, cosign and sigstore-js verify.",
        "With --trusted-root or --log-key, the log's answer is verified before the bundle is written."})
final class SignBlobCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "FILE", description = "The file to sign.")
  Path file;

  @Option(names = "--key", paramLabel = "FILE", required = true,
      description = "The private key (ECDSA P-256, PKCS#8 PEM; password from $STELE_KEY_PASSWORD or a prompt).")
  Path key;

  @Option(names = "--bundle", paramLabel = "FILE", required = true, description = "Where to write the bundle.")
  Path bundle;

  @Mixin
  LogOptions log;

  @Override
  public Integer call() throws CliException {
    byte[] content = Keys.readBytes(file, "artifact");
    Signer signer = Keys.signer(root(), key);
    Keys.requireEcdsa(signer, key);
    Recorded rec = Recorded.signAndRecord(signer, key, content, log, this::note);
    rec.writeBundle(signer, bundle);
    LoggedEntry entry = rec.entry();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("ok", true);
    r.put("uuid", entry.id().toString());
    r.put("logIndex", entry.logIndex());
    r.put("integratedTime", entry.integratedTime());
    r.put("alreadyRecorded", rec.submission().alreadyRecorded());
    r.put("verified", rec.verified());
    r.put("bundle", bundle.toString());
    print(r);
    return ExitCode.OK.code;
  }
}
