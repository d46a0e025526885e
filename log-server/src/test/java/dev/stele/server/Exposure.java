package dev.stele.server;

import dev.stele.server.sign.LogKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** A {@link SecurityConfig} built up one part at a time, for tests. */
final class Exposure {
  Path tlsCert;
  Path tlsKey;
  Path clientCa;
  Path writeTokens;
  Path readTokens;
  String adminBind;
  int adminPort;
  Path backupDir;
  LogKeys.Source keys = LogKeys.Source.PEM;
  Duration reload = Duration.ofHours(1);

  Exposure tls(Path cert, Path key) {
    tlsCert = cert;
    tlsKey = key;
    return this;
  }

  Exposure clientCa(Path ca) {
    clientCa = ca;
    return this;
  }

  Exposure writeTokens(Path f) {
    writeTokens = f;
    return this;
  }

  Exposure readTokens(Path f) {
    readTokens = f;
    return this;
  }

  Exposure admin(Path backups) {
    adminBind = "127.0.0.1";
    adminPort = 0;
    backupDir = backups;
    return this;
  }

  Exposure keys(LogKeys.Source s) {
    keys = s;
    return this;
  }

  Exposure reload(Duration d) {
    reload = d;
    return this;
  }

  SecurityConfig config() {
    return new SecurityConfig(Optional.ofNullable(tlsCert), Optional.ofNullable(tlsKey), Optional.ofNullable(clientCa),
        Optional.ofNullable(writeTokens), Optional.ofNullable(readTokens), Optional.ofNullable(adminBind), adminPort,
        Optional.ofNullable(backupDir), keys, reload);
  }
}
