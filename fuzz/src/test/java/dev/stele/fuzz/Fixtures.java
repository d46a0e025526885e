package dev.stele.fuzz;

import dev.stele.client.protocol.FormatException;
import dev.stele.client.protocol.NoteKeys;
import dev.stele.client.protocol.NoteVerifier;
import dev.stele.client.trust.TrustRoot;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What the targets trust, from src/test/resources/fixtures (copied from log-client's vectors;
 * fixtures/README.md says from where): the production Sigstore trusted root, and the note
 * verifier keys of the signed-note vectors, so that the seed checkpoints and bundles reach
 * signature verification.
 */
final class Fixtures {
  private Fixtures() {}

  /** The production Sigstore trusted root (Rekor v1 key {@code c0d23d6a...}, Fulcio). */
  static final TrustRoot PRODUCTION = trustRoot("trusted_root.production.json");

  /** Every vkey of the signed-note vectors: Ed25519, ECDSA, cosignature/v1 and RFC 6962 tree heads. */
  static final List<NoteVerifier> NOTE_VERIFIERS = noteVerifiers();

  static byte[] read(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource fixtures/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static TrustRoot trustRoot(String name) {
    try {
      return TrustRoot.parse(read(name));
    } catch (FormatException e) {
      throw new IllegalStateException("fixtures/" + name + ": " + e.getMessage(), e);
    }
  }

  private static List<NoteVerifier> noteVerifiers() {
    List<NoteVerifier> out = new ArrayList<>();
    for (String line : new String(read("vkeys.txt"), StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        try {
          out.add(NoteKeys.parseVerifierKey(line.strip()));
        } catch (FormatException e) {
          throw new IllegalStateException("fixtures/vkeys.txt: " + e.getMessage(), e);
        }
      }
    }
    return List.copyOf(out);
  }
}
