package dev.parley.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written on a plain TCP socket, for tests that need what a library hides: a
 * client that stops reading (with a small receive buffer, so that the daemon's writes back up), and
 * the frames and close frame exactly as they came.
 */
public final class RawSocket implements AutoCloseable {
  /** A frame as it came: its opcode and payload. */
  public record Frame(int opcode, byte[] payload) {
    /** The payload as text. */
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The status code of a close frame. */
    public int closeCode() {
      return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }

    /** The reason of a close frame. */
    public String closeReason() {
      return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }
  }

  public static final int TEXT = 1;
  public static final int CLOSE = 8;

  /** The opcode of a ping frame. */
  public static final int PING = 9;

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private RawSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /**
   * Upgrades to {@code path} of the daemon at {@code base}, with {@code receiveBuffer} bytes of
   * socket receive buffer.
   */
  public static RawSocket open(URI base, String path, int receiveBuffer) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(receiveBuffer);
    socket.setSoTimeout(30_000);
    socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
    RawSocket raw = new RawSocket(socket);
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String request =
        "GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + base.getAuthority()
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
            + Base64.getEncoder().encodeToString(nonce)
            + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    raw.out.write(request.getBytes(StandardCharsets.US_ASCII));
    raw.out.flush();
    String head = raw.readHead();
    if (!head.startsWith("HTTP/1.1 101")) {
      throw new IOException("no upgrade: " + head);
    }
    return raw;
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the handshake ended early: " + head);
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** Sends a masked text frame, as a client must. */
  public void sendText(String text) throws IOException {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x80 | TEXT);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length < 65536) {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xff);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) (((long) payload.length >>> shift) & 0xff));
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.write(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  /** The next whole message (fragments joined), or a control frame; null at the end of stream. */
  public Frame next() throws IOException {
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    int opcode = -1;
    while (true) {
      int b0 = in.read();
      if (b0 < 0) {
        return null;
      }
      int b1 = in.readUnsignedByte();
      long length = b1 & 0x7f;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      int op = b0 & 0x0f;
      if (op >= 8) {
        return new Frame(op, payload);
      }
      if (op != 0) {
        opcode = op;
      }
      message.write(payload);
      if ((b0 & 0x80) != 0) {
        return new Frame(opcode, message.toByteArray());
      }
    }
  }

  /** The input, for tests that count what is waiting. */
  public InputStream input() {
    return in;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
