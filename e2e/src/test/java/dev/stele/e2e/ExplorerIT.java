package dev.stele.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stele.client.External;
import dev.stele.client.TestCa;
import dev.stele.client.TestLog;
import dev.stele.client.TrustedLog;
import dev.stele.client.ValidityPeriod;
import dev.stele.client.bundle.Bundle;
import dev.stele.client.bundle.BundleVerifier;
import dev.stele.client.cli.Cli;
import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.crypto.Signer;
import dev.stele.client.crypto.Signers;
import dev.stele.client.oci.TamperingProxy;
import dev.stele.client.protocol.Dsse;
import dev.stele.client.protocol.KeyMaterial;
import dev.stele.client.protocol.LoggedEntry;
import dev.stele.client.protocol.Pem;
import dev.stele.client.rekor.ProposedEntries;
import dev.stele.client.rekor.RekorClient;
import dev.stele.client.trust.TrustRoot;
import dev.stele.client.verify.Artifact;
import dev.stele.client.verify.IdentityPolicy;
import dev.stele.client.verify.VerifiedEntry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The log explorer (the page the log serves at /ui/) in a real browser, Debian's headless
 * Chromium, against the real log server in its own process, with entries recorded through the
 * client library: hashedrekord signed by keys and by certificates of a test CA, and a dsse one.
 * Every search kind finds its entry and every entry verifies in the browser; a log that lies
 * through a rewriting proxy is shown failed at the step it lied in; certificates full of HTML and
 * script are shown as text; bundles the page builds verify offline with the Stele client.
 *
 * <p>Screenshots of the main views are written to {@code target/screenshots/} (the README's
 * pictures in docs/images/ are copies).
 */
@External
class ExplorerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final int FILLERS = 260; // one full level-0 tile and a partial one
  private static final String EMAIL = "release-bot@example.com";
  private static final String WORKFLOW = new TestCa.Leaf().uri;
  private static final String ISSUER = new TestCa.Leaf().issuerV2;
  // At most 64 characters: RFC 5280's bound on a common name.
  private static final String EVIL_CN = "<img src=x onerror=__pwned=1><script>__pwned=2</script>";
  private static final String EVIL_EMAIL = "<script>window.__pwned='email'</script>@evil.test";
  private static final String EVIL_URI = "javascript:window.__pwned='uri'//";

  @TempDir static Path dir;

  private static LogProcess log;
  private static TamperingProxy liar;
  private static Browser browser;
  private static RekorClient client;
  private static PublicKey logKey;
  private static Path logKeyFile;
  private static TestCa ca;

  /** One recorded entry and what the test knows about it. */
  private record Recorded(LoggedEntry entry, byte[] artifact, Signer signer) {
    long index() {
      return entry.logIndex();
    }

    String id() {
      return entry.id().toString();
    }

    String digest() {
      return "sha256:" + HexFormat.of().formatHex(HashAlgorithm.SHA256.digest(artifact));
    }
  }

  private static Signer filler;
  private static Recorded byKey;
  private static Recorded byEmailCert;
  private static Recorded byWorkflowChain;
  private static Recorded dsse;
  private static String dsseEnvelope;
  private static Recorded evilEmail;
  private static Recorded evilUri;
  private static X509Certificate emailCert;

  @BeforeAll
  static void start() throws Exception {
    browser = Browser.start(dir.resolve("browser"), Path.of("target", "screenshots"));
    log = LogProcess.start(dir.resolve("log"));
    logKeyFile = log.writePublicKey(dir.resolve("log.pub"));
    logKey = KeyMaterial.parsePublicKey(Files.readString(logKeyFile));
    liar = TamperingProxy.in(log.address());
    client = RekorClient.builder(log.url()).timeout(Duration.ofSeconds(30)).build();
    ca = new TestCa("explorer test", Instant.now().minusSeconds(3600), Instant.now().plusSeconds(3600));

    filler = signer(TestLog.p256());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Recorded>> fs = new ArrayList<>();
      for (int i = 0; i < FILLERS; i++) {
        byte[] artifact = ("filler " + i).getBytes(StandardCharsets.UTF_8);
        fs.add(pool.submit(() -> recordHashedRekord(filler, artifact, publicKeyPem(filler))));
      }
      for (Future<Recorded> f : fs) f.get();
    } finally {
      pool.shutdownNow();
    }

    Signer alice = signer(TestLog.p256());
    byKey = recordHashedRekord(alice, bytes("release 1.0, signed with a key"), publicKeyPem(alice));

    KeyPair bob = TestLog.p256();
    TestCa.Leaf email = leaf();
    email.email = EMAIL;
    emailCert = ca.leaf(bob, email);
    byEmailCert = recordHashedRekord(signer(bob), bytes("release 2.0, signed with a certificate"), pem(emailCert));

    KeyPair carol = TestLog.p256();
    TestCa.Leaf workflow = leaf();
    workflow.commonName = "release workflow";
    byWorkflowChain = recordHashedRekord(signer(carol), bytes("release 3.0, signed in CI"),
        pem(ca.leaf(carol, workflow), ca.intermediate()));

    byte[] app = bytes("app.tar contents");
    String statement = "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"app.tar\",\"digest\":"
        + "{\"sha256\":\"" + HexFormat.of().formatHex(HashAlgorithm.SHA256.digest(app)) + "\"}}],"
        + "\"predicateType\":\"https://stele.dev/test/v1\",\"predicate\":{}}";
    byte[] payload = bytes(statement);
    byte[] sig = alice.sign(Dsse.pae("application/vnd.in-toto+json", payload));
    dsseEnvelope = "{\"payload\":\"" + b64(payload) + "\",\"payloadType\":\"application/vnd.in-toto+json\","
        + "\"signatures\":[{\"keyid\":\"\",\"sig\":\"" + b64(sig) + "\"}]}";
    dsse = new Recorded(client.submit(ProposedEntries.dsse(dsseEnvelope, List.of(publicKeyPem(alice)))).entry(), app, alice);

    KeyPair dave = TestLog.p256();
    TestCa.Leaf evil1 = leaf();
    evil1.commonName = EVIL_CN;
    evil1.email = EVIL_EMAIL;
    evilEmail = recordHashedRekord(signer(dave), bytes("evil 1"), pem(ca.leaf(dave, evil1)));
    KeyPair erin = TestLog.p256();
    TestCa.Leaf evil2 = leaf();
    evil2.commonName = EVIL_CN;
    evil2.uri = EVIL_URI;
    evilUri = recordHashedRekord(signer(erin), bytes("evil 2"), pem(ca.leaf(erin, evil2)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) browser.close();
    if (liar != null) liar.close();
    if (log != null) log.close();
  }

  /** No page may log an error: a CSP or Trusted Types refusal of the page's own code shows here. */
  @AfterEach
  void theConsoleStaysClean() {
    List<String> severe = browser.consoleMessages().stream().filter(m -> m.startsWith("SEVERE")).toList();
    assertEquals(List.of(), severe, "browser console errors");
  }

  // ---- searching and reading ----

  @Test
  void everySearchKind_findsItsEntry_andTheEntryVerifiesInTheBrowser() throws Exception {
    // An artifact digest, typed.
    search("digest", byKey.digest());
    openResult(byKey.index());
    assertVerified(byKey.index());
    assertEquals("hashedrekord 0.0.1", dd("#summary", "Kind"));
    assertTrue(dd("#summary", "Artifact digest").startsWith(byKey.digest()), dd("#summary", "Artifact digest"));
    assertEquals(dev.stele.client.crypto.PublicKeys.logId(byKey.signer().publicKey()).hex(),
        dd("#signers", "Key fingerprint").split(" ")[0], "the key fingerprint is SHA-256 of the DER public key");

    // The digest of a file the person has, hashed in the browser.
    Path artifact = Files.write(dir.resolve("release-2.tar"), byEmailCert.artifact());
    home();
    new Select(browser.find("#search-kind")).selectByValue("digest");
    browser.find("#search-artifact-file").sendKeys(artifact.toString());
    awaitResults(byEmailCert.index());

    // A public key, pasted (finds the hashedrekord and the dsse entry it signed).
    search("key", publicKeyPem(byKey.signer()));
    assertEquals(Set.of(byKey.index(), dsse.index()), new TreeSet<>(awaitResults(byKey.index(), dsse.index())));

    // A certificate, as a file.
    Path certFile = Files.writeString(dir.resolve("bob.crt"), pem(emailCert));
    home();
    new Select(browser.find("#search-kind")).selectByValue("key");
    browser.find("#search-key-file").sendKeys(certFile.toString());
    awaitResults(byEmailCert.index());

    // An e-mail identity, in another case than the certificate's.
    search("identity", EMAIL.toUpperCase());
    openResult(byEmailCert.index());
    assertVerified(byEmailCert.index());
    assertEquals("email: " + EMAIL + " find entries", dd("#signers", "Identities"));
    assertEquals(ISSUER, dd("#signers", "OIDC issuer"));
    assertTrue(dd("#signers", "Valid").endsWith("(valid when integrated)"), dd("#signers", "Valid"));
    assertEquals("CN=explorer test intermediate", dd("#signers", "Issuer"));
    browser.screenshot("explorer-entry");

    // A workflow identity (a URI), from a certificate with its chain.
    search("identity", WORKFLOW);
    List<Long> found = awaitResults(byWorkflowChain.index());
    assertEquals(List.of(byWorkflowChain.index()), found);
    openResult(byWorkflowChain.index());
    assertVerified(byWorkflowChain.index());
    assertEquals("CN=release workflow", dd("#signers", "Subject"));
    assertEquals("CN=explorer test intermediate", dd("#signers", "Chain"));

    // A log index, and an entry UUID: straight to the entry.
    home();
    new Select(browser.find("#search-kind")).selectByValue("index");
    browser.find("#search-text").clear();
    browser.find("#search-text").sendKeys(Long.toString(dsse.index()));
    browser.find("#search-button").click();
    assertVerified(dsse.index());
    assertEquals("dsse 0.0.1", dd("#summary", "Kind"));
    home();
    new Select(browser.find("#search-kind")).selectByValue("uuid");
    browser.find("#search-text").clear();
    browser.find("#search-text").sendKeys(byKey.entry().id().uuidHex());
    browser.find("#search-button").click();
    assertVerified(byKey.index());

    // The dsse entry by the digest of its in-toto subject.
    search("digest", dsse.digest());
    assertEquals(List.of(dsse.index()), awaitResults(dsse.index()));
  }

  @Test
  void searchResults_arePaged_newestFirst() throws Exception {
    search("key", publicKeyPem(filler));
    browser.await("page 1", d -> text("#result-count").equals("Entries 1–10 of " + FILLERS + " (newest first)"));
    List<Long> page1 = resultIndexes();
    assertEquals(10, page1.size());
    for (int i = 1; i < page1.size(); i++) assertTrue(page1.get(i) < page1.get(i - 1), "newest first: " + page1);
    browser.find(".pager").findElement(By.linkText("Older →")).click();
    browser.await("page 2", d -> text("#result-count").equals("Entries 11–20 of " + FILLERS + " (newest first)"));
    List<Long> page2 = resultIndexes();
    browser.screenshot("explorer-search");
    assertEquals(10, page2.size());
    assertTrue(page2.get(0) < page1.get(9), page1 + " then " + page2);
    browser.find(".pager").findElement(By.linkText("← Newer")).click();
    browser.await("page 1 again", d -> text("#result-count").startsWith("Entries 1–10"));
    assertEquals(page1, resultIndexes());
  }

  // ---- bundles ----

  @Test
  void theBundlesThePageMakes_verifyOffline_andAreWhatTheClientLibraryWrites() throws Exception {
    // Signed with a key: stele verify-blob, as a user would run it.
    Path key = bundleFromPage(byKey, null);
    Path artifact = Files.write(dir.resolve("release-1.tar"), byKey.artifact());
    Path pub = Files.writeString(dir.resolve("alice.pub"), publicKeyPem(byKey.signer()));
    Cli.Run ok = Stele.inProcess(Map.of(), "verify-blob", artifact.toString(), "--bundle", key.toString(), "--key",
        pub.toString(), "--log-key", logKeyFile.toString(), "--log-url", log.url().toString());
    assertEquals(Stele.OK, ok.code(), ok.toString());
    Cli.Run other = Stele.inProcess(Map.of(), "verify-blob", Files.writeString(dir.resolve("other"), "x").toString(),
        "--bundle", key.toString(), "--key", pub.toString(), "--log-key", logKeyFile.toString(), "--log-url", log.url().toString());
    assertEquals(Stele.ARTIFACT_SIGNATURE, other.code(), other.toString());

    // Signed with certificates (one, and a chain): the library's bundle verifier, trusting the test CA.
    BundleVerifier verifier = new BundleVerifier(TrustRoot.of(
        List.of(TrustedLog.rekorV1(log.url(), logKey, ValidityPeriod.ALWAYS)), List.of(ca.authority())));
    for (Object[] c : new Object[][] {{byEmailCert, EMAIL, "certificate"}, {byWorkflowChain, WORKFLOW, "x509CertificateChain"}}) {
      Recorded r = (Recorded) c[0];
      Path file = bundleFromPage(r, null);
      Bundle b = Bundle.parse(Files.readAllBytes(file));
      assertTrue(JSON.readTree(file.toFile()).get("verificationMaterial").has((String) c[2]), file.toString());
      List<VerifiedEntry> v = verifier.verify(b, Optional.of(Artifact.sha256Of(r.artifact())), List.of(),
          Optional.of(IdentityPolicy.exact((String) c[1], ISSUER)));
      assertEquals(r.index(), v.get(0).entry().logIndex());
    }

    // DSSE: the log keeps only the envelope's hash, so the page asks for the envelope.
    Path envelope = Files.writeString(dir.resolve("app.intoto.json"), dsseEnvelope);
    Path dsseBundle = bundleFromPage(dsse, envelope);
    Cli.Run dsseOk = Stele.inProcess(Map.of(), "verify-blob", "--bundle", dsseBundle.toString(), "--key", pub.toString(),
        "--log-key", logKeyFile.toString(), "--log-url", log.url().toString());
    assertEquals(Stele.OK, dsseOk.code(), dsseOk.toString());

    // Another file than the recorded envelope is refused with the reason.
    openEntry(dsse);
    browser.find("#envelope-file").sendKeys(Files.writeString(dir.resolve("not-it.json"), "{}").toString());
    browser.await("refusal", d -> text("#envelope-result").startsWith("this file is not the recorded envelope"));
  }

  /**
   * Opens the entry, downloads its bundle (giving the envelope file for dsse), and checks that it
   * is byte for byte what log-client's Bundle writes for the same content.
   */
  private Path bundleFromPage(Recorded r, Path envelope) throws Exception {
    openEntry(r);
    if (envelope != null) browser.find("#envelope-file").sendKeys(envelope.toString());
    String name = "entry-" + r.index() + ".sigstore.json";
    browser.await("bundle link", d -> !d.findElements(By.linkText("Sigstore bundle")).isEmpty());
    browser.driver().findElement(By.linkText("Sigstore bundle")).click();
    Path file = browser.downloaded(name);
    byte[] bytes = Files.readAllBytes(file);
    assertEquals(new String(bytes, StandardCharsets.UTF_8), Bundle.parse(bytes).toJson() + "\n",
        "the page's bundle is the shape log-client writes");
    return file;
  }

  // ---- a lying log ----

  @Test
  void aLyingLog_isShownFailed_atTheStepItLiedIn() throws Exception {
    String base = "http://" + liar.address() + "/ui/";
    record Lie(String step, String reason, Consumer<ObjectNode> edit) {}
    List<Lie> lies = List.of(
        new Lie("Inclusion proof", "the proof leads to root", e -> {
          ArrayNode hashes = (ArrayNode) e.at("/verification/inclusionProof/hashes");
          String h = hashes.get(0).asText();
          hashes.set(0, JSON.getNodeFactory().textNode((h.charAt(0) == '0' ? "1" : "0") + h.substring(1)));
        }),
        new Lie("Checkpoint signature", "does not verify under the log key", e -> {
          ObjectNode proof = (ObjectNode) e.at("/verification/inclusionProof");
          String[] lines = proof.get("checkpoint").asText().split("\n", -1);
          lines[1] = Long.toString(Long.parseLong(lines[1]) + 1);
          proof.put("checkpoint", String.join("\n", lines));
        }),
        new Lie("Signed entry timestamp", "the SET does not verify", e -> {
          ObjectNode v = (ObjectNode) e.get("verification");
          byte[] set = Base64.getDecoder().decode(v.get("signedEntryTimestamp").asText());
          set[set.length - 1] ^= 1;
          v.put("signedEntryTimestamp", Base64.getEncoder().encodeToString(set));
        }));
    try {
      browser.open(base + "#/entry/" + byKey.id());
      assertVerified(byKey.index()); // the proxy alone changes nothing
      for (Lie lie : lies) {
        liar.rewrite(rewriteEntries(lie.edit()));
        browser.open(base + "#/");
        browser.open(base + "#/entry/" + byKey.id());
        WebElement verdict = browser.settled("#verdict");
        assertEquals("fail", verdict.getAttribute("data-state"), lie.step());
        assertTrue(verdict.getText().startsWith("NOT verified"), verdict.getText());
        WebElement step = browser.find("#checks li[data-step='" + lie.step() + "']");
        assertEquals("fail", step.getAttribute("data-state"), lie.step() + ": " + step.getText());
        assertTrue(step.getText().contains("FAIL") && step.getText().contains(lie.reason()), step.getText());
        if (lie.step().equals("Inclusion proof")) browser.screenshot("explorer-tampered");
      }
    } finally {
      liar.rewrite((method, path, answer) -> answer);
    }
  }

  private static TamperingProxy.Rewriter rewriteEntries(Consumer<ObjectNode> edit) {
    return (method, path, answer) -> {
      if (!path.startsWith("/api/v1/log/entries") || answer.status() != 200) return answer;
      JsonNode root = JSON.readTree(answer.body());
      List<JsonNode> entries = new ArrayList<>();
      if (root.isArray()) root.forEach(entries::add);
      else entries.add(root);
      for (JsonNode one : entries) one.fields().forEachRemaining(f -> edit.accept((ObjectNode) f.getValue()));
      return answer.withBody(JSON.writeValueAsBytes(root));
    };
  }

  // ---- attacker-controlled content ----

  @Test
  void htmlAndScriptInACertificate_areShownAsText_andNeverRun() throws Exception {
    search("identity", EVIL_EMAIL);
    openResult(evilEmail.index());
    assertVerified(evilEmail.index());
    assertEquals("CN=" + EVIL_CN, dd("#signers", "Subject"));
    assertEquals(EVIL_EMAIL, browser.find("#signers .san").getText());
    assertNothingRan();

    search("identity", EVIL_URI);
    List<Long> found = awaitResults(evilUri.index());
    assertEquals(List.of(evilUri.index()), found);
    assertEquals(EVIL_URI, browser.find("#results td.who").getText(), "the result list shows the identity as text");
    openResult(evilUri.index());
    assertVerified(evilUri.index());
    assertEquals(EVIL_URI, browser.find("#signers .san").getText());
    assertTrue(browser.find("#raw-body").getText().contains("\"kind\": \"hashedrekord\""));
    assertNothingRan();
    for (WebElement a : browser.findAll("a")) {
      String href = a.getAttribute("href");
      assertTrue(href == null || href.startsWith("http://") || href.startsWith("blob:"), "link " + href);
    }
  }

  private static void assertNothingRan() {
    assertEquals(Boolean.TRUE, browser.script("return window.__pwned === undefined"), "a script from a certificate ran");
    assertEquals(List.of(), browser.findAll("main img, main script"), "markup from a certificate became elements");
    assertEquals(1L, browser.script("return document.scripts.length"), "only the page's own module");
  }

  // ---- the log ----

  @Test
  void theLogView_showsTheVerifiedCheckpoint_growth_andTheTilesOfTheTree() throws Exception {
    long size = client.logInfo().treeSize();
    String checkpoint = get("/checkpoint");
    browser.open(log.url() + "/ui/#/log");
    assertEquals("pass", browser.settled("#checkpoint-state").getAttribute("data-state"));
    assertEquals(Long.toString(size), text("#tree-size"));
    assertEquals(checkpoint.strip(), text("#checkpoint-text").strip(), "the checkpoint as signed");
    assertTrue(text("#checkpoint").contains("the log's signature, verified"), text("#checkpoint"));
    browser.await("growth", d -> !d.findElements(By.cssSelector("#growth-chart polyline")).isEmpty());
    assertTrue(text("#growth").contains("Over the log's life"), text("#growth"));

    // The picture links exactly the tiles of the tree, and each of them exists.
    Set<String> expected = new TreeSet<>();
    for (int level = 0; size >> (8 * level) > 0; level++) {
      long hashes = size >> (8 * level);
      for (long n = 0; n < hashes / 256; n++) expected.add("tile/" + level + "/" + tileIndex(n));
      if (hashes % 256 != 0) expected.add("tile/" + level + "/" + tileIndex(hashes / 256) + ".p/" + hashes % 256);
      if (level == 0) {
        for (long n = 0; n < hashes / 256; n++) expected.add("tile/entries/" + tileIndex(n));
        if (hashes % 256 != 0) expected.add("tile/entries/" + tileIndex(hashes / 256) + ".p/" + hashes % 256);
      }
    }
    Set<String> linked = new TreeSet<>();
    for (Object href : (List<?>) browser.script(
        "return Array.from(document.querySelectorAll('#tile-picture a')).map(a => a.getAttribute('href'))")) {
      linked.add(((String) href).substring("../".length()));
    }
    assertEquals(expected, linked);
    for (String tile : linked) {
      HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(log.url().resolve("/" + tile)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, r.statusCode(), tile);
    }
    browser.screenshot("explorer-log");
  }

  @Test
  void aPinnedLogKey_isTheKeyTheChecksUse() throws Exception {
    browser.open(log.url() + "/ui/#/log");
    browser.await("trust card", d -> text("#pin-status").startsWith("Verifying with the key this log serves"));
    browser.find("#pin-pem").sendKeys(Pem.encode("PUBLIC KEY", TestLog.p256().getPublic().getEncoded()));
    browser.find("#pin").click();
    browser.await("pinned", d -> text("#pin-status").contains("DIFFERENT"));
    try {
      openEntry(byKey);
      assertEquals("fail", browser.settled("#verdict").getAttribute("data-state"));
      for (String step : List.of("Log ID", "Checkpoint signature", "Signed entry timestamp")) {
        assertEquals("fail", browser.find("#checks li[data-step='" + step + "']").getAttribute("data-state"), step);
      }
      assertTrue(text("#key-note").contains("pinned"), text("#key-note"));
    } finally {
      browser.open(log.url() + "/ui/#/log");
      browser.await("unpin button", d -> !d.findElements(By.id("unpin")).isEmpty());
      browser.find("#unpin").click();
      browser.await("unpinned", d -> text("#pin-status").startsWith("Verifying with the key this log serves"));
    }
    browser.find("#pin-pem").sendKeys(Files.readString(logKeyFile));
    browser.find("#pin").click();
    browser.await("pinned the log's key", d -> text("#pin-status").contains(", the key this log serves."));
    try {
      openEntry(byKey);
      assertEquals("pass", browser.settled("#verdict").getAttribute("data-state"));
    } finally {
      browser.open(log.url() + "/ui/#/log");
      browser.await("unpin button", d -> !d.findElements(By.id("unpin")).isEmpty());
      browser.find("#unpin").click();
    }
  }

  // ---- helpers ----

  private static Signer signer(KeyPair pair) throws Exception {
    return Signers.forKeyPair(pair);
  }

  private static TestCa.Leaf leaf() {
    TestCa.Leaf o = new TestCa.Leaf();
    o.notBefore = Instant.now().minusSeconds(60);
    o.notAfter = Instant.now().plusSeconds(3600);
    return o;
  }

  private static Recorded recordHashedRekord(Signer signer, byte[] artifact, String pem) throws Exception {
    byte[] sig = signer.sign(artifact);
    LoggedEntry e = client.submit(ProposedEntries.hashedRekord(HashAlgorithm.SHA256,
        HashAlgorithm.SHA256.digest(artifact), sig, pem)).entry();
    return new Recorded(e, artifact, signer);
  }

  private static String publicKeyPem(Signer s) {
    return Pem.encode("PUBLIC KEY", s.publicKey().getEncoded());
  }

  private static String pem(X509Certificate... chain) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (X509Certificate c : chain) sb.append(Pem.encode("CERTIFICATE", c.getEncoded()));
    return sb.toString();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  private static String tileIndex(long n) {
    String s = Long.toString(n);
    while (s.length() % 3 != 0) s = "0" + s;
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i += 3) {
      if (i > 0) out.append('/');
      if (i + 3 < s.length()) out.append('x');
      out.append(s, i, i + 3);
    }
    return out.toString();
  }

  private static String get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(log.url().resolve(path)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The search page, freshly shown. */
  private static void home() {
    browser.open(log.url() + "/ui/#/");
    browser.await("search page", d -> d.findElement(By.id("entry-view")).getAttribute("hidden") != null
        && d.findElement(By.id("search-view")).getAttribute("hidden") == null);
  }

  private static void search(String kind, String text) {
    home();
    new Select(browser.find("#search-kind")).selectByValue(kind);
    WebElement input = browser.find(kind.equals("key") ? "#search-pem" : "#search-text");
    input.clear();
    input.sendKeys(text);
    browser.find("#search-button").click();
  }

  /** Waits until the results list these indexes (among others); returns the indexes listed. */
  private static List<Long> awaitResults(Long... indexes) {
    browser.await("results with " + List.of(indexes), d -> resultIndexes().containsAll(List.of(indexes)));
    return resultIndexes();
  }

  private static List<Long> resultIndexes() {
    List<Long> out = new ArrayList<>();
    for (WebElement td : browser.findAll("#results tbody tr td:first-child")) out.add(Long.parseLong(td.getText()));
    return out;
  }

  private static void openResult(long index) {
    awaitResults(index);
    browser.find("#results").findElement(By.linkText(Long.toString(index))).click();
  }

  private static void openEntry(Recorded r) {
    home();
    browser.open(log.url() + "/ui/#/entry/" + r.id());
    browser.await("entry " + r.index(), d -> text("#entry-view h2").equals("Entry " + r.index()));
  }

  /** The entry view of this index, every check passed. */
  private static void assertVerified(long index) {
    browser.await("entry " + index, d -> {
      List<WebElement> h = d.findElements(By.cssSelector("#entry-view h2"));
      return !h.isEmpty() && h.get(0).getText().equals("Entry " + index);
    });
    WebElement verdict = browser.settled("#verdict");
    List<WebElement> steps = browser.findAll("#checks li");
    List<String> failed = new ArrayList<>();
    for (WebElement s : steps) if (!"pass".equals(s.getAttribute("data-state"))) failed.add(s.getText());
    assertEquals(List.of(), failed, "entry " + index);
    assertEquals(6, steps.size());
    assertEquals("pass", verdict.getAttribute("data-state"), verdict.getText());
    assertTrue(verdict.getText().startsWith("Verified"), verdict.getText());
  }

  private static String text(String css) {
    List<WebElement> found = browser.findAll(css);
    return found.isEmpty() ? "" : found.get(0).getText();
  }

  /** The text of the definition a card gives for a term. */
  private static String dd(String card, String term) {
    for (WebElement dt : browser.findAll(card + " dt")) {
      if (dt.getText().equals(term)) return dt.findElement(By.xpath("following-sibling::dd[1]")).getText();
    }
    throw new AssertionError(card + " has no " + term + ": " + text(card));
  }
}
