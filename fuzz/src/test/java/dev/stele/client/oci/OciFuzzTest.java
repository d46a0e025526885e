package dev.stele.client.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stele.fuzz.Contract;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What a registry sends (manifests, indexes, signature layers, authentication challenges and
 * token answers) and what cosign stores in it (simple-signing payloads, bundle annotations).
 * In this package for {@link AuthChallenge}, which is package-private.
 */
class OciFuzzTest {
  private static final Platform PLATFORM = Platform.of("linux", "amd64");
  /**
   * For the targets whose registry never asks for authentication: a client keeps state only
   * about challenges and tokens, so one can serve every input, and a new one costs a new
   * connection each time (about 30 ms here instead of 4).
   */
  private static final RegistryClient SHARED = newClient();
  private static final Digest IMAGE = Digest.of(new byte[0]);

  /** One {@code WWW-Authenticate} value: never an exception, whatever the text. */
  @FuzzTest
  void authChallenge(byte[] input) {
    List<AuthChallenge> challenges = AuthChallenge.parse(List.of(Contract.utf8(input)));
    for (AuthChallenge c : challenges) {
      assertFalse(c.scheme().isEmpty());
    }
  }

  /**
   * A registry's manifest answer, resolved for a platform and read as a signature manifest (with
   * its layers and their payload and bundle annotations), through {@link RegistryClient} and
   * {@link OciSignatureStore} over HTTP. Input: the Content-Type line, then the manifest, then
   * optionally a NUL byte and the blob the registry serves for every digest.
   */
  @FuzzTest
  void registryManifest(byte[] input) throws Exception {
    int eol = indexOf(input, (byte) '\n', 0);
    if (eol < 0) {
      return;
    }
    String contentType = new String(input, 0, eol, StandardCharsets.ISO_8859_1);
    if (!contentType.isEmpty() && !isHeaderValue(contentType)) {
      return; // not something HTTP can carry
    }
    int nul = indexOf(input, (byte) 0, eol + 1);
    byte[] manifest = Arrays.copyOfRange(input, eol + 1, nul < 0 ? input.length : nul);
    byte[] blob = nul < 0 ? null : Arrays.copyOfRange(input, nul + 1, input.length);
    HostileRegistry registry = HostileRegistry.get();
    registry.serve(new HostileRegistry.Script(contentType, manifest, blob, null, null));
    Repository repo = Repository.of(registry.address(), "fuzz/image");
    try (SilentCloseable loopback = loopbackOnly()) {
      try {
        SHARED.resolve(ImageReference.of(repo, "latest"), PLATFORM);
      } catch (OciException e) {
        Contract.refused(e);
      }
      List<OciSignature> signatures;
      try {
        signatures = new OciSignatureStore(SHARED).listSignatures(repo, IMAGE);
      } catch (OciException e) {
        Contract.refused(e);
        return;
      }
      for (OciSignature s : signatures) {
        try {
          SimpleSigningPayload.parse(s.payload());
        } catch (OciException e) {
          Contract.refused(e);
        }
        if (s.bundle() != null) {
          try {
            CosignBundle.parse(s.bundle());
          } catch (OciException e) {
            Contract.refused(e);
          }
        }
      }
    }
  }

  /**
   * A registry that answers 401 with the given challenge and a token service that answers the
   * given document. Input: the {@code WWW-Authenticate} value (where {@code {registry}} stands
   * for this registry's address), a newline, the token answer. Bearer challenges whose realm
   * lies elsewhere are only parsed: the client would follow them off this machine.
   */
  @FuzzTest
  void registryToken(byte[] input) throws Exception {
    int eol = indexOf(input, (byte) '\n', 0);
    if (eol < 0) {
      return;
    }
    HostileRegistry registry = HostileRegistry.get();
    String challenge = new String(input, 0, eol, StandardCharsets.ISO_8859_1).replace("{registry}", registry.address());
    if (!isHeaderValue(challenge)) {
      return;
    }
    String realm = "http://" + registry.address() + "/token";
    for (AuthChallenge c : AuthChallenge.parse(List.of(challenge))) {
      if (c.isBearer() && c.param("realm") != null && !c.param("realm").startsWith(realm)) {
        return;
      }
    }
    byte[] token = Arrays.copyOfRange(input, eol + 1, input.length);
    registry.serve(new HostileRegistry.Script(MediaTypes.OCI_MANIFEST, MANIFEST, null, challenge, token));
    try (SilentCloseable loopback = loopbackOnly()) {
      // A new client: a shared one would answer from the challenge and token it cached before.
      newClient().fetchManifest(ImageReference.of(Repository.of(registry.address(), "fuzz/image"), "latest"));
    } catch (OciException e) {
      Contract.refused(e);
    }
  }

  /** The {@code dev.sigstore.cosign/bundle} annotation; what parses writes back to the same value. */
  @FuzzTest
  void cosignBundle(byte[] input) throws OciException {
    CosignBundle bundle;
    try {
      bundle = CosignBundle.parse(Contract.utf8(input));
    } catch (OciException e) {
      Contract.refused(e);
      return;
    }
    assertEquals(bundle, CosignBundle.parse(bundle.toJson()));
  }

  /** A signature layer's payload; what parses writes bytes that read back the same. */
  @FuzzTest
  void simpleSigningPayload(byte[] input) throws OciException {
    SimpleSigningPayload payload;
    try {
      payload = SimpleSigningPayload.parse(input);
    } catch (OciException e) {
      Contract.refused(e);
      return;
    }
    if (hasLoneSurrogate(payload)) {
      return; // written as U+FFFD, as cosign writes it: not the same string by design
    }
    assertEquals(payload, SimpleSigningPayload.parse(payload.toBytes()));
  }

  /** An image reference, e.g. the {@code docker-reference} a payload names. */
  @FuzzTest
  void imageReference(byte[] input) throws OciException {
    ImageReference ref;
    try {
      ref = ImageReference.parse(Contract.utf8(input));
    } catch (OciException e) {
      Contract.refused(e);
      return;
    }
    assertEquals(ref, ImageReference.parse(ref.toString()));
  }

  private static final byte[] MANIFEST = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
      + "\",\"config\":{\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"size\":2,\"digest\":\""
      + Digest.of("{}".getBytes(StandardCharsets.US_ASCII)) + "\"},\"layers\":[]}").getBytes(StandardCharsets.US_ASCII);

  private static RegistryClient newClient() {
    return RegistryClient.builder().timeout(Duration.ofSeconds(10)).build();
  }

  /** The client may talk only to the registry here; anything else is a finding. */
  private static SilentCloseable loopbackOnly() {
    return BugDetectors.allowNetworkConnections((host, port) -> host.equals("127.0.0.1") || host.equals("localhost"));
  }

  private static boolean isHeaderValue(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\t') || c > 0x7e) {
        return false;
      }
    }
    return !s.isEmpty() && s.strip().equals(s);
  }

  private static int indexOf(byte[] b, byte v, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }

  private static boolean hasLoneSurrogate(SimpleSigningPayload p) {
    StringBuilder all = new StringBuilder(p.dockerReference());
    if (p.optional() != null) {
      p.optional().forEach((k, v) -> all.append('\0').append(k).append('\0').append(v));
    }
    String s = all.toString();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
