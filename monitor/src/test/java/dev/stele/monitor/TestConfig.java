package dev.stele.monitor;

import dev.stele.client.protocol.ProtocolJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Monitor configurations for tests, with the defaults a test wants; change fields, then build. */
final class TestConfig {
  URI url;
  PublicKey key;
  Path state;
  Duration unreachableAfter = Duration.ofMinutes(10);
  LogSource.Protocol protocol = LogSource.Protocol.AUTO;
  URI webhook;
  List<PublicKey> watchKeys = new ArrayList<>();
  List<String> watchDigests = new ArrayList<>();
  List<URI> mirrors = new ArrayList<>();
  List<String> peers = new ArrayList<>();
  int splitViewTries = 3;
  boolean audit;
  List<java.security.cert.X509Certificate> logRoots = List.of();
  Path logTokenFile;

  TestConfig(URI url, PublicKey key, Path state) {
    this.url = url;
    this.key = key;
    this.state = state;
  }

  MonitorConfig build() {
    return new MonitorConfig(url, key, null, state, Duration.ofSeconds(1), unreachableAfter, protocol,
        Optional.ofNullable(webhook), watchKeys, watchDigests, mirrors, peers, splitViewTries, audit, true, "127.0.0.1",
        -1, 4, logRoots, Optional.ofNullable(logTokenFile));
  }

  Monitor monitor(MonitorMetrics metrics) throws Exception {
    return new Monitor(build(), metrics, Clock.systemUTC());
  }

  Monitor monitor() throws Exception {
    return monitor(new MonitorMetrics());
  }

  /** The evidence files written so far, oldest first. */
  List<Path> evidenceFiles() throws IOException {
    Path dir = state.resolve("evidence");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  static JsonNode json(Path file) throws IOException {
    return ProtocolJson.mapper().readTree(Files.readAllBytes(file));
  }

  /** The verified checkpoint note the tracker keeps in the state directory, or null. */
  String verifiedNote() throws IOException {
    Path file = state.resolve(Follower.FILE);
    return Files.exists(file) ? Files.readString(file) : null;
  }
}
