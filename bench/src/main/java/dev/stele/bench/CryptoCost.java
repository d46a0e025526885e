package dev.stele.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stele.client.crypto.HashAlgorithm;
import dev.stele.client.crypto.SignatureVerifiers;
import dev.stele.client.crypto.Signer;
import dev.stele.client.crypto.Signers;
import dev.stele.client.protocol.KeyMaterial;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The crypto work one append with a fresh key costs a log, measured as CPU time on one thread:
 * parsing the entry's key (or certificate) from its PEM, verifying its signature over the
 * digest, and signing one SET with the log's P-256 key. The reference for the server's CPU per
 * append, measured in the same run by bench/big-log.sh (the target: at most 1.5 times this).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.stele.bench.CryptoCost PROPOSALS.jsonl [LINES]
 * </pre>
 *
 * Prints one line: {@code crypto-us parse+verify=P sign=S total=T lines=N}.
 */
public final class CryptoCost {
  private record Item(byte[] pem, byte[] signature, byte[] digest) {}

  public static void main(String[] args) throws Exception {
    int max = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
    ObjectMapper json = new ObjectMapper();
    List<Item> items = new ArrayList<>();
    try (Stream<String> lines = Files.lines(Path.of(args[0]))) {
      for (String l : (Iterable<String>) lines.limit(max)::iterator) {
        JsonNode spec = json.readTree(l).get("spec");
        items.add(new Item(Base64.getDecoder().decode(spec.at("/signature/publicKey/content").asText()),
            Base64.getDecoder().decode(spec.at("/signature/content").asText()),
            HexFormat.of().parseHex(spec.at("/data/hash/value").asText())));
      }
    }
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    Signer logKey = Signers.forKeyPair(g.generateKeyPair());
    byte[] setPayload = new byte[300]; // a SET payload's size: body hash, index, time, log ID as JSON
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    double verify = 0;
    double sign = 0;
    for (int round = 0; round < 3; round++) { // the first two warm the JIT up; the last counts
      long t0 = cpu.getCurrentThreadCpuTime();
      for (Item it : items) {
        KeyMaterial key = KeyMaterial.parse(it.pem());
        SignatureVerifiers.forDigest(key.publicKey(), HashAlgorithm.SHA256).verify(it.signature(), it.digest());
      }
      long t1 = cpu.getCurrentThreadCpuTime();
      for (int i = 0; i < items.size(); i++) {
        setPayload[i % setPayload.length]++;
        logKey.sign(setPayload);
      }
      long t2 = cpu.getCurrentThreadCpuTime();
      verify = (t1 - t0) / 1e3 / items.size();
      sign = (t2 - t1) / 1e3 / items.size();
    }
    System.out.printf(Locale.ROOT, "crypto-us parse+verify=%.0f sign=%.0f total=%.0f lines=%d (%s)%n",
        verify, sign, verify + sign, items.size(), System.getProperty("java.version"));
  }
}
