package dev.parley.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ConnectionLimits;
import dev.parley.server.ServerConfig;
import dev.parley.server.testing.RawHttp;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Slow and idle clients cannot hold the daemon: a request must arrive whole within the read
 * timeout, connections beyond the limit wait their turn, and legitimate calls are answered
 * meanwhile. A long-poll check, silent for longer than both timeouts, is not cut.
 */
class ConnectionLimitsTest {
  private static final Duration READ = Duration.ofSeconds(1);
  private static final String HEAD =
      "POST /rpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";

  private final ScheduledExecutorService trickle = Executors.newScheduledThreadPool(2);
  private final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void stop() throws IOException {
    trickle.shutdownNow();
    for (Socket s : sockets) {
      s.close();
    }
  }

  private static RunningServer start(ConnectionLimits limits) throws Exception {
    return RunningServer.start(ServerConfig.ephemeral().withConnections(limits));
  }

  /** Opens a connection that sends {@code head}, then one byte of {@code drip} every 200 ms. */
  private Socket slow(int port, String head, String drip) throws IOException {
    Socket socket = RawHttp.connect(port);
    sockets.add(socket);
    OutputStream out = socket.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    byte[] bytes = drip.getBytes(StandardCharsets.US_ASCII);
    int[] next = {0};
    trickle.scheduleAtFixedRate(
        () -> {
          try {
            out.write(bytes[next[0]++ % bytes.length]);
            out.flush();
          } catch (IOException e) {
            throw new IllegalStateException("cut", e);
          }
        },
        200,
        200,
        TimeUnit.MILLISECONDS);
    return socket;
  }

  @Test
  void headersTrickledAByteAtATimeAreCutWithA408() throws Exception {
    try (RunningServer server =
        start(ConnectionLimits.defaults().withTimeouts(READ, Duration.ofSeconds(30)))) {
      Socket socket =
          slow(
              server.uri().getPort(),
              HEAD,
              "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
      RawHttp.Response answer = RawHttp.read(socket.getInputStream());
      assertThat(answer.status()).isEqualTo(408);
      assertThat(RpcClient.parse(answer.body()).get("error").asText())
          .contains("not received in time");
      assertThat(socket.getInputStream().read()).as("closed after the 408").isEqualTo(-1);
    }
  }

  @Test
  void aBodyTrickledAByteAtATimeIsCut() throws Exception {
    try (RunningServer server =
        start(ConnectionLimits.defaults().withTimeouts(READ, Duration.ofSeconds(30)))) {
      Socket socket =
          slow(
              server.uri().getPort(),
              HEAD + "Content-Length: 1000\r\n\r\n{\"jsonrpc\":\"2.0\",",
              " ");
      InputStream in = socket.getInputStream();
      try {
        assertThat(in.read()).as("closed without an answer").isEqualTo(-1);
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the slow body was not cut", e);
      } catch (SocketException reset) {
        // Cut as well: the daemon closed while bytes were still coming.
      }
    }
  }

  @Test
  void aLongPollOutlastsTheReadAndIdleTimeouts() throws Exception {
    try (RunningServer server = start(ConnectionLimits.defaults().withTimeouts(READ, READ))) {
      RpcClient alice = server.login("alice", "poll");
      JsonNode result = alice.call("check", Map.of("timeout_ms", 3 * READ.toMillis()));
      assertThat(result.get("status").asInt()).as("timed out normally").isZero();
    }
  }

  @Test
  void legitimateCallsAreAnsweredWhileSlowClientsHoldEveryConnection() throws Exception {
    int limit = 8;
    try (RunningServer server = start(new ConnectionLimits(limit, READ, Duration.ofSeconds(30)))) {
      int port = server.uri().getPort();
      for (int i = 0; i < 3 * limit; i++) {
        slow(
            port,
            HEAD,
            "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
      }
      assertThat(server.client().call("rooms").get("rooms")).isEmpty();
      assertThat(server.login("alice", "busy").call("participants").get("participants")).hasSize(1);
    }
  }

  @Test
  void connectionsBeyondTheLimitWaitUntilOneCloses() throws Exception {
    try (RunningServer server =
        start(new ConnectionLimits(2, Duration.ofSeconds(30), Duration.ofSeconds(30)))) {
      int port = server.uri().getPort();
      Socket first = RawHttp.connect(port);
      Socket second = RawHttp.connect(port);
      sockets.add(first);
      sockets.add(second);
      assertThat(call(first).status()).isEqualTo(200);
      assertThat(call(second).status()).isEqualTo(200);

      Socket third = RawHttp.connect(port);
      sockets.add(third);
      third.setSoTimeout(1000);
      send(third);
      assertThatThrownBy(() -> third.getInputStream().read())
          .as("not served while two are open")
          .isInstanceOf(SocketTimeoutException.class);
      first.close();
      third.setSoTimeout(30_000);
      assertThat(RawHttp.read(third.getInputStream()).status()).isEqualTo(200);
    }
  }

  private static final String ROOMS = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"rooms\"}";

  private static void send(Socket socket) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(
        (HEAD + "Content-Length: " + ROOMS.length() + "\r\n\r\n" + ROOMS)
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** One keep-alive call on {@code socket}. */
  private static RawHttp.Response call(Socket socket) throws IOException {
    send(socket);
    return RawHttp.read(socket.getInputStream());
  }
}
