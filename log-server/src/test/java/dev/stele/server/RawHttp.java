package dev.stele.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A bare TCP connection to the server, for what an HTTP client library will not send: broken
 * chunked encodings, headers that never end, bodies shorter than they say.
 */
final class RawHttp implements AutoCloseable {
  private final Socket socket;

  RawHttp(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(100);
  }

  RawHttp send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  RawHttp send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
    return this;
  }

  /** What the server sent, and whether it closed the connection. */
  record Answer(String text, boolean closed) {
    int status() {
      return text.startsWith("HTTP/1.1 ") ? Integer.parseInt(text.substring(9, 12)) : -1;
    }
  }

  /**
   * Reads until the server closes the connection or {@code max} has passed, or (if {@code
   * oneAnswer}) until one whole answer with a {@code content-length} body has arrived.
   */
  Answer read(Duration max, boolean oneAnswer) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long end = System.nanoTime() + max.toNanos();
    InputStream in = socket.getInputStream();
    byte[] buf = new byte[8192];
    while (System.nanoTime() < end) {
      int n;
      try {
        n = in.read(buf);
      } catch (SocketTimeoutException e) {
        continue;
      } catch (IOException e) {
        return new Answer(out.toString(StandardCharsets.ISO_8859_1), true); // reset
      }
      if (n < 0) {
        return new Answer(out.toString(StandardCharsets.ISO_8859_1), true);
      }
      out.write(buf, 0, n);
      if (oneAnswer && complete(out.toString(StandardCharsets.ISO_8859_1))) {
        return new Answer(out.toString(StandardCharsets.ISO_8859_1), false);
      }
    }
    return new Answer(out.toString(StandardCharsets.ISO_8859_1), false);
  }

  private static boolean complete(String text) {
    int head = text.indexOf("\r\n\r\n");
    if (head < 0) return false;
    for (String line : text.substring(0, head).split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        return text.length() - head - 4 >= Integer.parseInt(line.substring(15).trim());
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
