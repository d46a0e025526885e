package dev.stele.admission;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A socket on 127.0.0.1 that accepts connections and never answers: a registry or log that hangs. */
final class HangingServer implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> held = new CopyOnWriteArrayList<>();

  HangingServer() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          held.add(server.accept());
        } catch (IOException e) {
          return;
        }
      }
    }, "hanging-server");
    t.setDaemon(true);
    t.start();
  }

  String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  int connections() {
    return held.size();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : held) {
      s.close();
    }
  }
}
